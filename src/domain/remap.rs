//! Moving answers onto a changed schedule. When the organiser edits the
//! dates, weekdays, window, slot size or zone, every participant's levels
//! move from the old grid to the new one by the time each slot covers: the
//! instant for dates, the weekday and wall time for weekdays. A new slot
//! keeps a level only when the old slots together cover it wholly and all
//! of them had that level; anything else starts as `none`. So splitting a
//! slot keeps its level in every part, merging keeps it only where the
//! parts agreed, and times the old grid never had start empty.
//!
//! The mapping depends only on the two grids, so it is worked out once per
//! edit ([`Remap::new`]) and then applied to each participant's levels
//! ([`Remap::apply`]), which only reads a few old levels per new slot.

use super::grid::{Grid, Slot};
use super::wire::MINUTES_PER_DAY;
use super::{Availability, Level};

/// How the slots of one grid map onto another's: for each new slot, the
/// old slots it takes its level from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remap {
    /// Per new slot, the half-open range of old slot indices that together
    /// cover it wholly; an empty range when they do not (the slot starts
    /// `none`).
    sources: Vec<(u32, u32)>,
    old_len: usize,
}

/// The time a grid's slots cover, on one line: seconds since the epoch for
/// dates, seconds since Monday 00:00 for weekdays. Grids of different kinds
/// share no time at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Instants,
    Week,
}

/// Where each slot of `grid` starts on its line, in index order (always
/// ascending: a dated grid's instants only grow, and weekdays run Monday
/// first), and how long every slot lasts.
fn timeline(grid: &Grid) -> (Option<Line>, Vec<i64>, i64) {
    let length = i64::from(grid.slot_minutes().get()) * 60;
    let mut line = None;
    let starts = grid
        .slots()
        .map(|slot| match slot {
            Slot::At(at) => {
                line = Some(Line::Instants);
                at.timestamp()
            }
            Slot::Weekly { weekday, minute } => {
                line = Some(Line::Week);
                let day = i64::from(weekday.num_days_from_monday());
                (day * i64::from(MINUTES_PER_DAY) + i64::from(*minute)) * 60
            }
        })
        .collect();
    (line, starts, length)
}

/// The old slots that overlap `[from, to)`, as an index range, if together
/// they cover it with no gap.
fn covering(old: &[i64], length: i64, from: i64, to: i64) -> Option<(usize, usize)> {
    // Starts ascend and every slot is as long, so the slots overlapping a
    // span are one run: those starting after `from - length` and before `to`.
    let lo = old.partition_point(|&s| s + length <= from);
    let hi = old.partition_point(|&s| s < to);
    let mut covered = from;
    for &start in old.get(lo..hi)? {
        if start > covered {
            return None;
        }
        covered = covered.max(start + length);
    }
    (lo < hi && covered >= to).then_some((lo, hi))
}

impl Remap {
    /// The mapping from `old` onto `new`.
    pub fn new(old: &Grid, new: &Grid) -> Remap {
        let (old_line, old_starts, old_length) = timeline(old);
        let (new_line, new_starts, new_length) = timeline(new);
        let same_line = old_line.is_some() && old_line == new_line;
        let sources = new_starts
            .iter()
            .map(|&start| {
                let found = if same_line {
                    covering(&old_starts, old_length, start, start + new_length)
                } else {
                    None
                };
                // Grids hold at most 4,464 slots, so indices fit in u32.
                found.map_or((0, 0), |(lo, hi)| (lo as u32, hi as u32))
            })
            .collect();
        Remap {
            sources,
            old_len: old.len(),
        }
    }

    /// The number of slots of the new grid.
    pub fn len(&self) -> usize {
        self.sources.len()
    }

    /// True when the new grid has no slots.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Whether every slot keeps its index and its level: the grids cover
    /// the same times slot for slot.
    pub fn is_identity(&self) -> bool {
        self.old_len == self.sources.len()
            && self
                .sources
                .iter()
                .enumerate()
                .all(|(i, &(lo, hi))| lo as usize == i && hi as usize == i + 1)
    }

    /// One participant's levels on the new grid.
    pub fn apply(&self, old: &Availability) -> Availability {
        Availability::from_fn(self.sources.len(), |i| {
            let (lo, hi) = self.sources[i];
            let (lo, hi) = (lo as usize, hi as usize);
            if lo == hi {
                return Level::None;
            }
            let level = old.level(lo);
            if (lo + 1..hi).all(|j| old.level(j) == level) {
                level
            } else {
                Level::None
            }
        })
    }
}

/// Where a final time of slots `start..end` of `old` lies on `new`: the run
/// of new slots that covers exactly the same time (so a split or merge of
/// its slots keeps it, renumbered), or `None` when no run of `new` does.
/// The caller checks that the run lies within one day.
pub fn final_range(old: &Grid, new: &Grid, start: usize, end: usize) -> Option<(usize, usize)> {
    let (old_line, old_starts, old_length) = timeline(old);
    let (new_line, new_starts, new_length) = timeline(new);
    if old_line.is_none() || old_line != new_line || start >= end || end > old_starts.len() {
        return None;
    }
    let first = old_starts[start];
    let last_end = old_starts[end - 1] + old_length;
    let new_start = new_starts.binary_search(&first).ok()?;
    let new_end = 1 + new_starts.binary_search(&(last_end - new_length)).ok()?;
    if new_end <= new_start {
        return None;
    }
    let spans = |starts: &[i64], length: i64| merged(starts.iter().map(|&s| (s, s + length)));
    let same = spans(&old_starts[start..end], old_length)
        == spans(&new_starts[new_start..new_end], new_length);
    same.then_some((new_start, new_end))
}

/// Ascending spans joined where they touch or overlap.
fn merged(spans: impl Iterator<Item = (i64, i64)>) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (from, to) in spans {
        match out.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => out.push((from, to)),
        }
    }
    out
}

#[cfg(test)]
mod tests;
