//! A small reference model of availability, counts and best windows,
//! written straight from the contract, so tests with many random updates
//! can say exactly what the view must show.

use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    None,
    Available,
    IfNeeded,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Available => "available",
            Level::IfNeeded => "if_needed",
        }
    }
}

/// One change of an update: a level on sorted, disjoint `[start, end)` ranges.
pub type Change = (Level, Vec<(usize, usize)>);

/// The JSON body's `changes` array.
pub fn changes_json(changes: &[Change]) -> Value {
    Value::Array(
        changes
            .iter()
            .map(|(level, ranges)| {
                json!({
                    "level": level.name(),
                    "slots": ranges.iter().map(|(s, e)| json!([s, e])).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Applies the changes in order.
pub fn apply(state: &mut [Level], changes: &[Change]) {
    for (level, ranges) in changes {
        for &(s, e) in ranges {
            state[s..e].iter_mut().for_each(|slot| *slot = *level);
        }
    }
}

/// The slots at `level` as sorted, non-adjacent `[start, end)` ranges.
pub fn ranges(state: &[Level], level: Level) -> Value {
    let mut out = Vec::new();
    let mut i = 0;
    while i < state.len() {
        if state[i] == level {
            let start = i;
            while i < state.len() && state[i] == level {
                i += 1;
            }
            out.push(json!([start, i]));
        } else {
            i += 1;
        }
    }
    Value::Array(out)
}

/// `counts` as the view shows it.
pub fn counts<'a>(states: impl Iterator<Item = &'a Vec<Level>> + Clone, slots: usize) -> Value {
    let count = |level: Level| -> Vec<usize> {
        (0..slots)
            .map(|i| states.clone().filter(|s| s[i] == level).count())
            .collect()
    };
    json!({ "available": count(Level::Available), "if_needed": count(Level::IfNeeded) })
}

/// `best` as the contract defines it, id lists sorted: maximal runs within
/// one day over which both the available and the if-needed sets stay the
/// same, not both empty, ordered by how many can come (desc), available
/// (desc), length (desc), start (asc); at least `min_slots` long; the
/// first five.
pub fn best(day_of: &[usize], participants: &[(String, Vec<Level>)], min_slots: usize) -> Value {
    let at = |i: usize, level: Level| -> Vec<String> {
        let mut ids: Vec<String> = participants
            .iter()
            .filter(|(_, s)| s[i] == level)
            .map(|(id, _)| id.clone())
            .collect();
        ids.sort();
        ids
    };
    let mut windows = Vec::new();
    let mut i = 0;
    while i < day_of.len() {
        let (yes, maybe) = (at(i, Level::Available), at(i, Level::IfNeeded));
        let start = i;
        i += 1;
        while i < day_of.len()
            && day_of[i] == day_of[start]
            && at(i, Level::Available) == yes
            && at(i, Level::IfNeeded) == maybe
        {
            i += 1;
        }
        if yes.is_empty() && maybe.is_empty() {
            continue;
        }
        windows.push((start, i, yes, maybe));
    }
    windows.retain(|(s, e, _, _)| e - s >= min_slots);
    windows.sort_by(|a, b| {
        (b.2.len() + b.3.len(), b.2.len(), b.1 - b.0)
            .cmp(&(a.2.len() + a.3.len(), a.2.len(), a.1 - a.0))
            .then(a.0.cmp(&b.0))
    });
    Value::Array(
        windows
            .into_iter()
            .take(5)
            .map(|(s, e, a, n)| {
                let mut window = json!({"start": s, "end": e, "available": a, "if_needed": n});
                // Who can come at none of its slots, named when at most 3.
                let mut missing: Vec<&String> = participants
                    .iter()
                    .map(|(id, _)| id)
                    .filter(|id| !a.contains(id) && !n.contains(id))
                    .collect();
                missing.sort();
                if missing.len() <= 3 {
                    window["missing"] = json!(missing);
                }
                window
            })
            .collect(),
    )
}

/// A tiny deterministic generator (xorshift64*), so failures reproduce.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A random valid update on a grid of `slots`: 1–3 changes, each with
    /// 1–3 sorted, disjoint ranges.
    pub fn update(&mut self, slots: usize) -> Vec<Change> {
        let levels = [Level::None, Level::Available, Level::IfNeeded];
        (0..1 + self.below(3))
            .map(|_| {
                let level = levels[self.below(3)];
                let mut cuts: Vec<usize> = (0..2 * (1 + self.below(3)))
                    .map(|_| self.below(slots + 1))
                    .collect();
                cuts.sort();
                cuts.dedup();
                let mut ranges: Vec<(usize, usize)> = cuts
                    .chunks(2)
                    .filter(|c| c.len() == 2)
                    .map(|c| (c[0], c[1]))
                    .collect();
                if ranges.is_empty() {
                    let s = self.below(slots);
                    ranges.push((s, s + 1));
                }
                (level, ranges)
            })
            .collect()
    }
}

/// The levels a participant object carries (`levels`: two bits a slot,
/// unpadded base64url), one per slot of a grid of `len` slots.
pub fn levels_of(participant: &Value, len: usize) -> Vec<Level> {
    use base64::Engine;
    let packed = participant["levels"].as_str().expect("levels");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(packed)
        .expect("levels is unpadded base64url");
    (0..len)
        .map(
            |i| match bytes.get(i / 4).map(|b| (b >> (2 * (i % 4))) & 0b11) {
                Some(1) => Level::Available,
                Some(2) => Level::IfNeeded,
                _ => Level::None,
            },
        )
        .collect()
}

/// What a participant object shows, as `(available, if_needed)` ranges.
pub fn shown(participant: &Value) -> (Value, Value) {
    let len = participant["levels"]
        .as_str()
        .map_or(0, |s| s.len() * 6 / 8 * 4);
    let levels = levels_of(participant, len);
    (
        ranges(&levels, Level::Available),
        ranges(&levels, Level::IfNeeded),
    )
}

/// A participant object with its levels shown as ranges, for comparing
/// whole objects: `{id, name, protected, available, if_needed}`.
pub fn with_ranges(participant: &Value) -> Value {
    let (available, if_needed) = shown(participant);
    let mut out = participant.clone();
    if let Some(o) = out.as_object_mut() {
        o.remove("levels");
        o.remove("slots");
        o.insert("available".into(), available);
        o.insert("if_needed".into(), if_needed);
    }
    out
}
