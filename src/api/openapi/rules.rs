//! Everything JSON Schema can say about a request that the derived schemas
//! leave out: the slot sizes, times on some slot grid, weekday names,
//! dates as `YYYY-MM-DD`, unique days, the known time zones, slot ranges
//! as bounded pairs, names and titles that are not blank and hold no
//! control character inside, and the live endpoint's `Upgrade` header. What is left to the service alone (a time on *this*
//! appointment's grid, dates within a year, lengths after trimming) JSON
//! Schema cannot express.

use serde_json::{json, Value};

/// The request bodies that carry schedule fields, and the schedule the
/// view shows.
const SCHEDULES: [&str; 4] = [
    "NewAppointment",
    "ScheduleFields",
    "EditRequest",
    "ScheduleView",
];
/// Minutes past the hour that lie on some slot grid (10, 15, 30 or 60).
const ON_A_GRID: &str = "(00|10|15|20|30|40|45|50)";
/// What `trim` removes (Unicode White_Space).
const SPACE: &str = r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";
/// Control characters (Cc).
const CONTROL: &str = r"\u0000-\u001f\u007f-\u009f";
/// Bidirectional embeddings, overrides and isolates.
const BIDI: &str = r"\u202a-\u202e\u2066-\u2069";
/// The most slots a grid has, 31 × 144.
const MAX_SLOTS: u64 = 4_464;

/// Control characters that are not spaces `trim` removes.
const INNER_CONTROL: &str = r"\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f";

/// Text that, once trimmed, is not empty and starts with none of
/// `forbidden` (a character class body, with `inner` the part of it that
/// is never trimmed away), and has none of `inner` anywhere. A control
/// character that is also a space (a tab, a line break) is allowed after
/// the first character: trailing ones are trimmed, and the service
/// refuses inner ones, which JSON Schema cannot tell apart without a
/// pattern ending in an optional part, which fuzzers misread.
fn clean_text(forbidden: &str, inner: &str) -> String {
    format!("^[{SPACE}]*[^{forbidden}{SPACE}][^{inner}]*$")
}

/// Sets `key` on the schema at `pointer`, if there is one.
fn set(doc: &mut Value, pointer: &str, key: &str, value: Value) {
    if let Some(Value::Object(schema)) = doc.pointer_mut(pointer) {
        schema.insert(key.to_string(), value);
    }
}

/// Adds the rules to the generated document.
pub(super) fn tighten(doc: &mut Value) {
    let start = format!("^([01][0-9]|2[0-3]):{ON_A_GRID}$");
    // An end is after some start, so never 00:00.
    let end = format!("^(00:(10|15|20|30|40|45|50)|(0[1-9]|1[0-9]|2[0-3]):{ON_A_GRID}|24:00)$");
    // Every name the service knows (an edit may send `null`: unchanged).
    let mut zones: Vec<Value> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| json!(tz.name()))
        .collect();
    zones.push(Value::Null);
    let zones = Value::Array(zones);
    for name in SCHEDULES {
        let at = |field: &str| format!("/components/schemas/{name}/properties/{field}");
        if let Some(Value::Object(slot)) = doc.pointer_mut(&at("slot_minutes")) {
            slot.remove("minimum");
            slot.remove("format");
            slot.insert("enum".into(), json!([10, 15, 30, 60, null]));
        }
        set(doc, &at("start"), "pattern", json!(start));
        set(doc, &at("end"), "pattern", json!(end));
        set(doc, &at("dates"), "uniqueItems", json!(true));
        set(
            doc,
            &at("dates"),
            "items",
            json!({"type": "string",
                   "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}),
        );
        set(doc, &at("timezone"), "enum", zones.clone());
        set(doc, &at("weekdays"), "uniqueItems", json!(true));
        set(
            doc,
            &at("weekdays"),
            "items",
            json!({"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}),
        );
    }
    for name in ["NewAppointment", "EditRequest"] {
        let title = format!("/components/schemas/{name}/properties/title");
        set(
            doc,
            &title,
            "pattern",
            json!(clean_text(CONTROL, INNER_CONTROL)),
        );
        set(doc, &title, "minLength", json!(1));
    }
    let name_pattern = clean_text(
        &format!("{CONTROL}{BIDI}"),
        &format!("{INNER_CONTROL}{BIDI}"),
    );
    let name = "/components/schemas/JoinRequest/properties/name";
    set(doc, name, "pattern", json!(name_pattern));
    set(doc, name, "minLength", json!(1));
    let tools = |field: &str| format!("/components/schemas/EditRequest/properties/{field}");
    set(
        doc,
        &tools("expected"),
        "items",
        json!({"type": "string", "minLength": 1, "pattern": name_pattern}),
    );
    set(
        doc,
        &tools("deadline"),
        "pattern",
        json!(crate::domain::tools::DEADLINE_PATTERN),
    );
    set(
        doc,
        &tools("required"),
        "items",
        json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,32}$"}),
    );
    set(
        doc,
        "/components/schemas/ChangeRequest/properties/slots",
        "items",
        json!({
            "type": "array",
            "prefixItems": [
                {"type": "integer", "minimum": 0, "maximum": MAX_SLOTS - 1},
                {"type": "integer", "minimum": 1, "maximum": MAX_SLOTS}
            ],
            "items": false,
            "minItems": 2,
            "maxItems": 2
        }),
    );
    set(
        doc,
        "/components/schemas/FinalRange/properties/start",
        "maximum",
        json!(MAX_SLOTS - 1),
    );
    set(
        doc,
        "/components/schemas/FinalRange/properties/end",
        "maximum",
        json!(MAX_SLOTS),
    );
    if let Some(Value::Array(params)) =
        doc.pointer_mut("/paths/~1api~1appointments~1{id}~1live/get/parameters")
    {
        params.push(json!({
            "in": "header",
            "name": "Upgrade",
            "required": false,
            "description": "`websocket` (with the rest of a WebSocket handshake) to open \
                the socket; without it the answer is 426.",
            "schema": {"type": "string"}
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_says_the_slot_sizes_times_days_and_ranges() {
        let doc: Value = serde_json::from_str(&super::super::document()).unwrap();
        let create = &doc["components"]["schemas"]["NewAppointment"]["properties"];
        assert_eq!(
            create["slot_minutes"]["enum"],
            json!([10, 15, 30, 60, null])
        );
        assert_eq!(
            create["start"]["pattern"],
            "^([01][0-9]|2[0-3]):(00|10|15|20|30|40|45|50)$"
        );
        assert_eq!(create["weekdays"]["items"]["enum"][6], "sun");
        assert_eq!(create["dates"]["uniqueItems"], true);
        let slots = &doc["components"]["schemas"]["ChangeRequest"]["properties"]["slots"];
        assert_eq!(slots["items"]["maxItems"], 2);
        assert_eq!(slots["items"]["prefixItems"][1]["maximum"], 4464);
        let join = &doc["components"]["schemas"]["JoinRequest"]["properties"]["name"];
        assert!(join["pattern"].as_str().unwrap().contains(r"\u202a"));
        let live = &doc["paths"]["/api/appointments/{id}/live"]["get"]["parameters"];
        assert!(live
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Upgrade" && p["in"] == "header"));
    }
}

#[cfg(test)]
mod tools_tests {
    use serde_json::{json, Value};

    #[test]
    fn the_document_says_what_the_organisers_tools_take_and_the_view_shows() {
        let doc: Value = serde_json::from_str(&super::super::document()).unwrap();
        let edit = &doc["components"]["schemas"]["EditRequest"]["properties"];
        assert_eq!(edit["expected"]["maxItems"], 200);
        assert_eq!(edit["expected"]["items"]["minLength"], 1);
        assert!(edit["deadline"]["pattern"]
            .as_str()
            .unwrap()
            .contains("[Tt]"));
        assert_eq!(
            (
                &edit["min_people"]["minimum"],
                &edit["min_people"]["maximum"]
            ),
            (&json!(1), &json!(1000))
        );
        assert_eq!(edit["private"]["type"], json!(["boolean", "null"]));
        assert!(edit["required"]["items"]["pattern"].is_string());
        let view = doc["components"]["schemas"]["View"].to_string();
        for field in [
            "expected",
            "waiting",
            "deadline_passed",
            "min_people",
            "private",
            "best_filtered",
        ] {
            assert!(view.contains(&format!("\"{field}\"")), "{field}");
        }
        let who = &doc["components"]["schemas"]["Who"]["oneOf"];
        assert_eq!(
            (&who[0]["type"], &who[1]["type"]),
            (&json!("array"), &json!("integer"))
        );
    }
}
