//! Free-text inputs: the appointment title, a participant's name and their
//! optional password. Each newtype can only be built by `parse`, so a value
//! of the type is proof the text met the rules.

use std::fmt;

use caseless::default_case_fold_str;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};
use unicode_security::skeleton;

use super::DomainError;

/// The most code points a title may have.
pub const TITLE_MAX: usize = 100;
/// The most code points a participant name may have.
pub const NAME_MAX: usize = 50;
/// The fewest code points a password may have.
pub const PASSWORD_MIN: usize = 4;
/// The most code points a password may have.
pub const PASSWORD_MAX: usize = 128;

/// Trims `raw` and checks it is 1..=`max` code points with no control
/// characters; `what` names the field in the message.
fn clean_line(raw: &str, what: &str, max: usize) -> Result<String, String> {
    let trimmed = raw.trim();
    let len = trimmed.chars().count();
    if len == 0 {
        return Err(format!("{what} must not be empty"));
    }
    if len > max {
        return Err(format!(
            "{what} must be 1–{max} characters (this one has {len})"
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(format!(
            "{what} must not contain control characters such as line breaks or tabs"
        ));
    }
    Ok(trimmed.to_owned())
}

/// An appointment title: trimmed, 1–100 code points, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Title(String);

impl Title {
    /// Parses a title as typed by the organiser.
    pub fn parse(raw: &str) -> Result<Title, DomainError> {
        clean_line(raw, "title", TITLE_MAX)
            .map(Title)
            .map_err(DomainError::InvalidTitle)
    }

    /// The trimmed title.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `c` is a bidirectional embedding, override or isolate control
/// (U+202A–U+202E, U+2066–U+2069). They reorder the text around them, so
/// a name holding one can be made to display as another name.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` (already NFKC-normalised) puts something on screen: it is
/// a letter, number, punctuation mark or symbol, and so is what UTS #39
/// says it looks like. The second half is what refuses the default-ignorable
/// letters — Hangul fillers such as U+3164 have no look at all — and blank
/// symbols such as U+2800 (braille blank), which looks like a space. Marks
/// are left out even where their look-alike is a letter (U+3099 looks like
/// a half-width dakuten), because alone they only draw on a dotted circle.
fn is_visible(c: char) -> bool {
    fn lnps(c: char) -> bool {
        matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter
                | GeneralCategoryGroup::Number
                | GeneralCategoryGroup::Punctuation
                | GeneralCategoryGroup::Symbol
        )
    }
    let mut buf = [0; 4];
    lnps(c) && skeleton(c.encode_utf8(&mut buf)).any(lnps)
}

/// A participant's display name: trimmed, 1–50 code points, no control
/// characters, no bidirectional controls and at least one visible
/// character. Uniqueness within an appointment is equality of
/// [`Self::key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantName(String);

impl ParticipantName {
    /// Parses a name as typed by a participant.
    pub fn parse(raw: &str) -> Result<ParticipantName, DomainError> {
        let name = clean_line(raw, "name", NAME_MAX).map_err(DomainError::InvalidName)?;
        if name.chars().any(is_bidi_control) {
            return Err(DomainError::InvalidName(
                "name must not contain text-direction controls (U+202A–U+202E, U+2066–U+2069); \
                 they are invisible and often come along when text is pasted, so type the name \
                 instead"
                    .into(),
            ));
        }
        if !name.nfkc().any(is_visible) {
            return Err(DomainError::InvalidName(
                "name must contain at least one visible letter, number, punctuation mark or \
                 symbol; spaces, invisible characters and accents alone do not count"
                    .into(),
            ));
        }
        Ok(ParticipantName(name))
    }

    /// The trimmed name, as the participant typed it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical key of this name; see [`name_key`].
    pub fn key(&self) -> String {
        name_key(&self.0)
    }

    /// The key of a name stored before the current rules (it is not
    /// parsed again: it passed the rules of its day).
    pub fn key_of(stored: &str) -> String {
        name_key(stored)
    }
}

impl fmt::Display for ParticipantName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The canonical key of a participant name: two names are one
/// participant exactly when their keys are equal, so the answer never
/// depends on who joined first.
///
/// It starts from the NFKC form, so full-width `Ｋｉｍ` and mathematical
/// `𝐊𝐢𝐦` become `Kim`, then takes each character (decomposed) to one
/// prototype by case folding and the UTS #39 confusable skeleton, which
/// maps look-alikes such as Cyrillic `К` to Latin `K` and drops
/// default-ignorable code points (zero-width characters, the BOM, the soft
/// hyphen, LRM, Hangul fillers, variation selectors, tag characters).
///
/// Folding and the skeleton disagree on a few capitals, and neither order
/// alone gives one key to what looks alike: folding first turns Cyrillic
/// `К` into `к`, whose prototype is `ĸ` (kra), not `k`; the skeleton first
/// turns capital `I` into `l`, so `KIM` would miss `Kim`. So each
/// character takes the fold's prototype, unless only the other order
/// reaches a Latin (ASCII) prototype: `I` → `i`, `К` → `k`, `Κ` → `k`.
/// Each character has one prototype, so the key is a function of the name
/// and equal keys are an equivalence.
///
/// The key depends on the Unicode data of `unicode-security`, `caseless`
/// and `unicode-normalization`: stored keys must be recomputed from the
/// stored names whenever those crates are upgraded.
pub fn name_key(name: &str) -> String {
    // A prototype may itself fold or have a prototype (the skeleton of
    // `0` is `O`, which folds to `o`): map again until nothing changes, so
    // the key of a key is itself. Two rounds settle every name seen; the
    // bound only keeps a pathological one from looping.
    let mut key = prototypes(name);
    for _ in 0..8 {
        let next = prototypes(&key);
        if next == key {
            break;
        }
        key = next;
    }
    key
}

/// One round of [`name_key`]: every character of the NFKC form to its
/// prototype, in NFD.
fn prototypes(name: &str) -> String {
    let mut key = String::new();
    for c in name.nfkc().collect::<String>().nfd() {
        let mut buf = [0; 4];
        let c = c.encode_utf8(&mut buf);
        let folded: String = skeleton(&default_case_fold_str(c)).collect();
        if folded.is_ascii() {
            key.push_str(&folded);
            continue;
        }
        let shaped: String =
            skeleton(&default_case_fold_str(&skeleton(c).collect::<String>())).collect();
        key.push_str(if shaped.is_ascii() { &shaped } else { &folded });
    }
    key.nfd().collect()
}

/// The name every file of an appointment is saved under, before its
/// extension (`동아리 회의.csv`, `.ics`, `.png`, `.svg`): the title with
/// each run of characters a file name cannot hold (controls, format
/// characters, `\ / : * ? " < > |`) and of white space made one space,
/// no spaces or dots at either end, at most 80 code points; `언제볼까` when
/// nothing is left. One rule for the server's downloads and the page's.
pub fn file_stem(title: &str) -> String {
    let unfit = |c: char| {
        c.is_whitespace()
            || matches!(
                c.general_category(),
                GeneralCategory::Control | GeneralCategory::Format
            )
            || r#"\/:*?"<>|"#.contains(c)
    };
    let mut stem = String::new();
    for c in title.chars() {
        if !unfit(c) {
            stem.push(c);
        } else if !stem.ends_with(' ') {
            stem.push(' ');
        }
    }
    let stem: String = stem
        .trim_matches([' ', '.'])
        .chars()
        .take(80)
        .collect::<String>()
        .trim_end_matches([' ', '.'])
        .to_string();
    if stem.is_empty() {
        "언제볼까".to_string()
    } else {
        stem
    }
}

/// A participant's password, 4–128 code points counted after trimming.
/// The value is kept exactly as sent (a space at the end is part of the
/// secret) and never shows up in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Parses a password; only its length is checked.
    pub fn parse(raw: &str) -> Result<Password, DomainError> {
        let len = raw.trim().chars().count();
        if !(PASSWORD_MIN..=PASSWORD_MAX).contains(&len) {
            return Err(DomainError::InvalidPassword(format!(
                "password must be {PASSWORD_MIN}–{PASSWORD_MAX} characters (this one has {len})"
            )));
        }
        Ok(Password(raw.to_owned()))
    }

    /// The password exactly as sent, for hashing.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(c: char, n: usize) -> String {
        std::iter::repeat_n(c, n).collect()
    }

    #[test]
    fn title_is_trimmed() {
        assert_eq!(
            Title::parse("  동아리 회의 \n").unwrap().as_str(),
            "동아리 회의"
        );
    }

    #[test]
    fn title_of_one_and_of_100_code_points_is_accepted() {
        assert!(Title::parse("a").is_ok());
        // Hangul is 3 bytes in UTF-8: the limit counts code points, not bytes.
        assert!(Title::parse(&chars('회', 100)).is_ok());
    }

    #[test]
    fn title_of_101_code_points_is_rejected() {
        let err = Title::parse(&chars('회', 101)).unwrap_err();
        assert_eq!(err.code(), "invalid_title");
        assert_eq!(err.field(), Some("title"));
        assert!(err.to_string().contains("1–100"), "{err}");
    }

    #[test]
    fn empty_or_blank_title_is_rejected() {
        assert_eq!(Title::parse("").unwrap_err().code(), "invalid_title");
        assert_eq!(Title::parse(" \t\n ").unwrap_err().code(), "invalid_title");
    }

    #[test]
    fn title_with_inner_control_character_is_rejected() {
        for raw in ["a\nb", "a\tb", "a\u{7f}b", "a\u{0}b", "a\u{85}b"] {
            assert_eq!(Title::parse(raw).unwrap_err().code(), "invalid_title");
        }
    }

    #[test]
    fn title_with_format_characters_that_are_not_cc_is_accepted() {
        // Zero-width joiner (Cf) is used in emoji sequences; only Cc is banned.
        assert!(Title::parse("👩\u{200d}💻 모임").is_ok());
    }

    #[test]
    fn title_length_is_counted_after_trimming() {
        let padded = format!("   {}   ", chars('a', 100));
        assert_eq!(Title::parse(&padded).unwrap().as_str().len(), 100);
    }

    #[test]
    fn name_of_one_and_of_50_code_points_is_accepted() {
        assert!(ParticipantName::parse("민").is_ok());
        assert!(ParticipantName::parse(&chars('민', 50)).is_ok());
    }

    #[test]
    fn name_of_51_code_points_or_empty_is_rejected() {
        let err = ParticipantName::parse(&chars('민', 51)).unwrap_err();
        assert_eq!(err.code(), "invalid_name");
        assert_eq!(err.field(), Some("name"));
        assert_eq!(
            ParticipantName::parse("   ").unwrap_err().code(),
            "invalid_name"
        );
    }

    #[test]
    fn name_with_control_character_is_rejected() {
        assert_eq!(
            ParticipantName::parse("a\u{1b}b").unwrap_err().code(),
            "invalid_name"
        );
    }

    #[test]
    fn name_with_a_bidirectional_control_is_rejected() {
        for raw in [
            "Kim\u{202e}",
            "\u{2066}Kim",
            "\u{202a}Kim",
            "K\u{202b}im",
            "K\u{202c}im",
            "K\u{202d}im",
            "Ki\u{2067}m",
            "Ki\u{2068}m",
            "Kim\u{2069}",
        ] {
            let err = ParticipantName::parse(raw).unwrap_err();
            assert_eq!(err.code(), "invalid_name", "{raw:?}");
            assert!(err.to_string().contains("text-direction"), "{raw:?}: {err}");
        }
    }

    #[test]
    fn name_with_no_visible_character_is_rejected() {
        for raw in [
            "\u{200b}\u{200b}\u{200b}", // zero-width spaces
            "\u{200d}\u{feff}\u{2060}", // joiner, BOM, word joiner
            "\u{301}",                  // a lone combining acute accent
            "\u{3099}",                 // a lone combining dakuten
            "\u{3164}",                 // Hangul filler
            "\u{115f}",                 // Hangul choseong filler
            "\u{1160}",                 // Hangul jungseong filler
            "\u{ffa0}",                 // half-width Hangul filler
            "\u{3164}\u{3164}\u{115f}\u{1160}",
            "\u{ad}",                   // soft hyphen
            "\u{fe0f}",                 // variation selector
            "\u{e0041}\u{e007f}",       // tag characters
            "\u{2800}",                 // braille blank: a symbol that looks like a space
            "\u{3000}\u{200b}\u{3000}", // ideographic spaces around a zero-width space
            "\u{b4}",                   // spacing acute accent: NFKC makes it space + mark
        ] {
            let err = ParticipantName::parse(raw).unwrap_err();
            assert_eq!(err.code(), "invalid_name", "{raw:?}");
            assert!(err.to_string().contains("visible"), "{raw:?}: {err}");
        }
    }

    #[test]
    fn name_with_one_visible_character_among_invisible_ones_is_accepted() {
        for raw in [
            "\u{200b}K\u{200b}",
            "\u{3164}김",
            "e\u{301}",
            ".",
            "★",
            "😀",
            "7",
        ] {
            assert!(ParticipantName::parse(raw).is_ok(), "{raw:?}");
        }
    }

    fn key(raw: &str) -> String {
        ParticipantName::parse(raw)
            .unwrap_or_else(|e| panic!("{raw:?} should be a valid name: {e}"))
            .key()
    }

    fn meet(x: &str, y: &str) -> bool {
        key(x) == key(y)
    }

    /// The contract's names that are one name, whichever joins first.
    const ONE_NAME: [&str; 10] = [
        "Kim",
        "KIM",
        "kim",
        "\u{41a}IM",                   // Cyrillic К
        "\u{39a}IM",                   // Greek Κ
        "\u{41a}\u{406}\u{41c}",       // Cyrillic К, І, М
        "\u{41a}im",                   // Cyrillic К
        "\u{ff2b}\u{ff49}\u{ff4d}",    // full-width
        "\u{1d40a}\u{1d422}\u{1d426}", // mathematical bold
        "Ki\u{200b}m",                 // zero-width space
    ];

    /// The contract's names that stay distinct from those and each other.
    const DISTINCT: [&str; 7] = ["Kin", "Jim", "Tim", "Kimberly", "\u{ae40}", "Lee", "Lea"];

    #[test]
    fn the_contracts_look_alikes_share_one_key_and_its_distinct_names_do_not() {
        let kim = key("Kim");
        for raw in ONE_NAME {
            assert_eq!(key(raw), kim, "{raw:?}");
        }
        let mut keys: Vec<String> = DISTINCT.iter().map(|raw| key(raw)).collect();
        keys.push(kim);
        let count = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), count, "all distinct: {keys:?}");
    }

    #[test]
    fn name_keys_ignore_case_and_the_name_is_shown_as_typed() {
        assert!(meet("Kim", " kIM "));
        assert_eq!(ParticipantName::parse(" kIM ").unwrap().as_str(), "kIM");
    }

    #[test]
    fn name_keys_ignore_unicode_composition() {
        // "한" precomposed vs. as three conjoining jamo.
        assert!(meet("\u{d55c}", "\u{1112}\u{1161}\u{11ab}"));
        assert!(meet("\u{c9}", "e\u{301}"));
    }

    #[test]
    fn look_alikes_of_an_existing_name_are_that_name() {
        let look_alikes = [
            ("Kim", "the name itself"),
            ("KIM", "upper case"),
            ("kim", "lower case"),
            ("kIm", "mixed case"),
            ("\u{41a}im", "Cyrillic capital Ka"),
            ("\u{41a}\u{406}M", "Cyrillic capitals"),
            ("\u{39a}\u{399}\u{39c}", "Greek capitals"),
            ("K\u{456}m", "Cyrillic small i"),
            ("K\u{131}m", "dotless i"),
            ("\u{212a}im", "Kelvin sign"),
            ("K\u{2170}m", "small Roman numeral one"),
            ("\u{ff2b}\u{ff49}\u{ff4d}", "full-width"),
            ("\u{ff2b}\u{ff29}\u{ff2d}", "full-width upper case"),
            ("\u{1d40a}\u{1d422}\u{1d426}", "mathematical bold"),
            ("\u{1d43e}\u{1d456}\u{1d45a}", "mathematical italic"),
            ("\u{1d542}\u{1d55a}\u{1d55e}", "mathematical double-struck"),
            ("\u{1d5aa}\u{1d5c2}\u{1d5c6}", "mathematical sans-serif"),
            ("\u{1d67a}\u{1d692}\u{1d696}", "mathematical monospace"),
            ("Kirn", "r n drawn close looks like m"),
            ("Ki\u{200b}m", "zero-width space"),
            ("K\u{200c}im", "zero-width non-joiner"),
            ("Ki\u{200d}m", "zero-width joiner"),
            ("Ki\u{2060}m", "word joiner"),
            ("\u{feff}Kim", "byte order mark"),
            ("Ki\u{ad}m", "soft hyphen"),
            ("K\u{200e}im", "left-to-right mark"),
            ("Kim\u{fe0f}", "variation selector"),
            ("Ki\u{e0100}m", "ideographic variation selector"),
            ("Kim\u{e0041}\u{e007f}", "tag characters"),
            ("Ki\u{34f}m", "combining grapheme joiner"),
            ("K\u{180e}im", "Mongolian vowel separator"),
            ("Ki\u{3164}m", "Hangul filler"),
            (
                "\u{41a}\u{200b}\u{456}\u{ad}\u{ff4d}",
                "Cyrillic, full-width and invisible at once",
            ),
        ];
        let missed: Vec<_> = look_alikes
            .iter()
            .filter(|(raw, _)| !meet(raw, "Kim"))
            .collect();
        assert!(missed.is_empty(), "these should meet Kim: {missed:?}");
    }

    #[test]
    fn names_that_look_different_stay_distinct() {
        for other in [
            "Kin", "Jim", "Kimberly", "Tim", "Kai", "Ki m", "Kim2", "\u{ae40}", "Klm", "Al",
        ] {
            assert!(!meet(other, "Kim"), "{other:?} should not meet Kim");
        }
        assert!(!meet("Ai", "Al"), "capital I is i, so Ai is not Al");
        assert!(!meet("\u{ae40}", "\u{bc15}"), "김 and 박");
        assert!(
            !meet("\u{bbfc}\u{c218}", "\u{bbfc}\u{c11c}"),
            "민수 and 민서"
        );
    }

    #[test]
    fn each_character_takes_one_prototype_where_fold_and_skeleton_disagree() {
        // Capital I folds to i (the skeleton alone would make it l);
        // Cyrillic and Greek capital Ka become k (folding alone, ĸ).
        assert_eq!(key("Kim"), "kirn");
        assert_eq!(key("KIM"), "kirn");
        assert_eq!(key("\u{41a}im"), "kirn");
        assert_eq!(key("\u{39a}IM"), "kirn");
        assert_eq!(key("KlM"), "klrn");
        // A small Cyrillic ka looks like a kra, not like k.
        assert_eq!(key("\u{43a}im"), "\u{138}irn");
    }

    #[test]
    fn hangul_final_and_initial_consonant_meet_the_double_initial() {
        // The skeleton works on conjoining jamo and does not see syllable
        // blocks: 익기 (ik-gi) and 이끼 (i-kki) both become 이ᄀ기.
        // This follows from the spec's use of UTS #39.
        assert!(meet("\u{c775}\u{AE30}", "\u{c774}\u{b07c}"));
    }

    #[test]
    fn password_of_4_and_of_128_code_points_is_accepted() {
        assert!(Password::parse("abcd").is_ok());
        assert!(Password::parse(&chars('비', 128)).is_ok());
    }

    #[test]
    fn password_of_3_or_129_code_points_is_rejected() {
        for raw in [chars('a', 3), chars('비', 129)] {
            let err = Password::parse(&raw).unwrap_err();
            assert_eq!(err.code(), "invalid_password");
            assert_eq!(err.field(), Some("password"));
        }
    }

    #[test]
    fn password_length_is_counted_after_trimming_but_value_is_kept_as_sent() {
        assert!(Password::parse("  abc  ").is_err());
        assert_eq!(Password::parse(" abcd ").unwrap().as_str(), " abcd ");
    }

    #[test]
    fn password_debug_output_hides_the_secret() {
        let p = Password::parse("hunter22").unwrap();
        assert_eq!(format!("{p:?}"), "Password(..)");
    }

    /// Zero-width characters a name can carry without showing them.
    const ZERO_WIDTH: [char; 5] = ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'];

    /// `c` as full-width (style 1) or mathematical bold (style 2); ASCII
    /// letters and digits have both.
    fn restyle(c: char, style: u8) -> char {
        let offset = match (style, c) {
            (1, _) => 0xfee0,
            (2, 'A'..='Z') => 0x1d400 - 'A' as u32,
            (2, 'a'..='z') => 0x1d41a - 'a' as u32,
            (2, '0'..='9') => 0x1d7ce - '0' as u32,
            _ => 0,
        };
        char::from_u32(c as u32 + offset).unwrap()
    }

    /// Open Hangul syllables (no final consonant) with a single initial.
    /// The skeleton does not see syllable blocks, so a final consonant
    /// followed by the same initial meets the double initial (익기, 이끼);
    /// without finals and double initials every string of these syllables
    /// has keys of its own.
    fn open_syllables() -> Vec<char> {
        const DOUBLE_INITIALS: [u32; 5] = [1, 4, 8, 10, 13];
        (0..19)
            .filter(|l| !DOUBLE_INITIALS.contains(l))
            .flat_map(|l| (0..21).map(move |v| char::from_u32(0xac00 + (l * 21 + v) * 28).unwrap()))
            .collect()
    }

    /// Joins `names` in order to an appointment that is a map from key to
    /// the first name with it: the names that became participants.
    fn join_all(names: &[&str]) -> Vec<String> {
        let mut by_key: Vec<(String, String)> = Vec::new();
        for raw in names {
            let k = key(raw);
            if !by_key.iter().any(|(known, _)| *known == k) {
                by_key.push((k, raw.to_string()));
            }
        }
        by_key.into_iter().map(|(_, name)| name).collect()
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn the_contracts_names_are_one_participant_in_every_join_order(
            order in proptest::strategy::Just((0..ONE_NAME.len() + DISTINCT.len()).collect::<Vec<_>>())
                .prop_shuffle(),
        ) {
            let all: Vec<&str> = ONE_NAME.iter().chain(DISTINCT.iter()).copied().collect();
            let names: Vec<&str> = order.iter().map(|&i| all[i]).collect();
            let joined = join_all(&names);
            proptest::prop_assert_eq!(joined.len(), 1 + DISTINCT.len(), "{:?}", joined);
            let first = names.iter().find(|n| ONE_NAME.contains(n)).unwrap();
            proptest::prop_assert!(joined.iter().any(|n| n == first));
        }

        #[test]
        fn the_key_is_idempotent(raw in "\\PC{1,50}|[A-Za-z\u{400}-\u{4ff}\u{370}-\u{3ff}]{1,20}") {
            let k = name_key(&raw);
            proptest::prop_assert_eq!(name_key(&k), k.clone(), "{:?}", raw);
            proptest::prop_assert!(unicode_normalization::is_nfd(&k));
        }

        #[test]
        fn zero_width_characters_anywhere_leave_the_key_unchanged(
            base in "[A-Za-z0-9가-힣]{1,20}",
            inserts in proptest::collection::vec((0usize..64, proptest::sample::select(ZERO_WIDTH.to_vec())), 1..20),
        ) {
            let mut padded: Vec<char> = base.chars().collect();
            for (at, zw) in inserts {
                padded.insert(at % (padded.len() + 1), zw);
            }
            let padded: String = padded.into_iter().collect();
            proptest::prop_assert_eq!(key(&padded), key(&base));
        }

        #[test]
        fn full_width_and_bold_letters_and_digits_leave_the_key_unchanged(
            letters in proptest::collection::vec(("[A-Za-z0-9]", 0u8..3), 1..20),
        ) {
            let plain: String = letters.iter().map(|(c, _)| c.as_str()).collect();
            let styled: String = letters
                .iter()
                .map(|(c, style)| restyle(c.chars().next().unwrap(), *style))
                .collect();
            proptest::prop_assert_eq!(key(&styled), key(&plain));
        }

        #[test]
        fn different_latin_names_without_look_alike_letters_do_not_meet(
            x in "[a-ln-z]{3,8}",
            y in "[a-ln-z]{3,8}",
        ) {
            // Lower-case only and no m (which looks like "rn"): the other
            // letters are their own prototypes.
            proptest::prop_assume!(x != y);
            proptest::prop_assert!(!meet(&x, &y), "{} meets {}", x, y);
        }

        #[test]
        fn different_hangul_names_of_open_syllables_do_not_meet(
            x in proptest::collection::vec(proptest::sample::select(open_syllables()), 1..6),
            y in proptest::collection::vec(proptest::sample::select(open_syllables()), 1..6),
        ) {
            let (x, y): (String, String) = (x.into_iter().collect(), y.into_iter().collect());
            proptest::prop_assume!(x != y);
            proptest::prop_assert!(!meet(&x, &y), "{} meets {}", x, y);
        }

        #[test]
        fn text_parsers_never_panic_and_keep_their_promises(raw in "\\PC{0,140}|[\\x00-\\x7f]{0,20}") {
            if let Ok(t) = Title::parse(&raw) {
                proptest::prop_assert!((1..=TITLE_MAX).contains(&t.as_str().chars().count()));
                proptest::prop_assert!(!t.as_str().chars().any(char::is_control));
            }
            if let Ok(n) = ParticipantName::parse(&raw) {
                proptest::prop_assert_eq!(n.as_str(), n.as_str().trim());
                proptest::prop_assert!((1..=NAME_MAX).contains(&n.as_str().chars().count()));
                proptest::prop_assert!(unicode_normalization::is_nfd(&n.key()));
            }
            let _ = Password::parse(&raw);
        }
    }

    #[test]
    fn a_title_names_its_files_with_one_rule() {
        assert_eq!(file_stem("동아리 회의"), "동아리 회의");
        assert_eq!(file_stem("*발표* & *최종*"), "발표 & 최종");
        assert_eq!(file_stem("a/b\\c:d"), "a b c d");
        assert_eq!(file_stem("  ..hidden.. \u{200B}x  "), "hidden.. x");
        assert_eq!(file_stem("\u{7}?*"), "언제볼까");
        assert_eq!(file_stem(&"가".repeat(100)).chars().count(), 80);
    }
}
