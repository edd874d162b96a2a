//! What the group sees: per-slot counts (the heatmap) and the best windows.
//! Both are recomputed from every participant's availability on each view,
//! so they are built on bitsets of participants per slot to stay fast at
//! 1,000 participants × 4,464 slots.

use std::cmp::Reverse;

use serde::Serialize;
use utoipa::ToSchema;

use super::availability::Availability;

use super::grid::Grid;

/// How many best windows the view shows.
pub const MAX_BEST: usize = 5;

/// How many participants have each level at each slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Counts {
    /// `available[i]`: participants available at slot `i`.
    pub available: Vec<u32>,
    /// `if_needed[i]`: participants available if need be at slot `i`.
    pub if_needed: Vec<u32>,
}

/// Counts levels over `len` slots. Availabilities shorter than `len` count
/// as `none` for the missing slots; longer ones are cut.
pub fn counts(participants: &[&Availability], len: usize) -> Counts {
    let mut out = Counts {
        available: vec![0; len],
        if_needed: vec![0; len],
    };
    for a in participants {
        for_each_set_slot(a, len, |i, bits| match bits {
            0b01 => out.available[i] += 1,
            0b10 => out.if_needed[i] += 1,
            _ => {}
        });
    }
    out
}

/// Calls `f(slot, bits)` for every slot below `len` whose two bits are not
/// zero, skipping empty bytes four slots at a time.
fn for_each_set_slot(a: &Availability, len: usize, mut f: impl FnMut(usize, u8)) {
    for (k, &byte) in a.as_bytes().iter().enumerate() {
        if byte == 0 {
            continue;
        }
        for r in 0..4 {
            let i = k * 4 + r;
            if i >= len {
                return;
            }
            let bits = (byte >> (2 * r)) & 0b11;
            if bits != 0 {
                f(i, bits);
            }
        }
    }
}

/// One of the best times: slots `start..end` of one day, with who is
/// available throughout and who is available if need be throughout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Window {
    /// First slot index.
    pub start: usize,
    /// One past the last slot index.
    pub end: usize,
    /// Ids of the participants available on every slot.
    pub available: Vec<String>,
    /// Ids of the participants available if need be on every slot.
    pub if_needed: Vec<String>,
    /// Ids of the participants who can come at no slot of the window,
    /// when there are at most [`MAX_MISSING`] of them (else left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<Vec<String>>,
}

/// The most participants a window names as `missing`.
pub const MAX_MISSING: usize = 3;

/// What the organiser asks of a best window: that every one of
/// `required` (participant ids; ids of no participant are ignored) can
/// come, available or if need be, and that at least `min_people` can.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs<'a> {
    pub required: &'a [String],
    pub min_people: usize,
}

impl Needs<'_> {
    /// Whether these needs keep every window.
    pub fn is_none(&self) -> bool {
        self.required.is_empty() && self.min_people <= 1
    }
}

/// The best windows, and why there are none when the organiser's needs
/// removed every one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Best {
    pub windows: Vec<Window>,
    pub filtered: Option<Filtered>,
}

/// Why the organiser's needs left no best window: who of the required
/// can come at no time at all, and the most people who can come at one
/// time (so a page can say "at most 3 can come at once").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filtered {
    pub unreachable: Vec<String>,
    pub most_people: u32,
}

/// Participants per slot as rows of bits, `words` u64s per slot.
struct Bitsets {
    words: usize,
    bits: Vec<u64>,
}

impl Bitsets {
    fn row(&self, i: usize) -> &[u64] {
        &self.bits[i * self.words..(i + 1) * self.words]
    }
}

fn ones(row: &[u64]) -> u32 {
    row.iter().map(|w| w.count_ones()).sum()
}

/// A window before its participants are turned into ids.
struct Candidate {
    start: usize,
    end: usize,
    available: u32,
    if_needed: u32,
}

/// The best windows: maximal runs of consecutive slots within one day over
/// which both the set of participants available and the set available if
/// need be stay the same, and not both are empty; with at least
/// `min_slots` slots (0 and 1 keep all); ordered by how many can come
/// (available plus if needed), then how many are available, then length
/// (all descending), then start; at most [`MAX_BEST`]. So the hour where
/// everyone can come, some only if need be, ranks above a longer stretch
/// where fewer can. Ids are listed in the order of `participants`.
pub fn best(grid: &Grid, participants: &[(&str, &Availability)], min_slots: usize) -> Vec<Window> {
    best_for(grid, participants, min_slots, Needs::default()).windows
}

/// The best windows as [`best`] finds them, keeping only those that meet
/// `needs` (before the cut to [`MAX_BEST`]); when that removes every
/// window there was, why.
pub fn best_for(
    grid: &Grid,
    participants: &[(&str, &Availability)],
    min_slots: usize,
    needs: Needs<'_>,
) -> Best {
    let len = grid.len();
    let words = participants.len().div_ceil(64);
    if len == 0 || words == 0 {
        return Best {
            windows: Vec::new(),
            filtered: None,
        };
    }
    let mut available = Bitsets {
        words,
        bits: vec![0; len * words],
    };
    let mut if_needed = Bitsets {
        words,
        bits: vec![0; len * words],
    };
    for (p, (_, a)) in participants.iter().enumerate() {
        let (word, bit) = (p / 64, 1u64 << (p % 64));
        for_each_set_slot(a, len, |i, bits| match bits {
            0b01 => available.bits[i * words + word] |= bit,
            0b10 => if_needed.bits[i * words + word] |= bit,
            _ => {}
        });
    }

    let mut candidates = Vec::new();
    let mut i = 0;
    while i < len {
        let (yes, maybe) = (available.row(i), if_needed.row(i));
        let mut j = i + 1;
        while j < len
            && grid.day_of(j) == grid.day_of(i)
            && available.row(j) == yes
            && if_needed.row(j) == maybe
        {
            j += 1;
        }
        let (a, f) = (ones(yes), ones(maybe));
        if a + f > 0 && j - i >= min_slots {
            candidates.push(Candidate {
                start: i,
                end: j,
                available: a,
                if_needed: f,
            });
        }
        i = j;
    }
    // The required, as a row of bits; ids of no participant drop out.
    let mut must = vec![0u64; words];
    for (p, (id, _)) in participants.iter().enumerate() {
        if needs.required.iter().any(|r| r == id) {
            must[p / 64] |= 1 << (p % 64);
        }
    }
    let most_people = candidates
        .iter()
        .map(|c| c.available + c.if_needed)
        .max()
        .unwrap_or(0);
    let had_some = !candidates.is_empty();
    candidates.retain(|c| {
        let (yes, maybe) = (available.row(c.start), if_needed.row(c.start));
        let all_there = (0..words).all(|w| must[w] & !(yes[w] | maybe[w]) == 0);
        all_there && (c.available + c.if_needed) as usize >= needs.min_people
    });
    let filtered = (had_some && candidates.is_empty() && !needs.is_none()).then(|| Filtered {
        unreachable: participants
            .iter()
            .enumerate()
            .filter(|(p, (_, a))| must[p / 64] & (1 << (p % 64)) != 0 && a.answered() == 0)
            .map(|(_, (id, _))| (*id).to_owned())
            .collect(),
        most_people,
    });
    candidates.sort_unstable_by_key(|c| {
        (
            Reverse(c.available + c.if_needed),
            Reverse(c.available),
            Reverse(c.end - c.start),
            c.start,
        )
    });
    candidates.truncate(MAX_BEST);

    let ids = |row: &[u64]| -> Vec<String> {
        participants
            .iter()
            .enumerate()
            .filter(|(p, _)| row[p / 64] & (1 << (p % 64)) != 0)
            .map(|(_, (id, _))| (*id).to_owned())
            .collect()
    };
    let windows = candidates
        .into_iter()
        .map(|c| {
            let (yes, maybe) = (available.row(c.start), if_needed.row(c.start));
            // Levels are the same on every slot of a window: whoever is in
            // neither set can come at none of them.
            let absent = participants.len() - (c.available + c.if_needed) as usize;
            let missing = (absent <= MAX_MISSING).then(|| {
                let away: Vec<u64> = (0..words).map(|w| !(yes[w] | maybe[w])).collect();
                ids(&away)
            });
            Window {
                start: c.start,
                end: c.end,
                available: ids(yes),
                if_needed: ids(maybe),
                missing,
            }
        })
        .collect();
    Best { windows, filtered }
}

#[cfg(test)]
mod tests;
