//! Why a request is refused: [`ErrorCode`], the stable codes of the API's
//! JSON errors (each documented once, here), and [`DomainError`], every
//! refusal a rule of the domain can give, with a message a person can act on.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The `code` of an error body. Serialised in snake_case; each code has one
/// HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not JSON at all.
    InvalidJson,
    /// 400: a query parameter is malformed.
    InvalidQuery,
    /// 400: the body is JSON but not of the right shape (not an object,
    /// nothing to change).
    InvalidBody,
    /// 400: the title is empty, too long or has control characters.
    InvalidTitle,
    /// 400: the time zone is missing or not an IANA name.
    InvalidTimezone,
    /// 400: `dates` is malformed or out of range, or neither or both of
    /// `dates` and `weekdays` were given.
    InvalidDates,
    /// 400: `weekdays` is malformed.
    InvalidWeekdays,
    /// 400: `start` or `end` is malformed, off the slot grid or out of order.
    InvalidTimeWindow,
    /// 400: `slot_minutes` is not one of 10, 15, 30, 60.
    InvalidSlotMinutes,
    /// 400: the participant name breaks the naming rules.
    InvalidName,
    /// 400: the password is too short or too long.
    InvalidPassword,
    /// 400: an availability update is malformed or out of the grid.
    InvalidUpdate,
    /// 400: the final time is malformed, out of range or spans two days.
    InvalidFinal,
    /// 400: `expected` is not a list of at most 200 valid names.
    InvalidExpected,
    /// 400: `deadline` is not an RFC 3339 instant (or `null`).
    InvalidDeadline,
    /// 400: `required` is not a list of ids of this appointment's participants.
    InvalidRequired,
    /// 400: `min_people` is not a positive whole number (or `null`).
    InvalidMinPeople,
    /// 401: no token, or a token nobody was given.
    Unauthorized,
    /// 401: the name is protected and no password was sent.
    PasswordRequired,
    /// 401: the password does not match the name.
    WrongPassword,
    /// 403: a valid token, but of someone else.
    Forbidden,
    /// 403: the appointment is private and only its organiser may read this.
    PrivateAppointment,
    /// 404: no such appointment, participant or path.
    NotFound,
    /// 405: the path exists, but not with this method.
    MethodNotAllowed,
    /// 409: the appointment has the most participants it can take.
    AppointmentFull,
    /// 409: someone took this name while the password was being hashed.
    NameTaken,
    /// 409: the organiser closed the appointment to new participants.
    AppointmentClosed,
    /// 409: the appointment id is taken (only between the Worker and the
    /// appointment object; the Worker retries with another id).
    IdTaken,
    /// 409: there is no final time yet.
    NotFinalised,
    /// 409: the update names a `layout` that is no longer the grid's: the
    /// organiser changed the times since it was painted.
    ScheduleChanged,
    /// 409: the organiser's deadline has passed: no new names and no
    /// changes of availability until they move or clear it.
    DeadlinePassed,
    /// 409: in a private appointment, a name without a password opens only
    /// on the device that joined with it (its token), so no one reads
    /// another's answers by typing their name.
    NamePrivate,
    /// 413: the body is larger than 64 KiB.
    PayloadTooLarge,
    /// 415: a request with a body did not say it is JSON.
    UnsupportedMediaType,
    /// 426: a plain request to the WebSocket endpoint.
    UpgradeRequired,
    /// 429: too many attempts; `Retry-After` says when to try again.
    TooManyAttempts,
    /// 500: a fault of ours; the detail is logged, never sent.
    InternalError,
}

impl ErrorCode {
    /// The HTTP status this code is answered with.
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            InvalidJson | InvalidQuery | InvalidBody | InvalidTitle | InvalidTimezone
            | InvalidDates | InvalidWeekdays | InvalidTimeWindow | InvalidSlotMinutes
            | InvalidName | InvalidPassword | InvalidUpdate | InvalidFinal | InvalidExpected
            | InvalidDeadline | InvalidRequired | InvalidMinPeople => 400,
            Unauthorized | PasswordRequired | WrongPassword => 401,
            Forbidden | PrivateAppointment => 403,
            NotFound => 404,
            MethodNotAllowed => 405,
            AppointmentFull | AppointmentClosed | NameTaken | IdTaken | NotFinalised
            | ScheduleChanged | DeadlinePassed | NamePrivate => 409,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            UpgradeRequired => 426,
            TooManyAttempts => 429,
            InternalError => 500,
        }
    }

    /// The code as it appears in the JSON body.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            InvalidJson => "invalid_json",
            InvalidQuery => "invalid_query",
            InvalidBody => "invalid_body",
            InvalidTitle => "invalid_title",
            InvalidTimezone => "invalid_timezone",
            InvalidDates => "invalid_dates",
            InvalidWeekdays => "invalid_weekdays",
            InvalidTimeWindow => "invalid_time_window",
            InvalidSlotMinutes => "invalid_slot_minutes",
            InvalidName => "invalid_name",
            InvalidPassword => "invalid_password",
            InvalidUpdate => "invalid_update",
            InvalidFinal => "invalid_final",
            InvalidExpected => "invalid_expected",
            InvalidDeadline => "invalid_deadline",
            InvalidRequired => "invalid_required",
            InvalidMinPeople => "invalid_min_people",
            Unauthorized => "unauthorized",
            PasswordRequired => "password_required",
            WrongPassword => "wrong_password",
            Forbidden => "forbidden",
            PrivateAppointment => "private_appointment",
            NotFound => "not_found",
            MethodNotAllowed => "method_not_allowed",
            AppointmentFull => "appointment_full",
            NameTaken => "name_taken",
            AppointmentClosed => "appointment_closed",
            IdTaken => "id_taken",
            NotFinalised => "not_finalised",
            ScheduleChanged => "schedule_changed",
            DeadlinePassed => "deadline_passed",
            NamePrivate => "name_private",
            PayloadTooLarge => "payload_too_large",
            UnsupportedMediaType => "unsupported_media_type",
            UpgradeRequired => "upgrade_required",
            TooManyAttempts => "too_many_attempts",
            InternalError => "internal_error",
        }
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a rule refused a request. `Display` is a message a person can act
/// on; [`DomainError::code`] and [`DomainError::field`] let the HTTP layer
/// and the UI tell the kinds apart without parsing the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The body is not JSON.
    #[error("the body is not valid JSON: {0}")]
    InvalidJson(String),
    /// A query parameter is malformed.
    #[error("{0}")]
    InvalidQuery(String),
    /// The body as a whole has the wrong shape (e.g. not a JSON object).
    #[error("{0}")]
    InvalidBody(String),
    /// The appointment title is empty, too long or has control characters.
    #[error("{0}")]
    InvalidTitle(String),
    /// The time zone is missing or not an IANA name.
    #[error("{0}")]
    InvalidTimezone(String),
    /// `dates` is malformed or out of range, or neither/both of `dates`
    /// and `weekdays` were given.
    #[error("{0}")]
    InvalidDates(String),
    /// `weekdays` is malformed.
    #[error("{0}")]
    InvalidWeekdays(String),
    /// `start` or `end` is malformed, off the slot grid or out of order.
    #[error("{message}")]
    InvalidTimeWindow {
        /// `"start"` or `"end"`: the field the UI should mark.
        field: &'static str,
        /// What is wrong, for a person.
        message: String,
    },
    /// `slot_minutes` is not one of 10, 15, 30, 60.
    #[error("{0}")]
    InvalidSlotMinutes(String),
    /// The participant name is empty, too long or has control characters.
    #[error("{0}")]
    InvalidName(String),
    /// The password is too short or too long.
    #[error("{0}")]
    InvalidPassword(String),
    /// An availability update is malformed; the message names the exact
    /// change and range.
    #[error("{0}")]
    InvalidUpdate(String),
    /// The final time is malformed, out of range or spans two days.
    #[error("{0}")]
    InvalidFinal(String),
    /// `expected` is not a list of at most 200 valid names.
    #[error("{0}")]
    InvalidExpected(String),
    /// `deadline` is not an RFC 3339 instant.
    #[error("{0}")]
    InvalidDeadline(String),
    /// `required` names someone who is not a participant, or is malformed.
    #[error("{0}")]
    InvalidRequired(String),
    /// `min_people` is not a positive whole number.
    #[error("{0}")]
    InvalidMinPeople(String),
    /// No token, or one nobody was given.
    #[error("send a valid token as 'Authorization: Bearer <token>'")]
    Unauthorized,
    /// A protected name was sent without its password.
    #[error("this name is protected: send its password")]
    PasswordRequired,
    /// A protected name was sent with another password.
    #[error("the password does not match this name")]
    WrongPassword,
    /// A valid token of someone else.
    #[error("this token belongs to someone else")]
    Forbidden,
    /// Only the organiser may read this of a private appointment.
    #[error("this appointment is private: only its organiser may read everyone's answers")]
    PrivateAppointment,
    /// The appointment is at its participant cap.
    #[error("this appointment has the most participants it can take ({0})")]
    AppointmentFull(usize),
    /// The organiser closed the appointment to new participants.
    #[error("the organiser has closed this appointment to new people; those who joined can still sign in")]
    AppointmentClosed,
    /// The name was taken while this join waited.
    #[error("someone just joined with this name; try again to sign in")]
    NameTaken,
    /// The calendar file needs a final time.
    #[error("the organiser has not fixed the final time yet")]
    NotFinalised,
    /// The update was painted on a grid the organiser has since changed.
    #[error("the organiser changed the times since this was painted; nothing was saved: load the appointment again and paint on the new times")]
    ScheduleChanged,
    /// The organiser's deadline has passed.
    #[error("the organiser's deadline for answers has passed; nothing was saved (those who joined can still sign in and look)")]
    DeadlinePassed,
    /// A private appointment's name without a password, from another device.
    #[error("this name is taken, and in a private appointment a name without a password opens only on the device that joined with it: choose another name")]
    NamePrivate,
    /// A limit is reached; try again after this many seconds.
    #[error("too many attempts; try again in {retry_after} seconds")]
    TooManyAttempts {
        /// Seconds until the next attempt can succeed (at least 1).
        retry_after: u32,
    },
}

impl DomainError {
    /// The stable code of the JSON error body.
    pub fn code(&self) -> ErrorCode {
        match self {
            DomainError::InvalidJson(_) => ErrorCode::InvalidJson,
            DomainError::InvalidQuery(_) => ErrorCode::InvalidQuery,
            DomainError::InvalidBody(_) => ErrorCode::InvalidBody,
            DomainError::InvalidTitle(_) => ErrorCode::InvalidTitle,
            DomainError::InvalidTimezone(_) => ErrorCode::InvalidTimezone,
            DomainError::InvalidDates(_) => ErrorCode::InvalidDates,
            DomainError::InvalidWeekdays(_) => ErrorCode::InvalidWeekdays,
            DomainError::InvalidTimeWindow { .. } => ErrorCode::InvalidTimeWindow,
            DomainError::InvalidSlotMinutes(_) => ErrorCode::InvalidSlotMinutes,
            DomainError::InvalidName(_) => ErrorCode::InvalidName,
            DomainError::InvalidPassword(_) => ErrorCode::InvalidPassword,
            DomainError::InvalidUpdate(_) => ErrorCode::InvalidUpdate,
            DomainError::InvalidFinal(_) => ErrorCode::InvalidFinal,
            DomainError::InvalidExpected(_) => ErrorCode::InvalidExpected,
            DomainError::InvalidDeadline(_) => ErrorCode::InvalidDeadline,
            DomainError::InvalidRequired(_) => ErrorCode::InvalidRequired,
            DomainError::InvalidMinPeople(_) => ErrorCode::InvalidMinPeople,
            DomainError::Unauthorized => ErrorCode::Unauthorized,
            DomainError::PasswordRequired => ErrorCode::PasswordRequired,
            DomainError::WrongPassword => ErrorCode::WrongPassword,
            DomainError::Forbidden => ErrorCode::Forbidden,
            DomainError::PrivateAppointment => ErrorCode::PrivateAppointment,
            DomainError::AppointmentFull(_) => ErrorCode::AppointmentFull,
            DomainError::NameTaken => ErrorCode::NameTaken,
            DomainError::AppointmentClosed => ErrorCode::AppointmentClosed,
            DomainError::NotFinalised => ErrorCode::NotFinalised,
            DomainError::ScheduleChanged => ErrorCode::ScheduleChanged,
            DomainError::DeadlinePassed => ErrorCode::DeadlinePassed,
            DomainError::NamePrivate => ErrorCode::NamePrivate,
            DomainError::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
        }
    }

    /// The JSON field the problem concerns, so the UI can show the message
    /// next to it; `None` when it concerns the request as a whole.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            DomainError::InvalidTitle(_) => Some("title"),
            DomainError::InvalidTimezone(_) => Some("timezone"),
            DomainError::InvalidDates(_) => Some("dates"),
            DomainError::InvalidWeekdays(_) => Some("weekdays"),
            DomainError::InvalidTimeWindow { field, .. } => Some(field),
            DomainError::InvalidSlotMinutes(_) => Some("slot_minutes"),
            DomainError::InvalidName(_) => Some("name"),
            DomainError::InvalidPassword(_) => Some("password"),
            DomainError::InvalidUpdate(_) => Some("changes"),
            DomainError::InvalidFinal(_) => Some("final"),
            DomainError::InvalidExpected(_) => Some("expected"),
            DomainError::InvalidDeadline(_) => Some("deadline"),
            DomainError::InvalidRequired(_) => Some("required"),
            DomainError::InvalidMinPeople(_) => Some("min_people"),
            DomainError::WrongPassword | DomainError::PasswordRequired => Some("password"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_serialises_as_its_snake_case_name() {
        for code in [
            ErrorCode::InvalidJson,
            ErrorCode::InvalidTimeWindow,
            ErrorCode::PasswordRequired,
            ErrorCode::NotFinalised,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::InternalError,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
            assert!(code
                .as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }

    #[test]
    fn every_validation_error_is_a_400_with_its_message_as_display() {
        let errors = [
            DomainError::InvalidTitle("t".into()),
            DomainError::InvalidTimezone("t".into()),
            DomainError::InvalidDates("t".into()),
            DomainError::InvalidWeekdays("t".into()),
            DomainError::InvalidTimeWindow {
                field: "end",
                message: "t".into(),
            },
            DomainError::InvalidSlotMinutes("t".into()),
            DomainError::InvalidName("t".into()),
            DomainError::InvalidPassword("t".into()),
            DomainError::InvalidUpdate("t".into()),
            DomainError::InvalidFinal("t".into()),
            DomainError::InvalidBody("t".into()),
            DomainError::InvalidQuery("t".into()),
        ];
        for e in &errors {
            assert!(e.code().as_str().starts_with("invalid_"));
            assert_eq!(e.code().status(), 400);
            assert_eq!(e.to_string(), "t");
        }
    }

    #[test]
    fn refusals_other_than_validation_carry_their_status() {
        assert_eq!(DomainError::Unauthorized.code().status(), 401);
        assert_eq!(DomainError::WrongPassword.code().status(), 401);
        assert_eq!(DomainError::Forbidden.code().status(), 403);
        assert_eq!(DomainError::AppointmentFull(1000).code().status(), 409);
        assert!(DomainError::AppointmentFull(1000)
            .to_string()
            .contains("1000"));
        assert_eq!(
            DomainError::TooManyAttempts { retry_after: 3 }
                .code()
                .status(),
            429
        );
    }

    #[test]
    fn time_window_error_points_at_the_field_it_names() {
        let e = DomainError::InvalidTimeWindow {
            field: "start",
            message: "m".into(),
        };
        assert_eq!(e.field(), Some("start"));
        assert_eq!(DomainError::InvalidBody("m".into()).field(), None);
        assert_eq!(
            DomainError::InvalidUpdate("m".into()).field(),
            Some("changes")
        );
    }
}
