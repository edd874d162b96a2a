"""Schemathesis hooks of the conformance run (run.py loads them through
SCHEMATHESIS_HOOKS and passes the fixtures in the environment).

Tokens. One document-wide security scheme cannot say that editing an
appointment takes its admin token while painting availability takes a
participant's, so run.py hands the fixtures' tokens over as JSON in
CONFORMANCE_TOKENS: {"METHOD /path": token}. Operations are named by method
and path, not by operationId, so a regenerated document keeps working while
the paths stay the same. A token set here counts as explicit auth, so the
`ignored_auth` check still probes each secured operation without a token and
with a wrong one.

Fresh things to delete. Each request to an operation that deletes gets an
appointment or a participant of its own, created just before it is sent, so
every such request meets the real handler and not the 404 of the thing an
earlier request deleted. The token moves along only when the request carries
the fixture's token: a request the fuzzer sent without one, or with another,
keeps what it had.

A valid request to start from. Schemathesis builds most negative cases by
breaking one field of an otherwise valid request, and takes that request
from the document's examples when it has some; without them, a creation
it makes up almost never has dates in the allowed window and times on the
slot grid, so each broken field meets a refusal for another reason and
proves nothing. So every JSON request body gets one example that the
service accepts (dates from today), next to any the document has. Examples
are annotations: what the document allows stays as it is. The example's
participant name is made new for each request: were it taken, every broken
password would rightly meet a 401 before any check of its shape.

Painting that fits the grid. The document cannot know how many slots an
appointment has, so a range it allows is almost always past the end of the
main appointment's grid and refused. In a positive case (and only there)
every range is folded into the grid, sorted and merged, as the service
requires, so updates also succeed and their answers are checked.

Both kinds of appointment. Every other request that reads or joins the main
(dates) appointment goes to the weekly one instead, so both shapes of the
view and of its slots are checked against the document.
"""

import copy
import datetime as dt
import itertools
import json
import os
import urllib.request

import schemathesis

BASE = os.environ.get("CONFORMANCE_BASE", "")
TOKENS = json.loads(os.environ.get("CONFORMANCE_TOKENS", "{}"))
MAIN = os.environ.get("CONFORMANCE_ID")
WEEKLY = os.environ.get("CONFORMANCE_WEEKLY_ID")
LEAVING = os.environ.get("CONFORMANCE_LEAVING_ID")
SLOTS = int(os.environ.get("CONFORMANCE_SLOTS", "0"))
PAINT = "PATCH /api/appointments/{id}/participants/{pid}/availability"
DELETE_APPOINTMENT = "DELETE /api/appointments/{id}"
DELETE_PARTICIPANT = "DELETE /api/appointments/{id}/participants/{pid}"
JOIN = "POST /api/appointments/{id}/participants"
# The example's name, made unique per request (see before_call).
JOINER = "Conformance joiner"
_turn = itertools.count()
_names = itertools.count()


# No caching (one provider serves several tokens) and no refetch on 401
# (a 401 is an answer to check, not a reason to retry).
@schemathesis.auth(refresh_interval=None, retry_on=[])
class FixtureTokens:
    def get(self, case, ctx):
        return TOKENS.get(case.operation.label)

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def request_examples():
    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    dates = [tomorrow.isoformat(), (tomorrow + dt.timedelta(days=1)).isoformat()]
    window = {"timezone": "Asia/Seoul", "start": "09:00", "end": "12:00", "slot_minutes": 30}
    return {
        ("post", "/api/appointments"): {"title": "Club meeting", "dates": dates, **window},
        ("post", "/api/appointments/{id}/participants"): {"name": JOINER, "password": "conformance-password"},
        ("patch", "/api/appointments/{id}"): {"title": "Club meeting, moved", "final": {"start": 0, "end": 2}},
        ("patch", "/api/appointments/{id}/participants/{pid}/availability"): {
            "changes": [{"level": "available", "slots": [[0, 2], [4, 6]]}, {"level": "if_needed", "slots": [[2, 4]]}]
        },
    }


@schemathesis.hook
def before_load_schema(context, raw_schema):
    for (method, path), example in request_examples().items():
        operation = (raw_schema.get("paths") or {}).get(path, {}).get(method) or {}
        media = ((operation.get("requestBody") or {}).get("content") or {}).get("application/json")
        if media is None:
            continue
        examples = media.setdefault("examples", {})
        if "example" in media:  # `example` and `examples` exclude each other
            examples["document"] = {"value": media.pop("example")}
        examples["conformance"] = {"summary": "accepted by the service (tests/conformance/hooks.py)", "value": example}


def post(path, body):
    request = urllib.request.Request(
        BASE + path, data=json.dumps(body).encode(), method="POST", headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def fresh_appointment():
    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    body = {"title": "To delete", "timezone": "Asia/Seoul", "dates": [tomorrow.isoformat()], "start": "09:00", "end": "10:00"}
    created = post("/api/appointments", body)
    return {"id": created["id"]}, created["admin_token"]


def fresh_participant():
    joined = post(f"/api/appointments/{LEAVING}/participants", {"name": f"Leaver {next(_names)}"})
    return {"id": LEAVING, "pid": joined["participant"]["id"]}, joined["token"]


FRESH = {DELETE_APPOINTMENT: fresh_appointment, DELETE_PARTICIPANT: fresh_participant}


def is_positive(case):
    generation = getattr(case.meta, "generation", None)
    return str(getattr(generation, "mode", "")) == "positive"


def fit_to_grid(ranges):
    """[start, end) ranges folded into [0, SLOTS), sorted and merged."""
    folded = []
    for start, end in ranges:
        start = start % SLOTS
        end = start + 1 + (end % (SLOTS - start))
        folded.append([start, end])
    merged = []
    for start, end in sorted(folded):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def fit_update(body):
    for change in body.get("changes") or []:
        ranges = change.get("slots")
        if isinstance(ranges, list) and all(
            isinstance(r, list) and len(r) == 2 and all(type(i) is int and i >= 0 for i in r) for r in ranges
        ):
            change["slots"] = fit_to_grid(ranges)


@schemathesis.hook
def before_call(context, case, kwargs):
    # Cases may share their containers with the examples they were built
    # from, so every change here is made to a copy that replaces the
    # case's own.
    label = case.operation.label
    path = dict(case.path_parameters or {})
    if not path:
        return
    if label in FRESH:
        ids, token = FRESH[label]()
        case.path_parameters = {**path, **ids}
        headers = dict(case.headers or {})
        if headers.get("Authorization") == f"Bearer {TOKENS.get(label)}":
            case.headers = {**headers, "Authorization": f"Bearer {token}"}
        return
    body = copy.deepcopy(case.body) if isinstance(case.body, dict) else None
    if label == PAINT and SLOTS and body is not None and is_positive(case):
        fit_update(body)
        case.body = body
    if label == JOIN and body is not None and body.get("name") == JOINER:
        case.body = {**body, "name": f"Joiner {next(_names)}"}
    if WEEKLY and label not in TOKENS and path.get("id") == MAIN and next(_turn) % 2:
        case.path_parameters = {**path, "id": WEEKLY}
