//! Free-text inputs: the appointment title, a participant's name and their
//! optional password. Each newtype can only be built by `parse`, so a value
//! of the type is proof the text met the rules.

use std::fmt;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
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
/// character. Uniqueness within an appointment is decided by
/// [`Self::keys`].
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

    /// The form two names are compared in: NFC first so that composed and
    /// decomposed Hangul (or accents) collide, then lower-cased so that
    /// "Kim" and "kim" do.
    pub fn key(&self) -> String {
        self.0.nfc().collect::<String>().to_lowercase()
    }
}

impl fmt::Display for ParticipantName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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

    #[test]
    fn name_keys_ignore_case() {
        let a = ParticipantName::parse("Kim").unwrap();
        let b = ParticipantName::parse(" kIM ").unwrap();
        assert_eq!(a.key(), b.key());
        assert_eq!(b.as_str(), "kIM");
    }

    #[test]
    fn name_keys_ignore_unicode_composition() {
        // "한" precomposed vs. as three conjoining jamo.
        let composed = ParticipantName::parse("\u{d55c}").unwrap();
        let decomposed = ParticipantName::parse("\u{1112}\u{1161}\u{11ab}").unwrap();
        assert_eq!(composed.key(), decomposed.key());
        let e_acute = ParticipantName::parse("\u{c9}").unwrap();
        let e_combining = ParticipantName::parse("e\u{301}").unwrap();
        assert_eq!(e_acute.key(), e_combining.key());
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

    proptest::proptest! {
        #[test]
        fn text_parsers_never_panic_and_keep_their_promises(raw in "\\PC{0,140}|[\\x00-\\x7f]{0,20}") {
            if let Ok(t) = Title::parse(&raw) {
                proptest::prop_assert!((1..=TITLE_MAX).contains(&t.as_str().chars().count()));
                proptest::prop_assert!(!t.as_str().chars().any(char::is_control));
            }
            if let Ok(n) = ParticipantName::parse(&raw) {
                proptest::prop_assert_eq!(n.as_str(), n.as_str().trim());
                proptest::prop_assert!((1..=NAME_MAX).contains(&n.as_str().chars().count()));
                let _ = n.key();
            }
            let _ = Password::parse(&raw);
        }
    }
}
