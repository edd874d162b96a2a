//! Reading JSON into typed values with the API's errors: `InvalidJson`
//! when it is not JSON at all, `InvalidBody` when it is not an object, else
//! the error of the field at fault, naming its path. Request bodies and
//! stored values are both read through here.

use serde::de::{DeserializeOwned, Error as _};
use serde::Deserializer;

use super::DomainError;

/// Stands before and after the path a flattened struct's error names (see
/// [`flattened`]).
const NESTED: char = '\u{0}';

/// Reads a struct that requests flatten into theirs (`#[serde(flatten)]`)
/// with `read`, its derived reader, so that its errors still name the
/// field at fault: serde reads a flattened struct from values it has
/// buffered, out of reach of the path [`decode`] tracks, so the struct
/// tracks its own and puts it in its error, where [`decode`] finds it.
pub fn flattened<'de, D, T>(
    d: D,
    read: impl FnOnce(serde_path_to_error::Deserializer<'_, '_, D>) -> Result<T, D::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let mut track = serde_path_to_error::Track::new();
    let value = read(serde_path_to_error::Deserializer::new(d, &mut track));
    value.map_err(|e| D::Error::custom(format!("{NESTED}{}{NESTED}{e}", track.path())))
}

/// Decodes a request body: `InvalidJson` when it is not JSON at all,
/// `InvalidBody` when it is not an object, else the error of the field at
/// fault, naming its path.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DomainError> {
    if bytes.is_empty() {
        return Err(DomainError::InvalidJson("the body is empty".into()));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(DomainError::InvalidJson(format!(
            "the body is not UTF-8: {e}"
        )));
    }
    // serde would also read a struct from an array of its fields.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Ok(_) => not_an_object(),
                Err(e) => DomainError::InvalidJson(e.to_string()),
            },
        );
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            field_error(&path, &inner.to_string())
        } else {
            DomainError::InvalidJson(inner.to_string())
        }
    })?;
    de.end()
        .map_err(|e| DomainError::InvalidJson(e.to_string()))?;
    Ok(value)
}

/// Decodes an already-parsed JSON value, with the same errors as
/// [`decode`] (for the domain's own tests and stored data).
pub fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, DomainError> {
    if !value.is_object() {
        return Err(not_an_object());
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        field_error(&path, &e.into_inner().to_string())
    })
}

fn not_an_object() -> DomainError {
    DomainError::InvalidBody("the body must be a JSON object".into())
}

/// The domain error for a JSON value at `path` of the wrong shape.
fn field_error(path: &str, detail: &str) -> DomainError {
    // serde names a missing field in the message, at the parent's path.
    let detail = detail.split(" at line ").next().unwrap_or(detail);
    // A flattened struct's error names the path within it.
    let (path, detail) = detail
        .strip_prefix(NESTED)
        .and_then(|nested| nested.split_once(NESTED))
        .unwrap_or((path, detail));
    let top = path.split(['.', '[']).next().unwrap_or("");
    let (field, message) = match detail.strip_prefix("missing field `") {
        Some(rest) if top.is_empty() => {
            let name = rest.trim_end_matches('`');
            (name, format!("{name} is required"))
        }
        Some(rest) => (
            top,
            format!("{path}.{} is required", rest.trim_end_matches('`')),
        ),
        None => (top, format!("{path}: {detail}")),
    };
    match field {
        "" => not_an_object(),
        "title" => DomainError::InvalidTitle(message),
        "timezone" => DomainError::InvalidTimezone(message),
        "dates" => DomainError::InvalidDates(message),
        "weekdays" => DomainError::InvalidWeekdays(message),
        "start" => DomainError::InvalidTimeWindow {
            field: "start",
            message,
        },
        "end" => DomainError::InvalidTimeWindow {
            field: "end",
            message,
        },
        "slot_minutes" => {
            DomainError::InvalidSlotMinutes("slot_minutes must be one of 10, 15, 30, 60".into())
        }
        "name" => DomainError::InvalidName(message),
        "password" => DomainError::InvalidPassword(message),
        "changes" => DomainError::InvalidUpdate(message),
        "final" => DomainError::InvalidFinal(message),
        "expected" => DomainError::InvalidExpected(message),
        "deadline" => DomainError::InvalidDeadline(message),
        "required" => DomainError::InvalidRequired(message),
        "min_people" => DomainError::InvalidMinPeople(message),
        _ => DomainError::InvalidBody(message),
    }
}
