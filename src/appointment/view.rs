//! The appointment view of the spec, assembled from stored rows and the
//! domain's results (counts, best windows).

use serde_json::{json, Map, Value};

use super::store::{Meta, ParticipantRow};
use super::Fixed;
use crate::domain::{self, Availability, Level};

/// One participant as every reader sees them: never a hash or a token.
pub fn participant(row: &ParticipantRow, availability: &Availability) -> Value {
    json!({
        "id": row.id,
        "name": row.name,
        "protected": row.password_hash.is_some(),
        "available": availability.ranges(Level::Available),
        "if_needed": availability.ranges(Level::IfNeeded),
    })
}

fn rfc3339(ms: i64) -> String {
    super::to_datetime(ms).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The whole view. `min_slots` filters the best windows.
pub fn appointment(meta: &Meta, fixed: &Fixed, rows: &[ParticipantRow], min_slots: usize) -> Value {
    let len = fixed.grid.len();
    let availability: Vec<Availability> = rows
        .iter()
        .map(|r| Availability::from_bytes(&r.availability, len))
        .collect();
    let refs: Vec<&Availability> = availability.iter().collect();
    let named: Vec<(&str, &Availability)> = rows
        .iter()
        .zip(&availability)
        .map(|(r, a)| (r.id.as_str(), a))
        .collect();

    let mut view = Map::new();
    view.insert("id".into(), meta.id.clone().into());
    view.insert("title".into(), meta.title.clone().into());
    if let Value::Object(schedule) = fixed.schedule.to_value() {
        view.extend(schedule);
    }
    view.insert("slots".into(), fixed.grid.slots_json().into());
    view.insert(
        "participants".into(),
        rows.iter()
            .zip(&availability)
            .map(|(r, a)| participant(r, a))
            .collect::<Vec<_>>()
            .into(),
    );
    view.insert("counts".into(), json!(domain::counts(&refs, len)));
    view.insert(
        "best".into(),
        json!(domain::best(&fixed.grid, &named, min_slots)),
    );
    view.insert(
        "final".into(),
        match meta.final_range {
            Some((start, end)) => json!({ "start": start, "end": end }),
            None => Value::Null,
        },
    );
    view.insert("version".into(), meta.version.into());
    view.insert("expires_at".into(), rfc3339(meta.expires_at).into());
    Value::Object(view)
}
