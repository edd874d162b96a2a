//! What the measurements need in place (appointments and participants),
//! and the participant that paints: a series of updates sent over one
//! connection, each checked against the client's model of its state.

use crate::grid::{self, Rng};
use crate::http::{self, Answer};
use crate::load::Recorder;
use serde_json::{json, Value};
use std::time::Instant;

/// The server under test and the run's time budget.
pub struct Bench {
    pub base: String,
    /// Every phase stops here at the latest.
    pub end: Instant,
    /// The first date of every appointment: tomorrow in Seoul.
    pub first_date: chrono::NaiveDate,
}

impl Bench {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A phase's deadline: `cap` from now, but never past the run's end.
    pub fn deadline(&self, cap: std::time::Duration) -> Instant {
        (Instant::now() + cap).min(self.end)
    }
}

/// The grid of an appointment.
#[derive(Clone, Copy)]
pub struct Shape {
    pub days: usize,
    pub start: &'static str,
    pub end: &'static str,
    pub slot_minutes: u32,
}

impl Shape {
    pub fn slots(&self) -> usize {
        let minutes = |hhmm: &str| -> usize {
            let (h, m) = hhmm.split_once(':').expect("HH:MM");
            h.parse::<usize>().expect("hours") * 60 + m.parse::<usize>().expect("minutes")
        };
        self.days * (minutes(self.end) - minutes(self.start)) / self.slot_minutes as usize
    }
}

/// Creates an appointment in Asia/Seoul (no DST, so every day has every
/// slot) and checks that its grid has the expected size; its id.
pub fn create(
    bench: &Bench,
    agent: &ureq::Agent,
    title: &str,
    shape: Shape,
) -> Result<String, String> {
    let dates: Vec<String> = (0..shape.days as u64)
        .map(|i| {
            (bench.first_date + chrono::Days::new(i))
                .format("%Y-%m-%d")
                .to_string()
        })
        .collect();
    let body = json!({
        "title": title, "timezone": "Asia/Seoul", "dates": dates,
        "start": shape.start, "end": shape.end, "slot_minutes": shape.slot_minutes,
    });
    let bytes = serde_json::to_vec(&body).expect("serialise");
    let answer = http::send(
        agent,
        "POST",
        &bench.url("/api/appointments"),
        None,
        Some(&bytes),
    )?;
    if answer.status != 201 {
        return Err(format!("create: {}", answer.describe()));
    }
    let created = answer.json();
    let slots = created["appointment"]["slots"]
        .as_array()
        .map_or(0, Vec::len);
    if slots != shape.slots() {
        return Err(format!("create: {slots} slots, expected {}", shape.slots()));
    }
    created["id"]
        .as_str()
        .map(String::from)
        .ok_or_else(|| "create: no id".to_string())
}

/// A participant of the load: where it sends its updates, and the client's
/// model of its state.
pub struct Painter {
    pub appointment: String,
    pub pid: String,
    pub token: String,
    pub url: String,
    pub slots: usize,
    rng: Rng,
    /// The states the server may hold for it: one, unless an update failed
    /// without saying whether it was applied.
    pub candidates: Vec<Vec<u8>>,
    /// Acknowledged updates that changed something (each one bumps the
    /// appointment's version), while the state was certain.
    pub changed: usize,
    /// Whether an update failed, so `changed` may be off.
    pub uncertain: bool,
    /// Each acknowledged update's version and when its answer arrived
    /// (for the push lag of the live phases).
    pub answered: Vec<(i64, Instant)>,
    /// The same versions, with when each update was sent.
    pub sent: Vec<(i64, Instant)>,
}

/// Joins an appointment (with a password when given); the new participant
/// and the answer (for its latency).
pub fn join(
    bench: &Bench,
    agent: &ureq::Agent,
    appointment: &str,
    name: &str,
    password: Option<&str>,
    slots: usize,
    seed: u64,
) -> Result<(Painter, Answer), String> {
    let mut body = json!({ "name": name });
    if let Some(pw) = password {
        body["password"] = json!(pw);
    }
    let bytes = serde_json::to_vec(&body).expect("serialise");
    let url = bench.url(&format!("/api/appointments/{appointment}/participants"));
    let answer = http::send(agent, "POST", &url, None, Some(&bytes))?;
    if answer.status != 201 {
        return Err(format!("join {name:?}: {}", answer.describe()));
    }
    let joined = answer.json();
    let (Some(pid), Some(token)) = (
        joined["participant"]["id"].as_str(),
        joined["token"].as_str(),
    ) else {
        return Err(format!("join {name:?}: no participant id or token"));
    };
    let painter = Painter {
        appointment: appointment.to_string(),
        pid: pid.to_string(),
        token: token.to_string(),
        url: bench.url(&format!(
            "/api/appointments/{appointment}/participants/{pid}/availability"
        )),
        slots,
        rng: Rng::new(seed),
        candidates: vec![vec![grid::NONE; slots]],
        changed: 0,
        uncertain: false,
        answered: Vec::new(),
        sent: Vec::new(),
    };
    Ok((painter, answer))
}

/// What a transport (HTTP or a live socket) made of one update: the
/// participant object and version it was answered with, and how long the
/// answer took; `Err` when it failed, applied or not.
pub type Sent = Result<Answered, String>;

pub struct Answered {
    pub elapsed: std::time::Duration,
    pub participant: Value,
    pub version: Option<i64>,
}

impl Painter {
    /// Sends `updates` random updates of about `size` slots over HTTP, one
    /// after the other. An answer other than 200 with the model's state is
    /// an error.
    pub fn paint(
        &mut self,
        agent: &ureq::Agent,
        recorder: &mut Recorder,
        deadline: Instant,
        updates: usize,
        size: usize,
    ) {
        let (url, token) = (self.url.clone(), self.token.clone());
        self.paint_with(recorder, deadline, updates, size, |body| {
            match http::send(agent, "PATCH", &url, Some(&token), Some(body)) {
                Ok(a) if a.status == 200 => {
                    let json = a.json();
                    Ok(Answered {
                        elapsed: a.elapsed,
                        version: json["version"].as_i64(),
                        participant: json["participant"].clone(),
                    })
                }
                Ok(a) => Err(format!("PATCH: {}", a.describe())),
                Err(e) => Err(e),
            }
        });
    }

    /// Sends `updates` random updates of about `size` slots through `send`
    /// (which gets the body `{"changes":[…]}`), one after the other, and
    /// keeps the model and [`Painter::answered`] up to date.
    pub fn paint_with(
        &mut self,
        recorder: &mut Recorder,
        deadline: Instant,
        updates: usize,
        size: usize,
        mut send: impl FnMut(&[u8]) -> Sent,
    ) {
        for _ in 0..updates {
            if recorder.past(deadline) {
                return;
            }
            let changes = grid::random_update(&mut self.rng, self.slots, size);
            let body = grid::body(&changes);
            match send(&body) {
                Ok(a) => {
                    let mut changed = false;
                    for state in &mut self.candidates {
                        changed |= grid::apply(state, &changes);
                    }
                    self.candidates.sort();
                    self.candidates.dedup();
                    if changed && !self.uncertain {
                        self.changed += 1;
                    }
                    if let Some(version) = a.version {
                        let now = Instant::now();
                        self.answered.push((version, now));
                        self.sent.push((version, now - a.elapsed));
                    }
                    match grid::state_of(&a.participant, self.slots) {
                        Some(state) if self.candidates.contains(&state) => {
                            self.candidates = vec![state];
                            recorder.ok(a.elapsed);
                        }
                        _ => recorder.error(format!(
                            "an update was answered with a participant state other than the \
                             model's: {}",
                            a.participant
                        )),
                    }
                }
                Err(e) => {
                    recorder.error(e);
                    // Applied or not, nobody knows: keep both possibilities.
                    let applied: Vec<Vec<u8>> = self
                        .candidates
                        .iter()
                        .map(|s| {
                            let mut s = s.clone();
                            grid::apply(&mut s, &changes);
                            s
                        })
                        .collect();
                    self.candidates.extend(applied);
                    self.candidates.sort();
                    self.candidates.dedup();
                    self.candidates.truncate(64);
                    self.uncertain = true;
                }
            }
        }
    }
}

/// What the final view of an appointment says about its painters.
#[derive(Default)]
pub struct Check {
    pub checked: usize,
    /// Participants whose final state is none of the model's.
    pub lost: usize,
    /// `Some(actual - expected)` when the expected version is known.
    pub version_off_by: Option<i64>,
    /// Whether `counts` agree with the model, when it is certain.
    pub counts_agree: Option<bool>,
}

impl Check {
    pub fn add(&mut self, other: Check) {
        self.checked += other.checked;
        self.lost += other.lost;
        self.version_off_by = match (self.version_off_by, other.version_off_by) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        self.counts_agree = match (self.counts_agree, other.counts_agree) {
            (Some(a), Some(b)) => Some(a && b),
            (a, b) => a.or(b),
        };
    }

    pub fn to_json(&self) -> Value {
        json!({
            "participants_checked": self.checked, "lost_updates": self.lost,
            "version_off_by": self.version_off_by, "counts_agree": self.counts_agree,
        })
    }
}

/// Compares the view of `appointment` with the model of `painters` (all
/// of its participants); `version_before` is the version before they
/// painted, when known.
pub fn check(
    bench: &Bench,
    agent: &ureq::Agent,
    appointment: &str,
    painters: &[&Painter],
    version_before: Option<i64>,
) -> Check {
    let url = bench.url(&format!("/api/appointments/{appointment}"));
    let view = http::expect(agent, "GET", &url, None, None, &[200]).json();
    let participants = view["participants"].as_array().cloned().unwrap_or_default();
    let mut result = Check {
        checked: painters.len(),
        ..Check::default()
    };
    for p in painters {
        let state = participants
            .iter()
            .find(|v| v["id"].as_str() == Some(p.pid.as_str()))
            .and_then(|v| grid::state_of(v, p.slots));
        if !state.is_some_and(|s| p.candidates.contains(&s)) {
            result.lost += 1;
        }
    }
    let certain = painters
        .iter()
        .all(|p| !p.uncertain && p.candidates.len() == 1);
    if let (true, Some(before), Some(actual)) = (certain, version_before, view["version"].as_i64())
    {
        let expected = before + painters.iter().map(|p| p.changed as i64).sum::<i64>();
        result.version_off_by = Some(actual - expected);
    }
    if certain && participants.len() == painters.len() {
        let slots = painters.first().map_or(0, |p| p.slots);
        let count = |level: u8, i: usize| {
            painters
                .iter()
                .filter(|p| p.candidates[0][i] == level)
                .count() as u64
        };
        let agrees = |key: &str, level: u8| {
            view["counts"][key].as_array().is_some_and(|c| {
                c.len() == slots && (0..slots).all(|i| c[i].as_u64() == Some(count(level, i)))
            })
        };
        result.counts_agree =
            Some(agrees("available", grid::AVAILABLE) && agrees("if_needed", grid::IF_NEEDED));
    }
    result
}

/// The appointment's version now.
pub fn version(bench: &Bench, agent: &ureq::Agent, appointment: &str) -> Option<i64> {
    let url = bench.url(&format!("/api/appointments/{appointment}"));
    http::expect(agent, "GET", &url, None, None, &[200]).json()["version"].as_i64()
}
