"""The conformance run: schemathesis, driven by the service's own OpenAPI
document (`GET /api/openapi.json`), against a real `wrangler dev`.

It fails on any 5xx, on any response the document does not describe (status
code, content type, headers, body schema), on any request the document
forbids that the service accepts (negative data, a method the path does not
have, a secured operation answering without its token). A request the
document allows and the service refuses with 400 is not a failure: the
document cannot say everything the service checks (trimmed lengths, control
characters, dates within a year, ...).

To reach the real handlers and not only 404s, it first creates fixtures over
plain HTTP (appointments, participants, their tokens) and hands their ids to
schemathesis as fixed path parameters (a schemathesis.toml written for the
run) and their tokens through hooks.py. Operations that delete get fixtures of
their own, so the rest of the run keeps something to read.

The server (scripts/test-server.mjs, as every test server) gets its own free
port and its own temporary --persist-to directory, runs in its own process
group, and that whole group is stopped when the run ends, however it ends. Bounded by --max-examples per operation
and phase and by --max-time for the whole fuzzing; totals are printed at the
end and the full report is kept in target/conformance/.

Run it through `make conformance` (scripts/conformance.sh installs the pinned
schemathesis into .tools/conformance first).
"""

from __future__ import annotations

import argparse
import base64
import ctypes
import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
REPORT_DIR = ROOT / "target" / "conformance"

# The checks that make the run fail. Left out: positive_data_acceptance
# (a 400 to input the document allows is expected, see above) and the
# stateful resource checks (use_after_free, ensure_resource_availability,
# object_level_authorization), which need links the document does not have.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "ignored_auth",
]

# The path parameters the fixtures supply. A document that names another
# one would leave it to random generation (and the run to 404s), so the run
# refuses such a document instead of passing quietly.
SUPPLIED_PATH_PARAMETERS = {"id", "pid"}

# What counts as refusing input the document forbids: schemathesis's list
# plus 413 (a body over 64 KiB).
NEGATIVE_REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]


# ---------------------------------------------------------------- server


def tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(
        [str(ROOT / "node_modules" / ".bin"), str(ROOT / ".tools" / "bin"), env.get("PATH", "")]
    )
    env["WRANGLER_SEND_METRICS"] = "false"
    env["SKIP_WORKER_BUILD"] = "1"
    return env


def die_with_parent() -> None:
    """In the child before exec: SIGTERM when this driver dies, even by
    SIGKILL, so a killed run does not leave wrangler behind."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def group_alive(pgid: int, zombies_too: bool = False) -> bool:
    """Whether any live (or, with `zombies_too`, unreaped) process is still
    in the group."""
    dead = ("X",) if zombies_too else ("Z", "X")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in dead:
            return True
    return False


class Wrangler:
    """A `wrangler dev --local` with its own port and persist directory,
    in its own process group; `stop` ends the whole group."""

    def __init__(self, root: Path, variables: dict[str, str]):
        self.root = root
        self.variables = variables
        self.log_path = root / "wrangler.log"
        self.persist = root / "state"
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Starts the server with scripts/test-server.mjs, the one starter of
        every test server (migrations from a template state, a free port,
        the health check), and waits for its READY line."""
        self.persist.mkdir(parents=True, exist_ok=True)
        command = [
            "node", str(ROOT / "scripts" / "test-server.mjs"),
            "--persist", str(self.persist), "--log", str(self.log_path),
        ]  # fmt: skip
        for name, value in self.variables.items():
            command += ["--var", f"{name}:{value}"]
        with open(self.log_path, "ab") as log:
            # Its stdin stays open while this driver lives: when it closes,
            # the starter stops the server.
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=tool_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
                preexec_fn=die_with_parent,
                text=True,
            )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line.startswith("READY http://127.0.0.1:"):
            self.stop()
            raise SystemExit("wrangler dev did not become healthy:\n" + self._log())
        self.port = int(line.strip().rsplit(":", 1)[1])

    def _log(self) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """TERM to the whole group, then KILL whatever is left after 10 s."""
        process, self.process = self.process, None
        if process is None:
            return
        pgid = process.pid
        for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + grace
            while group_alive(pgid) and time.monotonic() < deadline:
                process.poll()
                time.sleep(0.05)
            if not group_alive(pgid):
                break
        process.wait()
        if group_alive(pgid):
            print(f"warning: processes of group {pgid} survived SIGKILL", file=sys.stderr)
        # workerd's exited processes are reaped by init once node is gone.
        deadline = time.monotonic() + 5
        while group_alive(pgid, zombies_too=True) and time.monotonic() < deadline:
            time.sleep(0.05)


# -------------------------------------------------------------- fixtures


def call(base: str, method: str, path: str, body=None, token: str | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", "application/json")
    if token is not None:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    return status, (json.loads(text) if text else None)


def expect(status_body, wanted: int, what: str):
    status, body = status_body
    if status != wanted:
        raise SystemExit(f"fixture: {what} answered {status}, expected {wanted}: {body}")
    return body


def create_fixtures(base: str) -> dict:
    """Appointments and participants for the fuzzer to work on; see the
    config that write_config writes for which operation uses which."""
    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    dates = [(tomorrow + dt.timedelta(days=d)).isoformat() for d in range(3)]

    def appointment(title: str, **schedule) -> dict:
        body = {"title": title, "timezone": "Asia/Seoul", "start": "09:00", "end": "12:00"}
        return expect(call(base, "POST", "/api/appointments", {**body, **schedule}), 201, f"create {title}")

    def join(appointment_id: str, name: str, password: str | None = None) -> dict:
        body = {"name": name} if password is None else {"name": name, "password": password}
        return expect(call(base, "POST", f"/api/appointments/{appointment_id}/participants", body), 201, f"join {name}")

    # Read and joined by the fuzzer, never edited by it: it keeps its
    # painted availability, its protected participant and its final time
    # (so calendar.ics has an event to answer with).
    main = appointment("Conformance", dates=dates, slot_minutes=30)
    weekly = appointment("Conformance weekly", weekdays=["mon", "wed"], slot_minutes=60)
    # What PATCH /api/appointments/{id} works on, with its own admin token.
    edited = appointment("Conformance, to edit", dates=dates)
    # Templates only: hooks.py gives each delete a fresh appointment or
    # participant (in `leaving`).
    doomed = appointment("Conformance, to delete", dates=dates[:1])
    leaving = appointment("Conformance, to leave", dates=dates[:1])

    painter = join(main["id"], "Painter")
    join(main["id"], "Guarded", password="conformance-password")
    join(weekly["id"], "Weekly painter")
    join(edited["id"], "Edited painter")
    quitter = join(leaving["id"], "Quitter")

    update = {"changes": [{"level": "available", "slots": [[0, 4]]}, {"level": "if_needed", "slots": [[4, 6]]}]}
    path = f"/api/appointments/{main['id']}/participants/{painter['participant']['id']}/availability"
    expect(call(base, "PATCH", path, update, painter["token"]), 200, "paint availability")
    for fixture in (main, weekly):
        body = {"final": {"start": 0, "end": 2}}
        expect(call(base, "PATCH", f"/api/appointments/{fixture['id']}", body, fixture["admin_token"]), 200, "fix the final time")  # fmt: skip

    return {
        "env": {
            "CONFORMANCE_ID": main["id"],
            "CONFORMANCE_SLOTS": str(len(main["appointment"]["slots"])),
            "CONFORMANCE_WEEKLY_ID": weekly["id"],
            "CONFORMANCE_PID": painter["participant"]["id"],
            "CONFORMANCE_EDITED_ID": edited["id"],
            "CONFORMANCE_DOOMED_ID": doomed["id"],
            "CONFORMANCE_LEAVING_ID": leaving["id"],
            "CONFORMANCE_LEAVING_PID": quitter["participant"]["id"],
        },
        "tokens": {
            "PATCH /api/appointments/{id}": edited["admin_token"],
            "DELETE /api/appointments/{id}": doomed["admin_token"],
            "PATCH /api/appointments/{id}/participants/{pid}/availability": painter["token"],
            "DELETE /api/appointments/{id}/participants/{pid}": quitter["token"],
            "GET /api/stats": STATS_TOKEN,
        },
    }


STATS_TOKEN = "conformance-stats-token"


def check_document(base: str, tokens: dict[str, str]) -> None:
    """Refuses a document the fixtures cannot serve: a path parameter they
    do not supply, or a secured operation they have no token for."""
    status, document = call(base, "GET", "/api/openapi.json")
    if status != 200 or not isinstance(document, dict):
        raise SystemExit(f"GET /api/openapi.json answered {status}")
    problems = []
    for path, item in (document.get("paths") or {}).items():
        for name in re.findall(r"{([^}]+)}", path):
            if name not in SUPPLIED_PATH_PARAMETERS:
                problems.append(f"{path}: path parameter {{{name}}} has no fixture (supplied: id, pid)")
        for method, operation in item.items():
            if not isinstance(operation, dict) or method == "parameters":
                continue
            secured = operation.get("security", document.get("security"))
            label = f"{method.upper()} {path}"
            if secured and any(secured) and label not in tokens:
                problems.append(f"{label}: secured, but the run has no token for it (tests/conformance/run.py)")
    if problems:
        raise SystemExit("the document names what the fixtures do not cover:\n  " + "\n  ".join(problems))


# ------------------------------------------------------------------ run


def toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_config(path: Path, fixtures: dict[str, str]) -> None:
    """The run's schemathesis.toml: which checks, and which fixture each
    operation works on (the ids are fixed path parameters, so they are never
    mutated into negative cases)."""
    f = {k: toml_string(v) for k, v in fixtures.items()}
    checks = "\n".join(f"{name}.enabled = true" for name in CHECKS)
    path.write_text(
        f"""# Written by tests/conformance/run.py for one run.
[checks]
enabled = false
{checks}
# 413 (body too large) is a rejection too.
negative_data_rejection.expected-statuses = {json.dumps(NEGATIVE_REJECTIONS)}

# Every operation works on the main appointment and its painter, except
# editing, which has an appointment of its own, and those that delete:
# hooks.py gives each of their requests a fresh thing to delete. A probe that `ignored_auth` sends after a successful delete meets
# a deleted thing, and 404 rightly wins over 401 there, so that check is
# off for them (missing_required_header still covers a missing token).
[parameters]
"path.id" = {f["CONFORMANCE_ID"]}
"path.pid" = {f["CONFORMANCE_PID"]}

[[operations]]
include-name = "PATCH /api/appointments/{{id}}"
parameters = {{ "path.id" = {f["CONFORMANCE_EDITED_ID"]} }}

[[operations]]
include-name = "DELETE /api/appointments/{{id}}"
parameters = {{ "path.id" = {f["CONFORMANCE_DOOMED_ID"]} }}
checks = {{ ignored_auth = {{ enabled = false }} }}

[[operations]]
include-name = "DELETE /api/appointments/{{id}}/participants/{{pid}}"
parameters = {{ "path.id" = {f["CONFORMANCE_LEAVING_ID"]}, "path.pid" = {f["CONFORMANCE_LEAVING_PID"]} }}
checks = {{ ignored_auth = {{ enabled = false }} }}
"""
    )


def schemathesis_command(args, base: str, config: Path) -> list[str]:
    bin_dir = Path(sys.executable).parent
    return [
        str(bin_dir / "schemathesis"),
        "--config-file", str(config),
        "run", f"{base}/api/openapi.json",
        "--url", base,
        "--phases", args.phases,
        "--max-examples", str(args.max_examples),
        "--max-time", str(args.max_time),
        "--seed", str(args.seed),
        "--workers", str(args.workers),
        "--request-timeout", "20",
        "--generation-database", "none",
        "--no-color",
        # The tokens and passwords belong to a throwaway server: show the
        # reproductions as they were sent.
        "--output-sanitize", "false",
        # Every failing case of an operation, not only its first.
        "--continue-on-failure",
        "--report-json-path", str(REPORT_DIR / "report.json"),
        "--report-junit-path", str(REPORT_DIR / "junit.xml"),
        "--report-ndjson-path", str(REPORT_DIR / "events.ndjson"),
    ]  # fmt: skip


class Answers:
    """What the run's requests got, read from the NDJSON events: how often
    each operation answered each status (did the run reach the handlers or
    only their 404s?), and which error codes met input the document allows
    (positive cases answered 400: not failures, but where the document is
    looser than the service)."""

    def __init__(self, events: Path):
        self.statuses: dict[str, dict[int, int]] = {}
        self.refusals: dict[str, dict[str, list]] = {}
        # (operation, what the case broke) -> the shortest such input accepted
        self.accepted: dict[tuple[str, str], str] = {}
        try:
            lines = events.read_text().splitlines()
        except OSError:
            return
        for line in lines:
            finished = json.loads(line).get("ScenarioFinished")
            if finished:
                self._read(finished.get("recorder") or {})

    def _read(self, recorder: dict) -> None:
        label = recorder.get("label", "?")
        cases = recorder.get("cases") or {}
        for case_id, interaction in (recorder.get("interactions") or {}).items():
            request = interaction.get("request") or {}
            response = interaction.get("response") or {}
            method, status = request.get("method", "?"), response.get("status_code")
            shown = label if label.startswith(method + " ") else f"{label} (sent as {method})"
            counts = self.statuses.setdefault(shown, {})
            counts[status] = counts.get(status, 0) + 1
            case = (cases.get(case_id) or {}).get("value") or {}
            meta = case.get("meta") or {}
            mode = (meta.get("generation") or {}).get("mode")
            checks = (recorder.get("checks") or {}).get(case_id) or []
            if any(c.get("name") == "negative_data_rejection" and c.get("status") == "failure" for c in checks):
                broke = ((meta.get("phase") or {}).get("data") or {}).get("description") or "?"
                example = sent_input(request)
                known = self.accepted.get((label, broke))
                if known is None or len(example) < len(known):
                    self.accepted[(label, broke)] = example
            if mode == "positive" and status == 400 and shown == label:
                example = sent_input(request)
                entry = self.refusals.setdefault(label, {}).setdefault(error_code(response), [0, example])
                entry[0] += 1
                # The shortest input is the one to quote.
                if len(example) < len(entry[1]):
                    entry[1] = example


def sent_input(request: dict) -> str:
    """The body as sent, else the query string."""
    body = request.get("body") or {}
    if "$base64" in body:
        return base64.b64decode(body["$base64"]).decode("utf-8", "replace")
    if "string" in body:
        return body["string"]
    query = request.get("uri", "").partition("?")[2]
    return "?" + query if query else ""


def error_code(response: dict) -> str:
    content = response.get("content") or {}
    try:
        raw = base64.b64decode(content["$base64"]) if "$base64" in content else content.get("string", "").encode()
        return json.loads(raw)["error"]["code"]
    except (KeyError, TypeError, ValueError):
        return "?"


def short(text: str, width: int = 110) -> str:
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= width else text[: width - 1] + "…"


def print_totals(report: dict | None, exit_code: int, seconds: float) -> None:
    print("\n==== conformance totals ====")
    if report is None:
        print(f"no report was written (schemathesis exited {exit_code})")
        return
    cases = report.get("test_cases") or {}
    generated = cases.get("generated", 0)
    with_failures = cases.get("with_failures", 0)
    operations = report.get("operations") or {}
    print(f"operations tested: {operations.get('tested', '?')} of {operations.get('selected', '?')}")
    print(f"cases generated:   {generated}")
    print(f"cases failing:     {with_failures}")
    print(f"unique failures:   {cases.get('unique_failures', 0)}")
    print(f"errors:            {sum(e.get('count', 0) for e in report.get('errors', []))}")
    print(f"stopped because:   {report.get('stop_reason')}  (run time {seconds:.0f} s)")
    answers = Answers(REPORT_DIR / "events.ndjson")
    if answers.statuses:
        print("answers by operation (status x count):")
        for label, counts in sorted(answers.statuses.items()):
            print(f"  {label}: " + " ".join(f"{s}x{n}" for s, n in sorted(counts.items(), key=lambda kv: str(kv[0]))))
    if answers.refusals:
        print("input the document allows, refused with 400 (not failures; error code x count, first input):")
        for label, codes in sorted(answers.refusals.items()):
            print(f"  {label}:")
            for code, (n, example) in sorted(codes.items(), key=lambda kv: -kv[1][0]):
                print(f"    {code} x{n}: {short(example)}")
    if answers.accepted:
        print("input the document forbids, accepted (each kind of breakage, shortest input):")
        for (label, broke), example in sorted(answers.accepted.items()):
            print(f"  {label}: {broke}: {short(example, 300)}")
    failures = report.get("failures") or []
    if failures:
        print("failures by kind:")
        for group in sorted(failures, key=lambda g: -g.get("count", 0)):
            ops = ", ".join(group.get("operations") or [])
            print(f"  {group.get('count', 0):4d} x {group.get('title')} [{ops}]")
    for error in report.get("errors") or []:
        print(f"  error x{error.get('count')}: {error.get('title')}")
    print(f"report: {REPORT_DIR.relative_to(ROOT)}/")
    # The plain closing line test runners are read by.
    print(f"conformance: {generated - with_failures} passed, {with_failures} failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("CONFORMANCE_MAX_EXAMPLES", 100)))
    parser.add_argument("--max-time", type=int, default=int(os.environ.get("CONFORMANCE_MAX_TIME", 150)))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("CONFORMANCE_SEED", 20261202)))
    # One worker: CPython 3.11 before 3.11.8 can fail to parse in two threads
    # at once ("AST constructor recursion depth mismatch"), which hypothesis
    # does while it builds strategies; the server is the bottleneck anyway.
    parser.add_argument("--workers", type=int, default=int(os.environ.get("CONFORMANCE_WORKERS", 1)))
    # The stateful phase needs links between operations, which the document
    # does not have: all it does then is send invalid creations.
    parser.add_argument("--phases", default=os.environ.get("CONFORMANCE_PHASES", "examples,coverage,fuzzing"))
    args = parser.parse_args()

    if not (ROOT / "build" / "worker" / "shim.mjs").exists():
        raise SystemExit("build/worker/shim.mjs is missing: build the Worker first (make build)")

    # SIGTERM or SIGHUP (CI, make) ends the run through `finally`, as ^C does.
    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)

    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="conformance-"))
    server = Wrangler(
        root,
        {
            # The fuzzer creates far more appointments than a person would.
            "CREATE_LIMIT_PER_MINUTE": "100000",
            "JOIN_LIMIT": "1000000",
            "STATS_TOKEN": STATS_TOKEN,
        },
    )
    report = None
    exit_code = 1
    try:
        server.start()
        print(f"wrangler dev on {server.base} (state in {server.persist})", flush=True)
        fixtures = create_fixtures(server.base)
        check_document(server.base, fixtures["tokens"])
        shutil.rmtree(REPORT_DIR, ignore_errors=True)
        REPORT_DIR.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **fixtures["env"],
            "CONFORMANCE_BASE": server.base,
            "CONFORMANCE_TOKENS": json.dumps(fixtures["tokens"]),
            "SCHEMATHESIS_HOOKS": str(HERE / "hooks.py"),
        }
        config = REPORT_DIR / "schemathesis.toml"
        write_config(config, fixtures["env"])
        command = schemathesis_command(args, server.base, config)
        print("$ " + " ".join(command), flush=True)
        # Its working directory is the temporary one: nothing it caches
        # lands in the tree.
        exit_code = subprocess.run(command, cwd=root, env=env, stdin=subprocess.DEVNULL).returncode
        try:
            report = json.loads((REPORT_DIR / "report.json").read_text())
        except (OSError, ValueError):
            report = None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        exit_code = 130
    finally:
        server.stop()
        if exit_code != 0:
            log = server.log_path
            if log.exists():
                shutil.copy(log, REPORT_DIR / "wrangler.log") if REPORT_DIR.exists() else None
        shutil.rmtree(root, ignore_errors=True)

    print_totals(report, exit_code, time.monotonic() - started)
    if report is not None and (report.get("test_cases") or {}).get("generated", 0) == 0:
        print("no test case was generated: that is a failure too", file=sys.stderr)
        return 1
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
