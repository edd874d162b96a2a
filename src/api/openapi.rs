//! The OpenAPI 3.1 document of the API, generated from the same types that
//! decode requests (`domain::requests`) and build responses
//! (`domain::view`), so the two cannot drift apart. The functions below
//! exist only to carry each operation's description; the routes live in
//! [`super::routes`].
#![allow(dead_code)]

mod rules;

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::domain::error::ErrorCode;
use crate::domain::requests::{
    ChangeRequest, EditRequest, FinalRange, JoinRequest, NewAppointment, ScheduleFields,
    UpdateRequest,
};
use crate::domain::results::Counts;
use crate::domain::view::{
    BestFiltered, BestWindow, Created, DryRun, ErrorBody, ErrorDetail, Health, Joined,
    ParticipantView, SlotView, Updated, View, Who,
};
use crate::domain::Level;
use crate::index::Stats;

/// The document as served at `/api/openapi.json`.
pub fn document() -> String {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    schedule_fields_inline(&mut doc);
    exclusive_days(&mut doc);
    edit_or_dry_run(&mut doc);
    rules::tighten(&mut doc);
    doc.to_string()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "언제볼까? (When Will We Meet)",
        version = "1.0.0",
        description = "Group scheduling: create an appointment, share its link, participants \
paint their availability, everyone sees the best times. Every error under /api/ is \
`{\"error\": {\"code\", \"message\", \"field\"?}}`; when several apply, the first of 413, 415, \
404, 401, 403, 400 wins. A method a path does not support gets 405 with `Allow`.",
    ),
    servers((url = "/")),
    paths(
        create, view, view_head, edit, delete_appointment, join, leave, update, qr, calendar,
        availability_csv, live, health, stats, openapi_json
    ),
    components(schemas(
        ErrorCode, ErrorBody, ErrorDetail, NewAppointment, ScheduleFields, JoinRequest,
        EditRequest, FinalRange, UpdateRequest, ChangeRequest, Level, View, SlotView,
        ParticipantView, Counts, BestWindow, Who, BestFiltered, Created, Joined, Updated,
        Health, Stats, DryRun
    )),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

/// Tokens travel as `Authorization: Bearer <token>`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            let mut http = Http::new(HttpAuthScheme::Bearer);
            http.description = Some(
                "A participant token (from joining) or the admin token (from creating).".into(),
            );
            components.add_security_scheme("bearer", SecurityScheme::Http(http));
        }
    }
}

/// An edit answers the view, or with `dry_run=1` a [`DryRun`]: one status,
/// one media type, so the document says it with `oneOf`.
fn edit_or_dry_run(json: &mut serde_json::Value) {
    let pointer =
        "/paths/~1api~1appointments~1{id}/patch/responses/200/content/application~1json/schema";
    if let Some(schema) = json.pointer_mut(pointer) {
        *schema = serde_json::json!({"oneOf": [
            {"$ref": "#/components/schemas/View"},
            {"$ref": "#/components/schemas/DryRun"}
        ]});
    }
}

/// The create and edit requests flatten the schedule's fields in
/// (`ScheduleFields`): the document lists them among each request's own
/// properties, as a client sends them, and in an edit each may also be
/// `null` (it keeps its value).
fn schedule_fields_inline(json: &mut serde_json::Value) {
    use serde_json::Value;
    let fields = json
        .pointer("/components/schemas/ScheduleFields/properties")
        .cloned()
        .unwrap_or_default();
    for (name, nullable) in [("NewAppointment", false), ("EditRequest", true)] {
        let Some(Value::Object(schema)) = json.pointer_mut(&format!("/components/schemas/{name}"))
        else {
            continue;
        };
        let Some(Value::Array(parts)) = schema.remove("allOf") else {
            continue;
        };
        let mut properties = fields.clone();
        for part in parts {
            if let (Value::Object(all), Some(Value::Object(own))) =
                (&mut properties, part.get("properties"))
            {
                all.extend(own.clone());
            }
        }
        if let (true, Value::Object(all)) = (nullable, &mut properties) {
            for field in all.values_mut() {
                if let Some(Value::String(kind)) = field.get("type").cloned() {
                    field["type"] = serde_json::json!([kind, "null"]);
                }
            }
        }
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), properties);
    }
}

/// A create request names `dates` or `weekdays`, never both (an edit at
/// most one of them), and a join names someone: the decoded structs keep these optional so the domain
/// can say what is missing; the document says they are required.
fn exclusive_days(json: &mut serde_json::Value) {
    if let Some(schema) = json.pointer_mut("/components/schemas/NewAppointment") {
        schema["required"] = serde_json::json!(["title", "timezone", "start", "end"]);
        // `null` stands for absent, so "present" means "an array".
        let given = |field: &str| serde_json::json!({"required": [field], "properties": {field: {"type": "array"}}});
        schema["oneOf"] = serde_json::json!([
            {"allOf": [given("dates")], "not": given("weekdays")},
            {"allOf": [given("weekdays")], "not": given("dates")}
        ]);
    }
    // An edit may leave both out, but never sends both.
    if let Some(schema) = json.pointer_mut("/components/schemas/EditRequest") {
        schema["not"] = serde_json::json!({
            "required": ["dates", "weekdays"],
            "properties": {"dates": {"type": "array"}, "weekdays": {"type": "array"}}
        });
    }
    if let Some(schema) = json.pointer_mut("/components/schemas/JoinRequest") {
        schema["required"] = serde_json::json!(["name"]);
    }
}

/// Create an appointment.
#[utoipa::path(
    post, path = "/api/appointments", request_body = NewAppointment,
    responses(
        (status = 201, description = "Created", body = Created,
         headers(("Location" = String, description = "The appointment's API URL"))),
        (status = 400, description = "A field breaks a rule", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not JSON", body = ErrorBody),
        (status = 429, description = "Too many creations from this address", body = ErrorBody,
         headers(("Retry-After" = String))),
    )
)]
fn create() {}

/// The appointment view. When the appointment is `private`, a reader
/// without the admin token gets `counts`, `best` with numbers for names,
/// `waiting` as a number and, with a participant's token, that one
/// participant only; the `ETag` then names who reads. (The token, a
/// participant's or the admin's, is optional: `Authorization: Bearer`.)
#[utoipa::path(
    get, path = "/api/appointments/{id}",
    params(
        ("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$"),
        ("min_slots" = Option<i64>, Query, minimum = 1,
         description = "Keep only best windows of at least this many slots"),
        ("If-None-Match" = Option<String>, Header),
    ),
    responses(
        (status = 200, description = "The view", body = View,
         headers(("ETag" = String))),
        (status = 304, description = "Not modified", headers(("ETag" = String))),
        (status = 400, description = "Bad min_slots", body = ErrorBody),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
    )
)]
fn view() {}

/// The view's headers, without its body.
#[utoipa::path(
    head, path = "/api/appointments/{id}",
    params(
        ("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$"),
        ("min_slots" = Option<i64>, Query, minimum = 1),
        ("If-None-Match" = Option<String>, Header),
    ),
    responses(
        (status = 200, description = "As GET, without the body", headers(("ETag" = String))),
        (status = 304, description = "Not modified"),
        (status = 400, description = "Bad min_slots"),
        (status = 404, description = "No such appointment"),
    )
)]
fn view_head() {}

/// Change the title, the final time, whether new people may join, or the
/// schedule (organiser). A schedule change moves everyone's answers onto
/// the new grid by the time each slot covers (the instant for dates, the
/// weekday and wall time for weekdays): a new slot keeps a level where the
/// old slots cover it wholly and agree, else it starts empty; switching
/// between dates and weekdays starts everyone empty. The final time stays
/// where the new grid has exactly its time (renumbered), else it is
/// cleared; a `final` sent with the change names slots of the new grid.
/// One change, one version step. The organiser's tools (`expected`,
/// `deadline`, `required`, `min_people`, `private`) may be sent alone or
/// with anything else; the edit is checked whole and stored whole. With
/// `dry_run=1` the same checks run but nothing is stored and the version
/// stays: the answer is a `DryRun`, what the change would keep and clear,
/// which the organiser is told before saving.
#[utoipa::path(
    patch, path = "/api/appointments/{id}", request_body = EditRequest,
    params(
        ("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$"),
        ("dry_run" = Option<String>, Query, pattern = "^(1|true|0|false)$",
         description = "`1` or `true`: only say what the change would do (a `DryRun`), \
storing nothing; `0`, `false` or absent: make the change. Any other value is `400 invalid_query`."),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The view after the change, or with dry_run=1 a DryRun", body = View),
        (status = 400, description = "A field breaks a rule", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not the admin token", body = ErrorBody),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not JSON", body = ErrorBody),
    )
)]
fn edit() {}

/// Delete the appointment (organiser).
#[utoipa::path(
    delete, path = "/api/appointments/{id}",
    params(("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not the admin token", body = ErrorBody),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
    )
)]
fn delete_appointment() {}

/// Join, or sign back in to an existing name.
#[utoipa::path(
    post, path = "/api/appointments/{id}/participants", request_body = JoinRequest,
    params(("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$")),
    responses(
        (status = 201, description = "Joined under a new name", body = Joined),
        (status = 200, description = "Signed back in", body = Joined),
        (status = 400, description = "A field breaks a rule", body = ErrorBody),
        (status = 401, description = "Wrong or missing password", body = ErrorBody),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
        (status = 409, description = "`appointment_full`, `appointment_closed`, \
            `deadline_passed` (the organiser's deadline has passed: no new names; signing \
            back in still works), or `name_private` (a private appointment's name without a \
            password opens only on the device that joined with it)", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not JSON", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords", body = ErrorBody,
         headers(("Retry-After" = String))),
    )
)]
fn join() {}

/// Remove a participant (themself, or the organiser).
#[utoipa::path(
    delete, path = "/api/appointments/{id}/participants/{pid}",
    params(
        ("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$"),
        ("pid" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Someone else's token", body = ErrorBody),
        (status = 404, description = "No such appointment or participant", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
    )
)]
fn leave() {}

/// Change one's availability.
#[utoipa::path(
    patch, path = "/api/appointments/{id}/participants/{pid}/availability",
    request_body = UpdateRequest,
    params(
        ("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$"),
        ("pid" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = Updated),
        (status = 400, description = "A change breaks a rule", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Someone else's token", body = ErrorBody),
        (status = 404, description = "No such appointment or participant", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
        (status = 409, description = "`schedule_changed`: the update's `layout` is not the \
            grid's any more (the organiser changed the times), or `deadline_passed`: the \
            organiser's deadline has passed; nothing changed", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Body not JSON", body = ErrorBody),
    )
)]
fn update() {}

/// The QR code of the appointment's public link.
#[utoipa::path(
    get, path = "/api/appointments/{id}/qr.svg",
    params(("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$")),
    responses(
        (status = 200, description = "SVG image", content_type = "image/svg+xml", body = String),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
    )
)]
fn qr() {}

/// The final time as an iCalendar event.
#[utoipa::path(
    get, path = "/api/appointments/{id}/calendar.ics",
    params(("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$")),
    responses(
        (status = 200, description = "iCalendar", content_type = "text/calendar", body = String),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
        (status = 409, description = "No final time yet", body = ErrorBody),
    )
)]
fn calendar() {}

/// Everyone's availability as a spreadsheet: a row per slot (its start in
/// the appointment's zone, `2026-12-01 09:00` or `mon 09:00`), a column per
/// participant (`available`, `if_needed` or empty), then the counts of
/// each. UTF-8 with a byte-order mark, CRLF line ends, RFC 4180 quoting; a
/// name a spreadsheet would run as a formula starts with `'`. With
/// `lang=ko` the file's own words are the web app's Korean ones (`시작`,
/// `가능`, `필요하면 가능`, `월 09:00`), under an entity tag of their own.
/// A private appointment's file is the organiser's alone
/// (`Authorization: Bearer` with the admin token); any other appointment's
/// needs no token.
#[utoipa::path(
    get, path = "/api/appointments/{id}/availability.csv",
    params(
        ("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$"),
        ("lang" = Option<String>, Query, pattern = "^(en|ko)$",
         description = "The language of the file's header and levels: `en` (the default: \
`start`, `available`, `if_needed`, `mon`) or `ko` (`시작`, `가능`, `필요하면 가능`, `월`). \
Any other value is `400 invalid_query`."),
        ("If-None-Match" = Option<String>, Header),
    ),
    responses(
        (status = 200, description = "CSV file", content_type = "text/csv", body = String,
         headers(("ETag" = String), ("Content-Disposition" = String))),
        (status = 304, description = "Not modified", headers(("ETag" = String))),
        (status = 400, description = "`invalid_query`: `lang` is neither `en` nor `ko`",
         body = ErrorBody),
        (status = 401, description = "The appointment is private and no valid token was sent",
         body = ErrorBody),
        (status = 403, description = "`private_appointment`: the appointment is private and \
            the token is not the organiser's", body = ErrorBody),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
    )
)]
fn availability_csv() {}

/// Live updates over a WebSocket (JSON text frames). The server sends
/// `{"type":"hello","version":n}` on connect; then, at most once per
/// 50 ms, `{"type":"update","since":m,"version":n,"participants":[…],
/// "removed":[…],"counts":{…},"best":[…]}` with every participant changed
/// since the last push and the group's counts and best times as in the
/// view (default `min_slots`; `best` left out when it is the same as at
/// `since`); `since` is the version of the previous
/// message on the socket: a client whose copy is at `since` applies it
/// and is at `version`, any other fetches the view. Or
/// `{"type":"view","version":n}` when anything but availability changed
/// (fetch the view), and `{"type":"deleted"}` before closing with 1000.
/// Clients retry (reconnect, fetch, update) with exponential backoff and
/// jitter from about 1 s to 30 s, honour `Retry-After`, keep at most one
/// update in flight and send nothing while offline.
/// A participant may send `{"type":"auth","token":t}` (answered
/// `{"type":"auth","participant":pid}`; the organiser sends the admin
/// token and is answered `{"type":"auth","participant":null,"admin":true}`),
/// then
/// `{"type":"update","seq":k,"changes":[…],"layout":l?}` (the body of the HTTP update),
/// answered `{"type":"ack","seq":k,"version":n,"participant":{…}}` or
/// `{"type":"error","seq":k,"status":s,"error":{"code","message"}}` with
/// the HTTP API's code and the status it has there. `"ping"` gets `"pong"` (from the runtime, without waking
/// the appointment). A frame over 64 KiB, or more than
/// 120 frames in 10 s, closes the socket with 1008. When the appointment
/// is `private`, a push to a socket that is not the organiser's carries
/// no participant but the socket's own (after `auth`), no one's id in
/// `removed` but its own, and `best` with numbers for names. When the
/// organiser's deadline passes, every socket gets `{"type":"view"}` with a
/// new version.
#[utoipa::path(
    get, path = "/api/appointments/{id}/live",
    params(("id" = String, Path, pattern = r"^[A-Za-z0-9_-]{1,32}$")),
    responses(
        (status = 101, description = "Switching to WebSocket"),
        (status = 404, description = "No such appointment", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
        (status = 426, description = "Not a WebSocket upgrade", body = ErrorBody),
    )
)]
fn live() {}

/// Liveness.
#[utoipa::path(
    get, path = "/api/health",
    responses(
        (status = 200, description = "Up", body = Health),
        (status = 405, description = "Method not allowed", body = ErrorBody),
    )
)]
fn health() {}

/// The operator's figures.
#[utoipa::path(
    get, path = "/api/stats",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Figures", body = Stats),
        (status = 401, description = "Not the operator's token", body = ErrorBody),
        (status = 404, description = "No STATS_TOKEN is set", body = ErrorBody),
        (status = 405, description = "Method not allowed", body = ErrorBody),
    )
)]
fn stats() {}

/// This document.
#[utoipa::path(
    get, path = "/api/openapi.json",
    responses(
        (status = 200, description = "The OpenAPI document", body = Object),
        (status = 405, description = "Method not allowed", body = ErrorBody),
    )
)]
fn openapi_json() {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn doc() -> Value {
        serde_json::from_str(&document()).unwrap()
    }

    #[test]
    fn every_route_of_the_spec_is_documented() {
        let d = doc();
        for (path, methods) in [
            ("/api/appointments", &["post"][..]),
            (
                "/api/appointments/{id}",
                &["get", "head", "patch", "delete"],
            ),
            ("/api/appointments/{id}/participants", &["post"]),
            ("/api/appointments/{id}/participants/{pid}", &["delete"]),
            (
                "/api/appointments/{id}/participants/{pid}/availability",
                &["patch"],
            ),
            ("/api/appointments/{id}/qr.svg", &["get"]),
            ("/api/appointments/{id}/calendar.ics", &["get"]),
            ("/api/appointments/{id}/availability.csv", &["get"]),
            ("/api/appointments/{id}/live", &["get"]),
            ("/api/health", &["get"]),
            ("/api/stats", &["get"]),
            ("/api/openapi.json", &["get"]),
        ] {
            for m in methods {
                assert!(d["paths"][path][m].is_object(), "{m} {path}");
            }
        }
        assert_eq!(d["openapi"], "3.1.0");
    }

    #[test]
    fn every_error_code_is_listed_once_in_the_document() {
        let d = doc();
        let codes = d["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .unwrap()
            .clone();
        assert!(codes.contains(&Value::from("appointment_full")));
        assert!(codes.contains(&Value::from("invalid_time_window")));
        let mut unique = codes.clone();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn an_edit_may_change_the_schedule_but_not_name_both_kinds_of_day() {
        let d = doc();
        let schema = &d["components"]["schemas"]["EditRequest"];
        for field in [
            "dates",
            "weekdays",
            "start",
            "end",
            "slot_minutes",
            "timezone",
        ] {
            assert!(schema["properties"][field].is_object(), "{field}");
        }
        assert_eq!(
            schema["not"]["required"],
            serde_json::json!(["dates", "weekdays"])
        );
    }

    #[test]
    fn an_edit_answers_the_view_or_a_dry_run() {
        let d = doc();
        let patch = &d["paths"]["/api/appointments/{id}"]["patch"];
        let schema = &patch["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["oneOf"].as_array().map(Vec::len), Some(2));
        let params = patch["parameters"].as_array().unwrap();
        assert!(params.iter().any(|p| p["name"] == "dry_run"));
        let dry = &d["components"]["schemas"]["DryRun"]["properties"];
        for field in ["kept", "cleared", "final_kept", "slots"] {
            assert!(dry[field].is_object(), "{field}");
        }
    }

    #[test]
    fn the_requests_list_the_schedule_fields_as_their_own_and_an_edit_may_send_null() {
        let d = doc();
        let create = &d["components"]["schemas"]["NewAppointment"];
        let edit = &d["components"]["schemas"]["EditRequest"];
        for schema in [create, edit] {
            assert!(schema.get("allOf").is_none());
            assert_eq!(schema["type"], "object");
        }
        for field in ["timezone", "start", "end"] {
            assert_eq!(create["properties"][field]["type"], "string", "{field}");
            assert_eq!(
                edit["properties"][field]["type"],
                serde_json::json!(["string", "null"]),
                "{field}"
            );
        }
        for field in ["dates", "weekdays"] {
            for schema in [create, edit] {
                assert_eq!(
                    schema["properties"][field]["type"],
                    serde_json::json!(["array", "null"])
                );
            }
        }
        assert_eq!(create["properties"]["dates"]["maxItems"], 31);
        assert_eq!(edit["properties"]["weekdays"]["maxItems"], 7);
        assert!(create["properties"]["title"].is_object());
        assert!(edit["properties"]["min_people"].is_object());
        let view = &d["components"]["schemas"]["View"]["allOf"][0]["$ref"];
        assert_eq!(view, "#/components/schemas/ScheduleView");
    }

    #[test]
    fn a_create_request_has_dates_or_weekdays_but_not_both() {
        let d = doc();
        let schema = &d["components"]["schemas"]["NewAppointment"];
        assert_eq!(schema["oneOf"].as_array().map(Vec::len), Some(2));
        assert!(schema["required"]
            .as_array()
            .unwrap()
            .contains(&Value::from("title")));
    }
}
