//! The client's own model of one participant's availability: a level per
//! slot, the updates the load sends (random but reproducible), and the
//! conversions to and from the API's half-open ranges. The lost-update
//! check compares the server's final state with this model.

use serde_json::Value;

pub const NONE: u8 = 0;
pub const AVAILABLE: u8 = 1;
pub const IF_NEEDED: u8 = 2;

/// The API's name of a level.
pub fn level_name(level: u8) -> &'static str {
    match level {
        AVAILABLE => "available",
        IF_NEEDED => "if_needed",
        _ => "none",
    }
}

/// A small deterministic generator (xorshift64*), so every run sends the
/// same updates.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

/// One change of an update: `level` on the slots `[start, end)`.
#[derive(Clone, Copy, Debug)]
pub struct Change {
    pub level: u8,
    pub start: usize,
    pub end: usize,
}

/// A participant painting about `size` slots of a `slots`-slot grid in
/// three blocks, mostly `available`, some `if_needed`, some erased.
pub fn random_update(rng: &mut Rng, slots: usize, size: usize) -> Vec<Change> {
    let first = size / 4 + rng.below(size / 5 + 1);
    let second = size / 4 + rng.below(size / 5 + 1);
    let third = size.saturating_sub(first + second).max(1);
    [first, second, third]
        .into_iter()
        .map(|len| {
            let len = len.min(slots);
            let start = rng.below(slots - len + 1);
            let level = match rng.below(20) {
                0..=11 => AVAILABLE,
                12..=16 => IF_NEEDED,
                _ => NONE,
            };
            Change {
                level,
                start,
                end: start + len,
            }
        })
        .collect()
}

/// The whole grid at one level: the full-grid update.
pub fn full_grid(level: u8, slots: usize) -> Vec<Change> {
    vec![Change {
        level,
        start: 0,
        end: slots,
    }]
}

/// The request body `{"changes": [...]}` of an update.
pub fn body(changes: &[Change]) -> Vec<u8> {
    let changes: Vec<Value> = changes
        .iter()
        .map(|c| serde_json::json!({ "level": level_name(c.level), "slots": [[c.start, c.end]] }))
        .collect();
    serde_json::to_vec(&serde_json::json!({ "changes": changes })).expect("serialise an update")
}

/// Applies an update to a state; whether the state differs afterwards
/// (changes that undo each other change nothing).
pub fn apply(state: &mut [u8], changes: &[Change]) -> bool {
    let before = state.to_vec();
    for c in changes {
        state[c.start..c.end].fill(c.level);
    }
    *state != before[..]
}

/// The state a participant object of the API describes (its `levels`,
/// two bits a slot as unpadded base64url), or `None` when the object is
/// not of that shape.
pub fn state_of(participant: &Value, slots: usize) -> Option<Vec<u8>> {
    use base64::Engine;
    let packed = participant.get("levels")?.as_str()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(packed)
        .ok()?;
    if bytes.len() != slots.div_ceil(4) {
        return None;
    }
    Some(
        (0..slots)
            .map(|i| match (bytes[i / 4] >> (2 * (i % 4))) & 0b11 {
                0b01 => AVAILABLE,
                0b10 => IF_NEEDED,
                _ => NONE,
            })
            .collect(),
    )
}
