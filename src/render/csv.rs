//! Everyone's availability as a spreadsheet: one row per slot (its start
//! in the appointment's zone), one column per participant, then how many
//! are available and how many only if needed. UTF-8 with a byte-order mark
//! so that spreadsheet apps read Korean names, CRLF line ends and RFC 4180
//! quoting; a name that a spreadsheet would run as a formula is defused.
//! Its own words (the header's and the levels') are English, the API's,
//! or Korean, the page's, as [`FileLang`] asks.
//!
//! The file is produced in chunks of rows, so the largest one (4,464 rows
//! of 1,000 people, tens of megabytes) never sits in memory whole.

use std::borrow::Cow;

use crate::domain::view::FileLang;
use crate::domain::{Availability, Days, Grid, Level, Schedule};

/// Rows per chunk: for 1,000 participants, well under a megabyte.
const ROWS_PER_CHUNK: usize = 64;

/// The byte-order mark spreadsheet apps look for to read UTF-8.
const BOM: &str = "\u{FEFF}";

/// The file's own words in one language: the first column's name (before
/// the zone), the two levels (also the names of their count columns) and
/// the weekdays, Monday first.
struct Words {
    start: &'static str,
    available: &'static str,
    if_needed: &'static str,
    weekdays: [&'static str; 7],
}

/// The words of `lang`: English as the API names things, Korean as the
/// page says them.
fn words(lang: FileLang) -> &'static Words {
    const EN: Words = Words {
        start: "start",
        available: "available",
        if_needed: "if_needed",
        weekdays: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    };
    const KO: Words = Words {
        start: "시작",
        available: "가능",
        if_needed: "필요하면 가능",
        weekdays: ["월", "화", "수", "목", "금", "토", "일"],
    };
    match lang {
        FileLang::En => &EN,
        FileLang::Ko => &KO,
    }
}

/// The availability file, as an iterator of chunks of its bytes.
pub struct AvailabilityCsv {
    words: &'static Words,
    header: String,
    labels: Vec<String>,
    levels: Vec<Availability>,
    next_row: usize,
    started: bool,
}

impl AvailabilityCsv {
    /// The file for a schedule laid out on `grid`, with each participant's
    /// name and levels, in the order they joined, with the words of `lang`.
    pub fn new(
        schedule: &Schedule,
        grid: &Grid,
        people: Vec<(String, Availability)>,
        lang: FileLang,
    ) -> Self {
        let words = words(lang);
        let start = format!("{} ({})", words.start, schedule.zone().name());
        let mut header = cell(&start).into_owned();
        let (names, levels): (Vec<String>, Vec<Availability>) = people.into_iter().unzip();
        for name in &names {
            header.push(',');
            header.push_str(&cell(name));
        }
        header.push_str(&format!(",{},{}\r\n", words.available, words.if_needed));
        AvailabilityCsv {
            words,
            header,
            labels: slot_labels(schedule, grid, lang),
            levels,
            next_row: 0,
            started: false,
        }
    }

    /// The whole file at once (for small files and tests).
    pub fn into_bytes(self) -> Vec<u8> {
        self.flatten().collect()
    }

    fn row(&self, i: usize, out: &mut String) {
        out.push_str(&cell(&self.labels[i]));
        let (mut available, mut if_needed) = (0, 0);
        for levels in &self.levels {
            out.push(',');
            match levels.level(i) {
                Level::Available => {
                    available += 1;
                    out.push_str(self.words.available);
                }
                Level::IfNeeded => {
                    if_needed += 1;
                    out.push_str(self.words.if_needed);
                }
                Level::None => {}
            }
        }
        out.push_str(&format!(",{available},{if_needed}\r\n"));
    }
}

impl Iterator for AvailabilityCsv {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        let mut out = String::new();
        if !self.started {
            self.started = true;
            out.push_str(BOM);
            out.push_str(&self.header);
        } else if self.next_row >= self.labels.len() {
            return None;
        }
        let end = (self.next_row + ROWS_PER_CHUNK).min(self.labels.len());
        // About ten bytes a cell.
        out.reserve((end - self.next_row) * (24 + 10 * self.levels.len()));
        for i in self.next_row..end {
            self.row(i, &mut out);
        }
        self.next_row = end;
        Some(out.into_bytes())
    }
}

/// Where each slot starts, as a person reads it in the appointment's zone:
/// `2026-12-01 09:00` for dates, `mon 09:00` (`월 09:00` in Korean) for
/// weekdays.
pub fn slot_labels(schedule: &Schedule, grid: &Grid, lang: FileLang) -> Vec<String> {
    let weekdays = &words(lang).weekdays;
    let time = |i: usize| {
        let minute = grid.minute_of(i);
        format!("{:02}:{:02}", minute / 60, minute % 60)
    };
    (0..grid.len())
        .map(|i| match schedule.days() {
            Days::Dates(dates) => format!("{} {}", dates[grid.day_of(i)], time(i)),
            Days::Weekdays(days) => {
                let day = weekdays[days[grid.day_of(i)].num_days_from_monday() as usize];
                format!("{day} {}", time(i))
            }
        })
        .collect()
}

/// One field: text a spreadsheet would take for a formula (starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`,
/// and a field holding a quote, comma or line break is quoted, its quotes
/// doubled (RFC 4180).
pub fn cell(text: &str) -> Cow<'_, str> {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if defused.contains(['"', ',', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", defused.replace('"', "\"\"")))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schedule(body: serde_json::Value) -> (Schedule, Grid) {
        let schedule = Schedule::parse_stored(&body).unwrap();
        let grid = Grid::new(&schedule);
        (schedule, grid)
    }

    fn levels(list: &[Level]) -> Availability {
        Availability::from_fn(list.len(), |i| list[i])
    }

    fn text(csv: AvailabilityCsv) -> String {
        String::from_utf8(csv.into_bytes()).unwrap()
    }

    #[test]
    fn each_slot_is_a_row_each_person_a_column_then_the_counts() {
        let (s, g) = schedule(json!({"timezone": "Asia/Seoul", "dates": ["2026-12-01"],
                                     "start": "09:00", "end": "10:30"}));
        let people = vec![
            (
                "민상연".to_string(),
                levels(&[Level::Available, Level::IfNeeded, Level::None]),
            ),
            (
                "Bo".to_string(),
                levels(&[Level::Available, Level::None, Level::None]),
            ),
        ];
        assert_eq!(
            text(AvailabilityCsv::new(&s, &g, people, FileLang::En)),
            "\u{FEFF}start (Asia/Seoul),민상연,Bo,available,if_needed\r\n\
             2026-12-01 09:00,available,available,2,0\r\n\
             2026-12-01 09:30,if_needed,,0,1\r\n\
             2026-12-01 10:00,,,0,0\r\n"
        );
    }

    #[test]
    fn weekly_slots_are_named_by_day_and_wall_time() {
        let (s, g) = schedule(
            json!({"timezone": "America/New_York", "weekdays": ["fri", "mon"],
                                     "start": "23:00", "end": "24:00", "slot_minutes": 60}),
        );
        assert_eq!(
            slot_labels(&s, &g, FileLang::En),
            ["mon 23:00", "fri 23:00"]
        );
        assert_eq!(
            text(AvailabilityCsv::new(&s, &g, Vec::new(), FileLang::En)),
            "\u{FEFF}start (America/New_York),available,if_needed\r\nmon 23:00,0,0\r\nfri 23:00,0,0\r\n"
        );
    }

    #[test]
    fn in_korean_the_header_levels_and_weekdays_are_the_pages_words() {
        let (s, g) = schedule(json!({"timezone": "Asia/Seoul", "weekdays": ["tue", "sun"],
                                     "start": "09:00", "end": "10:00", "slot_minutes": 60}));
        let people = vec![(
            "민지".to_string(),
            levels(&[Level::Available, Level::IfNeeded]),
        )];
        assert_eq!(
            text(AvailabilityCsv::new(&s, &g, people, FileLang::Ko)),
            "\u{FEFF}시작 (Asia/Seoul),민지,가능,필요하면 가능\r\n\
             화 09:00,가능,1,0\r\n\
             일 09:00,필요하면 가능,0,1\r\n"
        );
    }

    #[test]
    fn a_day_that_skips_an_hour_has_a_row_for_each_time_it_has() {
        let (s, g) = schedule(
            json!({"timezone": "America/New_York", "dates": ["2026-03-08"],
                                     "start": "01:00", "end": "04:00", "slot_minutes": 60}),
        );
        assert_eq!(
            slot_labels(&s, &g, FileLang::En),
            ["2026-03-08 01:00", "2026-03-08 03:00"]
        );
    }

    #[test]
    fn formulas_are_defused_and_fields_quoted_as_rfc_4180_says() {
        assert_eq!(cell("Kim"), "Kim");
        assert_eq!(cell("=1+2"), "'=1+2");
        assert_eq!(cell("+82 10"), "'+82 10");
        assert_eq!(cell("-x"), "'-x");
        assert_eq!(cell("@sum"), "'@sum");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("Kim, Jr."), "\"Kim, Jr.\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("a\nb"), "\"a\nb\"");
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(cell("김=1"), "김=1");
    }

    #[test]
    fn a_large_file_comes_in_chunks_of_whole_rows() {
        let dates: Vec<String> = (1..=31).map(|d| format!("2026-12-{d:02}")).collect();
        let (s, g) = schedule(json!({"timezone": "UTC", "dates": dates, "start": "00:00",
                                     "end": "24:00", "slot_minutes": 10}));
        let people: Vec<(String, Availability)> = (0..50)
            .map(|n| {
                (
                    format!("P{n}"),
                    Availability::from_fn(g.len(), |_| Level::Available),
                )
            })
            .collect();
        let chunks: Vec<Vec<u8>> = AvailabilityCsv::new(&s, &g, people, FileLang::En).collect();
        assert_eq!(chunks.len(), 4464usize.div_ceil(ROWS_PER_CHUNK));
        assert!(chunks.iter().all(|c| c.ends_with(b"\r\n")));
        let all = String::from_utf8(chunks.concat()).unwrap();
        assert_eq!(all.split("\r\n").count(), 1 + 4464 + 1);
        let last = format!("2026-12-31 23:50,{},50,0\r\n", ["available"; 50].join(","));
        assert!(all.ends_with(&last));
    }
}
