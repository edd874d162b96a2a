//! The results: a list of figures, each with its ratio to the baseline it
//! is compared with and, where the issue sets one, its goal. Printed as a
//! table and written as JSON under `target/bench/`.

use serde_json::{json, Value};
use std::path::Path;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Ms,
    PerSecond,
    Bytes,
    Count,
    Times,
    Cores,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Ms => "ms",
            Unit::PerSecond => "req/s",
            Unit::Bytes => "bytes",
            Unit::Count => "count",
            Unit::Times => "times",
            Unit::Cores => "cores",
        }
    }

    fn show(self, value: f64) -> String {
        match self {
            Unit::Ms => format!("{value:.2} ms"),
            Unit::PerSecond => format!("{value:.0} req/s"),
            Unit::Bytes => format!("{:.1} KB", value / 1000.0),
            Unit::Count => format!("{value:.0}"),
            Unit::Times => format!("{value:.2}×"),
            Unit::Cores => format!("{value:.2} cores"),
        }
    }
}

/// One line of the table.
pub struct Figure {
    pub section: &'static str,
    pub name: String,
    pub value: f64,
    pub unit: Unit,
    /// `value / baseline` and the baseline's name.
    pub ratio: Option<(f64, &'static str)>,
    /// The goal in words and whether this run met it.
    pub goal: Option<(String, bool)>,
    pub note: Option<String>,
}

#[derive(Default)]
pub struct Report {
    pub figures: Vec<Figure>,
    /// Everything measured, in detail, for the JSON file.
    pub details: serde_json::Map<String, Value>,
    /// What a reader of the figures must know (a busy machine, …).
    pub warnings: Vec<String>,
}

impl Report {
    pub fn add(
        &mut self,
        section: &'static str,
        name: impl Into<String>,
        value: f64,
        unit: Unit,
    ) -> &mut Figure {
        self.figures.push(Figure {
            section,
            name: name.into(),
            value,
            unit,
            ratio: None,
            goal: None,
            note: None,
        });
        self.figures.last_mut().expect("just pushed")
    }

    pub fn detail(&mut self, key: &str, value: Value) {
        self.details.insert(key.to_string(), value);
    }

    pub fn goals(&self) -> (usize, usize) {
        let goals: Vec<bool> = self
            .figures
            .iter()
            .filter_map(|f| f.goal.as_ref().map(|g| g.1))
            .collect();
        (goals.iter().filter(|m| **m).count(), goals.len())
    }

    pub fn print(&self) {
        let rows: Vec<[String; 5]> = self
            .figures
            .iter()
            .map(|f| {
                let mut name = format!("{}: {}", f.section, f.name);
                if let Some(note) = &f.note {
                    name.push_str(&format!(" ({note})"));
                }
                [
                    name,
                    f.unit.show(f.value),
                    f.ratio
                        .map(|(r, to)| format!("{r:.2}× {to}"))
                        .unwrap_or_default(),
                    f.goal.as_ref().map(|g| g.0.clone()).unwrap_or_default(),
                    match &f.goal {
                        Some((_, true)) => "yes".into(),
                        Some((_, false)) => "NO".into(),
                        None => String::new(),
                    },
                ]
            })
            .collect();
        let header = ["figure", "value", "ratio to baseline", "goal", "met?"];
        let width = |i: usize| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..5).map(width).collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    let pad = w - c.chars().count();
                    if i == 1 {
                        format!("{}{c}", " ".repeat(pad))
                    } else {
                        format!("{c}{}", " ".repeat(pad))
                    }
                })
                .collect();
            println!("| {} |", padded.join(" | "));
        };
        line(&header.map(String::from));
        println!(
            "|{}|",
            widths
                .iter()
                .map(|w| "-".repeat(w + 2))
                .collect::<Vec<_>>()
                .join("|")
        );
        for row in &rows {
            line(row);
        }
        let (met, all) = self.goals();
        println!("\ngoals met: {met} of {all}");
        for w in &self.warnings {
            println!("WARNING: {w}");
        }
    }

    pub fn to_json(&self, started_at: &str) -> Value {
        let figures: Vec<Value> = self
            .figures
            .iter()
            .map(|f| {
                json!({
                    "section": f.section,
                    "figure": f.name,
                    "value": f.value,
                    "unit": f.unit.name(),
                    "ratio_to_baseline": f.ratio.map(|r| r.0),
                    "baseline": f.ratio.map(|r| r.1),
                    "goal": f.goal.as_ref().map(|g| g.0.clone()),
                    "met": f.goal.as_ref().map(|g| g.1),
                    "note": f.note,
                })
            })
            .collect();
        let (met, all) = self.goals();
        json!({
            "started_at": started_at,
            "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            "goals_met": met,
            "goals": all,
            "figures": figures,
            "warnings": self.warnings,
            "details": self.details,
        })
    }

    /// Writes `results.json` and a copy named after the start time.
    pub fn write(&self, dir: &Path, started_at: &str) -> std::io::Result<Vec<String>> {
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_string_pretty(&self.to_json(started_at)).expect("serialise");
        let stamp: String = started_at
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut written = Vec::new();
        for name in ["results.json".to_string(), format!("results-{stamp}.json")] {
            let path = dir.join(name);
            std::fs::write(&path, &text)?;
            written.push(path.display().to_string());
        }
        Ok(written)
    }
}

impl Figure {
    pub fn ratio(&mut self, baseline: f64, name: &'static str) -> &mut Figure {
        if baseline > 0.0 {
            self.ratio = Some((self.value / baseline, name));
        }
        self
    }

    pub fn goal(&mut self, text: impl Into<String>, met: bool) -> &mut Figure {
        self.goal = Some((text.into(), met));
        self
    }

    pub fn note(&mut self, note: impl Into<String>) -> &mut Figure {
        self.note = Some(note.into());
        self
    }
}
