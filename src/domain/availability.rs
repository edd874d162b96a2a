//! One participant's availability — a level per slot — and the updates that
//! change it. Levels are packed two bits a slot so that the largest grid
//! (4,464 slots) stores in 1,116 bytes and a whole-grid update is a few
//! hundred byte writes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::grid::MAX_SLOTS;

/// The most changes one update may carry.
pub const MAX_CHANGES: usize = 64;
/// The most ranges one change may carry.
pub const MAX_RANGES: usize = MAX_SLOTS;

/// How available a participant is in one slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Not available (the default).
    None,
    /// Available.
    Available,
    /// Available if need be.
    IfNeeded,
}

impl Level {
    /// Parses `"none"`, `"available"` or `"if_needed"`.
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "none" => Some(Level::None),
            "available" => Some(Level::Available),
            "if_needed" => Some(Level::IfNeeded),
            _ => None,
        }
    }

    /// The API's name of the level.
    pub fn as_str(&self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Available => "available",
            Level::IfNeeded => "if_needed",
        }
    }

    fn bits(self) -> u8 {
        match self {
            Level::None => 0b00,
            Level::Available => 0b01,
            Level::IfNeeded => 0b10,
        }
    }

    /// A byte whose four slots all hold this level.
    fn fill_byte(self) -> u8 {
        self.bits() * 0b0101_0101
    }

    fn from_bits(bits: u8) -> Level {
        match bits & 0b11 {
            0b01 => Level::Available,
            0b10 => Level::IfNeeded,
            // 0b11 is never written; storage that holds it reads as none.
            _ => Level::None,
        }
    }
}

/// One change of an update: set `level` on every slot in `ranges`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    level: Level,
    ranges: Vec<[usize; 2]>,
}

impl Change {
    /// A change already checked against the grid.
    pub(super) fn checked(level: Level, ranges: Vec<[usize; 2]>) -> Change {
        Change { level, ranges }
    }

    /// The level the change sets.
    pub fn level(&self) -> Level {
        self.level
    }

    /// Sorted, non-overlapping half-open ranges within the grid.
    pub fn ranges(&self) -> &[[usize; 2]] {
        &self.ranges
    }
}

/// A valid availability update for a grid of a known length: changes
/// applied in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    changes: Vec<Change>,
}

impl Update {
    /// An update of changes already checked against the grid (see
    /// `Update::new`, with the request it is read from).
    pub(super) fn checked(changes: Vec<Change>) -> Update {
        Update { changes }
    }

    /// The changes, in the order they apply.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }
}

/// A participant's levels, one per slot, two bits each (slot `i` in bits
/// `2*(i%4)..` of byte `i/4`). Bits past `len` are always zero, so equal
/// availabilities have equal bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    bytes: Vec<u8>,
    len: usize,
}

impl Availability {
    /// `len` slots, all `none`.
    pub fn empty(len: usize) -> Availability {
        Availability {
            bytes: vec![0; len.div_ceil(4)],
            len,
        }
    }

    /// `len` slots, slot `i` at `level(i)`.
    pub fn from_fn(len: usize, mut level: impl FnMut(usize) -> Level) -> Availability {
        let mut out = Availability::empty(len);
        for (b, byte) in out.bytes.iter_mut().enumerate() {
            for k in 0..4.min(len - 4 * b) {
                *byte |= level(4 * b + k).bits() << (2 * k);
            }
        }
        out
    }

    /// Reads stored bytes for a grid of `len` slots. Tolerant: missing bytes
    /// read as `none`, extra ones are dropped, and the unused pattern `0b11`
    /// reads as `none`.
    pub fn from_bytes(bytes: &[u8], len: usize) -> Availability {
        let mut out = Availability::empty(len);
        let n = out.bytes.len().min(bytes.len());
        for (dst, &src) in out.bytes.iter_mut().zip(&bytes[..n]) {
            let both = (src >> 1) & src & 0b0101_0101;
            *dst = src & !(both | (both << 1));
        }
        if let Some(last) = out.bytes.last_mut() {
            *last &= tail_mask(len);
        }
        out
    }

    /// The packed levels, for storage.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The number of slots.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for a grid of no slots.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The level of slot `i`; `none` past the end, so that a caller holding
    /// a shorter availability than the grid never panics.
    pub fn level(&self, i: usize) -> Level {
        if i >= self.len {
            return Level::None;
        }
        Level::from_bits(self.bytes[i / 4] >> (2 * (i % 4)))
    }

    /// How many slots are not `none`.
    pub fn answered(&self) -> usize {
        self.bytes
            .iter()
            .map(|&b| ((b | (b >> 1)) & 0b0101_0101).count_ones() as usize)
            .sum()
    }

    /// The slots at `level` as sorted, non-overlapping, non-adjacent
    /// half-open ranges.
    pub fn ranges(&self, level: Level) -> Vec<[usize; 2]> {
        let fill = level.fill_byte();
        let mut out: Vec<[usize; 2]> = Vec::new();
        let mut run_start: Option<usize> = None;
        let mut i = 0;
        while i < self.len {
            // Skip whole bytes whose four slots agree: the common case.
            if i.is_multiple_of(4) && i + 4 <= self.len {
                let b = self.bytes[i / 4];
                if b == fill || (run_start.is_none() && b == 0 && level != Level::None) {
                    if b == fill && run_start.is_none() {
                        run_start = Some(i);
                    }
                    i += 4;
                    continue;
                }
            }
            match (self.level(i) == level, run_start) {
                (true, None) => run_start = Some(i),
                (false, Some(s)) => {
                    out.push([s, i]);
                    run_start = None;
                }
                _ => {}
            }
            i += 1;
        }
        if let Some(s) = run_start {
            out.push([s, self.len]);
        }
        out
    }

    /// Applies every change in order; true if the result differs from
    /// before (a repeated update returns false even though its changes
    /// overwrite each other on the way). Ranges past this availability's
    /// length are clipped (a valid [`Update`] for the same grid has none).
    pub fn apply(&mut self, update: &Update) -> bool {
        // Comparing at most 1,116 bytes is cheaper than reasoning about
        // which later change undoes which earlier one.
        let before = self.bytes.clone();
        for change in &update.changes {
            for &[start, end] in &change.ranges {
                self.fill(start, end.min(self.len), change.level);
            }
        }
        self.bytes != before
    }

    /// Sets `level` on `start..end`, a byte at a time where whole bytes are
    /// covered.
    fn fill(&mut self, start: usize, end: usize, level: Level) {
        let mut i = start;
        while i < end {
            if i.is_multiple_of(4) && i + 4 <= end {
                let full = (end - i) / 4;
                self.bytes[i / 4..i / 4 + full].fill(level.fill_byte());
                i += full * 4;
                continue;
            }
            let shift = 2 * (i % 4);
            let byte = &mut self.bytes[i / 4];
            *byte = (*byte & !(0b11 << shift)) | (level.bits() << shift);
            i += 1;
        }
    }
}

/// The mask of the last byte's bits that belong to real slots.
fn tail_mask(len: usize) -> u8 {
    match len % 4 {
        0 => 0xff,
        r => (1u8 << (2 * r)) - 1,
    }
}

#[cfg(test)]
mod tests;
