//! What the API answers, as typed values: the appointment view, the
//! participant object, the answers to create, join and update, the error
//! body and the live messages. Built from domain values only; the OpenAPI
//! document describes these same types.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::final_time::FinalRange;
use super::grid::Slot;
use super::results::{best_for, counts, Counts, Filtered, Window};
use super::schedule::ScheduleView;
use super::tools::Tools;
use super::wire;
use super::{file_stem, Availability, Caller, DomainError, ErrorCode, Grid, Schedule};
use std::collections::HashSet;

/// One participant as every reader sees them: never a hash or a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ParticipantView {
    pub id: String,
    /// The name as given (trimmed).
    pub name: String,
    /// Whether the name is protected by a password.
    pub protected: bool,
    /// The level at every slot, two bits a slot (0 none, 1 available,
    /// 2 if needed; slot `i` in bits `2·(i mod 4)` and up of byte
    /// `⌊i/4⌋`), as unpadded base64url: small for any pattern.
    #[schema(pattern = "^[A-Za-z0-9_-]*$")]
    pub levels: String,
    /// How many slots are not `none`.
    pub slots: usize,
}

impl ParticipantView {
    /// The participant `id` called `name` with these levels.
    pub fn new(id: &str, name: &str, protected: bool, availability: &Availability) -> Self {
        ParticipantView {
            id: id.to_string(),
            name: name.to_string(),
            protected,
            levels: URL_SAFE_NO_PAD.encode(availability.as_bytes()),
            slots: availability.answered(),
        }
    }
}

/// One slot of the grid: its UTC start (dates) or weekday and wall time
/// (weekdays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum SlotView {
    /// A slot of a dates appointment.
    At {
        /// RFC 3339 UTC instant, e.g. `2026-12-01T00:00:00Z`.
        start: String,
    },
    /// A slot of a weekdays appointment.
    Weekly {
        /// `mon` … `sun`.
        day: String,
        /// `HH:MM` local wall time.
        time: String,
    },
}

impl From<&Slot> for SlotView {
    fn from(slot: &Slot) -> Self {
        match slot {
            Slot::At(at) => SlotView::At {
                start: rfc3339(*at),
            },
            Slot::Weekly { weekday, minute } => SlotView::Weekly {
                day: wire::weekday_name(*weekday).to_string(),
                time: wire::format_time(*minute),
            },
        }
    }
}

/// The appointment as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct View {
    pub id: String,
    pub title: String,
    /// The name its files are saved under, before the extension
    /// (`{file_name}.csv`, `.ics`, and the page's `.png` and `.svg`): the
    /// title made fit for a file name, by one rule.
    #[schema(example = "동아리 회의")]
    pub file_name: String,
    #[serde(flatten)]
    pub schedule: ScheduleView,
    /// Every slot, in index order.
    pub slots: Vec<SlotView>,
    /// Everyone who joined, in the order they joined.
    pub participants: Vec<ParticipantView>,
    pub counts: Counts,
    /// Up to 5 best windows (only those that meet `required` and
    /// `min_people`).
    pub best: Vec<BestWindow>,
    /// Set when `required` or `min_people` removed every window there
    /// was: why, so a page can say so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best_filtered: Option<BestFiltered>,
    /// The final time, if the organiser has fixed one.
    #[serde(rename = "final")]
    pub final_range: Option<FinalRange>,
    /// Whether the organiser closed it to new participants.
    pub closed: bool,
    /// Names the grid: changes with every edit of the schedule and with
    /// nothing else. An update may carry it (see `UpdateRequest`).
    #[schema(example = "k9Q2mXa0bTc")]
    pub layout: String,
    /// Grows by one with every change.
    pub version: i64,
    /// RFC 3339 UTC instant after which the appointment is deleted.
    pub expires_at: String,
    /// The names the organiser expects; left out when none are set (and,
    /// when the appointment is private, for all but the organiser).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Vec<String>>,
    /// The expected names no participant's name matches (by canonical
    /// key), or, when the appointment is private and the reader is not
    /// its organiser, how many they are; left out when no names are
    /// expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Who>,
    /// RFC 3339 UTC instant after which new names and availability
    /// updates are refused (`409 deadline_passed`), or `null`.
    pub deadline: Option<String>,
    /// Whether `deadline` has passed.
    pub deadline_passed: bool,
    /// Ids of the participants who must come; left out when the
    /// appointment is private and the reader is not its organiser.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<String>>,
    /// The fewest people (available plus if needed) a best window needs,
    /// or `null`.
    pub min_people: Option<u32>,
    /// Whether only the organiser sees names and answers: others get
    /// counts, best windows as numbers and their own participant only.
    pub private: bool,
}

/// Participant ids, or how many there are when the reader may not see
/// them (a private appointment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Who {
    /// Ids (or, for `waiting`, names).
    Ids(Vec<String>),
    /// How many.
    Count(usize),
}

impl Who {
    /// The same, as a number.
    fn counted(&self) -> Who {
        match self {
            Who::Ids(ids) => Who::Count(ids.len()),
            count => count.clone(),
        }
    }
}

/// One of the best times, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BestWindow {
    /// First slot index.
    pub start: usize,
    /// One past the last slot index.
    pub end: usize,
    /// Ids of the participants available on every slot (their number
    /// in a private appointment, for all but the organiser).
    pub available: Who,
    /// Ids of the participants available if need be on every slot (their
    /// number in a private appointment, for all but the organiser).
    pub if_needed: Who,
    /// Ids of the participants who can come at no slot of the window,
    /// when there are at most 3; left out otherwise, and in a private
    /// appointment for all but the organiser.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
}

impl From<&Window> for BestWindow {
    fn from(w: &Window) -> Self {
        BestWindow {
            start: w.start,
            end: w.end,
            available: Who::Ids(w.available.clone()),
            if_needed: Who::Ids(w.if_needed.clone()),
            missing: w.missing.clone(),
        }
    }
}

impl BestWindow {
    /// The window without names.
    pub fn counted(&self) -> BestWindow {
        BestWindow {
            start: self.start,
            end: self.end,
            available: self.available.counted(),
            if_needed: self.if_needed.counted(),
            missing: None,
        }
    }
}

/// Why `best` is empty though people answered: the required participants
/// who can come at no time (their number, in a private appointment, for
/// all but the organiser), and the most people who can come at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct BestFiltered {
    pub unreachable: Who,
    pub most_people: u32,
}

impl From<Filtered> for BestFiltered {
    fn from(f: Filtered) -> Self {
        BestFiltered {
            unreachable: Who::Ids(f.unreachable),
            most_people: f.most_people,
        }
    }
}

/// Whether `caller` sees everyone's names and answers in an appointment
/// that is `private` or not.
pub fn sees_everyone(private: bool, caller: &Caller) -> bool {
    !private || *caller == Caller::Admin
}

/// What a view is made of, as the appointment object reads it.
pub struct ViewParts<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub schedule: &'a Schedule,
    pub grid: &'a Grid,
    /// Each participant with their levels, in the order they joined.
    pub participants: &'a [(ParticipantView, Availability)],
    pub final_range: Option<(usize, usize)>,
    pub closed: bool,
    pub version: i64,
    pub expires_at: DateTime<Utc>,
    /// Best windows shorter than this are left out (0 keeps all).
    pub min_slots: usize,
    pub tools: &'a Tools,
    /// The canonical keys of the participants' names (needed only when
    /// names are expected).
    pub name_keys: &'a HashSet<String>,
    /// Milliseconds since the Unix epoch.
    pub now: i64,
}

impl View {
    /// The view of `parts`: counts and best windows computed here.
    pub fn new(parts: &ViewParts<'_>) -> View {
        let len = parts.grid.len();
        let levels: Vec<&Availability> = parts.participants.iter().map(|(_, a)| a).collect();
        let named: Vec<(&str, &Availability)> = parts
            .participants
            .iter()
            .map(|(p, a)| (p.id.as_str(), a))
            .collect();
        let tools = parts.tools;
        let best = best_for(parts.grid, &named, parts.min_slots, tools.needs());
        let people: Vec<&str> = named.iter().map(|(id, _)| *id).collect();
        View {
            id: parts.id.to_string(),
            title: parts.title.to_string(),
            file_name: file_stem(parts.title),
            schedule: parts.schedule.fields(),
            slots: parts.grid.slots().map(SlotView::from).collect(),
            participants: parts.participants.iter().map(|(p, _)| p.clone()).collect(),
            counts: counts(&levels, len),
            best: best.windows.iter().map(BestWindow::from).collect(),
            best_filtered: best.filtered.map(BestFiltered::from),
            final_range: parts.final_range.map(|(start, end)| FinalRange {
                start: start as u64,
                end: end as u64,
            }),
            closed: parts.closed,
            layout: layout(parts.schedule),
            version: parts.version,
            expires_at: rfc3339(parts.expires_at),
            expected: (!tools.expected.is_empty()).then(|| tools.expected.clone()),
            waiting: (!tools.expected.is_empty()).then(|| Who::Ids(tools.waiting(parts.name_keys))),
            deadline: tools
                .deadline
                .and_then(DateTime::from_timestamp_millis)
                .map(rfc3339),
            deadline_passed: tools.deadline_passed(parts.now),
            // Removed participants drop out.
            required: Some(
                tools
                    .required
                    .iter()
                    .filter(|r| people.contains(&r.as_str()))
                    .cloned()
                    .collect(),
            ),
            min_people: tools.min_people,
            private: tools.private,
        }
    }

    /// The view as `caller` may see it: everything, unless the
    /// appointment is private and the caller is not its organiser; then
    /// no one's names, ids or levels but the caller's own participant.
    pub fn seen_by(self, caller: &Caller) -> View {
        match sees_everyone(self.private, caller) {
            true => self,
            false => self.redacted(caller),
        }
    }

    /// [`Self::seen_by`] for a reader who may not see everyone, built
    /// from a view kept for everyone (without copying its participants).
    pub fn redacted(&self, caller: &Caller) -> View {
        let me = match caller {
            Caller::Participant(id) => Some(id.as_str()),
            _ => None,
        };
        View {
            id: self.id.clone(),
            title: self.title.clone(),
            file_name: self.file_name.clone(),
            schedule: self.schedule.clone(),
            slots: self.slots.clone(),
            participants: self
                .participants
                .iter()
                .filter(|p| Some(p.id.as_str()) == me)
                .cloned()
                .collect(),
            counts: self.counts.clone(),
            best: self.best.iter().map(BestWindow::counted).collect(),
            best_filtered: self.best_filtered.as_ref().map(|f| BestFiltered {
                unreachable: f.unreachable.counted(),
                most_people: f.most_people,
            }),
            final_range: self.final_range,
            closed: self.closed,
            layout: self.layout.clone(),
            version: self.version,
            expires_at: self.expires_at.clone(),
            expected: None,
            waiting: self.waiting.as_ref().map(Who::counted),
            deadline: self.deadline.clone(),
            deadline_passed: self.deadline_passed,
            required: None,
            min_people: self.min_people,
            private: self.private,
        }
    }
}

/// `201` to `POST /api/appointments`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Created {
    pub id: String,
    /// The public link to share.
    pub url: String,
    /// The organiser's bearer token; shown once.
    pub admin_token: String,
    pub appointment: View,
}

/// `200`/`201` to `POST …/participants`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Joined {
    pub participant: ParticipantView,
    /// The participant's bearer token.
    pub token: String,
}

/// `200` to `PATCH …/availability`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Updated {
    pub participant: ParticipantView,
    /// The appointment's version after the update.
    pub version: i64,
}

/// `200` to `PATCH /api/appointments/{id}?dry_run=1`: what the edit would
/// do, worked out by the rules of the real one and stored nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DryRun {
    /// Participants who keep an answer on at least one time.
    pub kept: usize,
    /// Participants who had answers and would lose them all.
    pub cleared: usize,
    /// Participants who would lose some of the time they answered for
    /// (those in `cleared` among them).
    pub losing: usize,
    /// Whether the appointment's final time survives the edit (`false`
    /// when it has none).
    pub final_kept: bool,
    /// The number of slots of the grid after the edit.
    pub slots: usize,
}

/// `{"status": "ok"}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// The body of every error.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// A message a person can act on.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<&DomainError> for ErrorDetail {
    fn from(e: &DomainError) -> Self {
        ErrorDetail {
            code: e.code(),
            message: e.to_string(),
            field: e.field().map(str::to_string),
        }
    }
}

/// The name of the grid `schedule` lays out: a hash of its grid fields
/// (dates or weekdays, start, end, slot length, zone), so two schedules
/// with the same slots share it and any edit of them changes it. FNV-1a,
/// 64 bits, of the normal form's JSON with its keys sorted, as unpadded
/// base64url (11 characters).
pub fn layout(schedule: &Schedule) -> String {
    let text = serde_json::to_value(schedule.fields())
        .unwrap_or_default()
        .to_string();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    URL_SAFE_NO_PAD.encode(hash.to_be_bytes())
}

/// The view's entity tag: weak, changing with the version and the query.
pub fn etag(id: &str, version: i64, min_slots: usize) -> String {
    format!("W/\"{id}-{version}-{min_slots}\"")
}

/// The view's entity tag for `caller`: as [`etag`], and, in a private
/// appointment, naming who reads it (each sees another view).
pub fn etag_for(
    id: &str,
    version: i64,
    min_slots: usize,
    private: bool,
    caller: &Caller,
) -> String {
    let reader = match (private, caller) {
        (false, _) => return etag(id, version, min_slots),
        (true, Caller::Admin) => "o".to_string(),
        (true, Caller::Participant(p)) => format!("p{p}"),
        (true, Caller::Anonymous) => "a".to_string(),
    };
    format!("W/\"{id}-{version}-{min_slots}-{reader}\"")
}

/// The language of the availability file's own words (its header and
/// levels): English unless `?lang=ko` asks for Korean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileLang {
    #[default]
    En,
    Ko,
}

impl FileLang {
    /// Its `lang` query value.
    pub fn code(self) -> &'static str {
        match self {
            FileLang::En => "en",
            FileLang::Ko => "ko",
        }
    }
}

/// The availability file's entity tag: weak, changing with the version
/// and the language of the file's words (English keeps the plain tag).
pub fn csv_etag(id: &str, version: i64, lang: FileLang) -> String {
    match lang {
        FileLang::En => format!("W/\"{id}-{version}-csv\""),
        other => format!("W/\"{id}-{version}-csv-{}\"", other.code()),
    }
}

/// Whether an `If-None-Match` header matches `etag`, by the weak
/// comparison of RFC 9110: `W/` prefixes are ignored, `*` matches anything.
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let ours = opaque(etag);
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || opaque(t) == ours)
}

/// An instant as the API prints it: RFC 3339, UTC, whole seconds.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_match_weakly_in_either_form_and_in_lists() {
        let tag = etag("abc", 7, 0);
        assert_eq!(tag, "W/\"abc-7-0\"");
        assert!(etag_matches(&tag, &tag));
        assert!(etag_matches("\"abc-7-0\"", &tag));
        assert!(etag_matches("\"x\", W/\"abc-7-0\"", &tag));
        assert!(etag_matches("*", &tag));
        assert!(!etag_matches("W/\"abc-8-0\"", &tag));
        assert!(!etag_matches("", &tag));
    }

    #[test]
    fn the_layout_names_the_grid_and_nothing_else() {
        let at = |start: &str, minutes: u32, zone: &str| {
            Schedule::parse_stored(&serde_json::json!({"timezone": zone,
                "dates": ["2026-12-01", "2026-12-02"], "start": start, "end": "18:00",
                "slot_minutes": minutes}))
            .unwrap()
        };
        let base = layout(&at("09:00", 30, "Asia/Seoul"));
        assert_eq!(base, layout(&at("09:00", 30, "Asia/Seoul")));
        assert_eq!(base.len(), 11);
        assert!(base
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(base, layout(&at("08:00", 30, "Asia/Seoul")));
        assert_ne!(base, layout(&at("09:00", 15, "Asia/Seoul")));
        assert_ne!(base, layout(&at("09:00", 30, "Asia/Tokyo")));
    }

    #[test]
    fn the_layout_of_a_grid_is_what_it_was_before_the_stored_form_had_a_version() {
        // A page painting on a layout it read before stays on it.
        let layout_of = |stored: &str| {
            layout(&Schedule::parse_stored(&serde_json::from_str(stored).unwrap()).unwrap())
        };
        assert_eq!(
            layout_of(
                r#"{"dates":["2026-12-01","2026-12-03"],"end":"18:00","slot_minutes":30,"start":"09:00","timezone":"Asia/Seoul"}"#
            ),
            "dWiskBUE88Y"
        );
        assert_eq!(
            layout_of(
                r#"{"end":"24:00","slot_minutes":15,"start":"08:15","timezone":"Europe/Berlin","weekdays":["mon","fri"]}"#
            ),
            "w_Koi8dFfPw"
        );
    }
}
