//! Link previews: what a chat app (KakaoTalk, Slack, iMessage …) shows for a
//! pasted `/a/{id}` link. It reads the page's `<title>` and Open Graph tags,
//! so [`rewrite`] puts the appointment into them, streaming the app page's
//! HTML through `lol_html`. User text only ever becomes text or an
//! attribute value, escaped: a title cannot end the `<title>` or open a tag.
//!
//! Pure: no Workers types, so it is unit-tested on the host.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element};
use lol_html::{element, HtmlRewriter, Settings};

use crate::domain::schedule::ScheduleView;

/// The product's name, after the appointment's title in `<title>`.
pub const SITE_NAME: &str = "언제볼까?";

/// What the preview of one appointment says. `image_url` and `page_url`
/// must be absolute (`https://…`): crawlers do not resolve relative ones.
#[derive(Debug, Clone, Copy)]
pub struct Preview<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub image_url: &'a str,
    pub page_url: &'a str,
}

/// The preview's description of an appointment's schedule, in Korean (the
/// service's default language): its dates or weekdays, its daily window
/// and its zone, e.g. `2026-12-01 ~ 2026-12-07 (7일) · 09:00–18:00 (Asia/Seoul)`.
pub fn describe(schedule: &ScheduleView) -> String {
    let days = match (&schedule.dates, &schedule.weekdays) {
        (Some(dates), _) => match dates.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [first, .., last] => format!("{first} ~ {last} ({}일)", dates.len()),
        },
        (None, Some(weekdays)) => {
            let names: Vec<&str> = weekdays
                .iter()
                .map(|w| match w.as_str() {
                    "mon" => "월",
                    "tue" => "화",
                    "wed" => "수",
                    "thu" => "목",
                    "fri" => "금",
                    "sat" => "토",
                    "sun" => "일",
                    other => other,
                })
                .collect();
            format!("매주 {}", names.join("·"))
        }
        (None, None) => String::new(),
    };
    format!(
        "{days} · {}–{} ({}) · 언제 볼지 가능한 시간을 칠해 주세요",
        schedule.start, schedule.end, schedule.timezone,
    )
}

/// The tags a preview sets, as (attribute, key): `<meta {attribute}="{key}" content=…>`.
const TAGS: [(&str, &str); 8] = [
    ("property", "og:title"),
    ("property", "og:description"),
    ("property", "og:image"),
    ("property", "og:url"),
    ("property", "og:type"),
    ("property", "og:site_name"),
    ("name", "twitter:card"),
    ("name", "description"),
];

impl Preview<'_> {
    fn content(&self, key: &str) -> &str {
        match key {
            "og:title" => self.title,
            "og:description" | "description" => self.description,
            "og:image" => self.image_url,
            "og:url" => self.page_url,
            "og:type" => "website",
            "og:site_name" => SITE_NAME,
            "twitter:card" => "summary_large_image",
            _ => "",
        }
    }

    /// `<title>`: "동아리 회의 · 언제볼까?".
    pub fn document_title(&self) -> String {
        format!("{} · {SITE_NAME}", self.title)
    }
}

/// Rewrites an HTML page for `preview`: sets `<title>`, sets the `content`
/// of each Open Graph / Twitter / description `<meta>` the page has, and
/// adds the ones it lacks at the end of `<head>`. Everything else passes
/// through byte for byte.
pub fn rewrite(
    html: &[u8],
    preview: &Preview,
) -> Result<Vec<u8>, lol_html::errors::RewritingError> {
    // lol_html escapes text content fully, but in an attribute value only
    // the double quote (it leaves `&` alone, taking the value as already
    // encoded): so every value is escaped here, the same for the tags the
    // page has and the ones added.
    let values: Vec<String> = TAGS
        .iter()
        .map(|(_, key)| escape_attribute(preview.content(key)))
        .collect();
    let added: Vec<String> = TAGS
        .iter()
        .zip(&values)
        .map(|((attr, key), value)| format!("<meta {attr}=\"{key}\" content=\"{value}\">\n"))
        .collect();
    let seen = Rc::new(RefCell::new([false; TAGS.len()]));
    let seen_in_head = Rc::clone(&seen);
    let title = preview.document_title();
    let mut out = Vec::with_capacity(html.len() + 1024);
    let handlers = vec![
        element!("head > title", |el| {
            el.set_inner_content(&title, ContentType::Text); // escaped: `</title>` stays text
            Ok(())
        }),
        element!("head > meta[property], head > meta[name]", |el| {
            let key = el
                .get_attribute("property")
                .or_else(|| el.get_attribute("name"));
            if let Some(i) = key.and_then(|k| TAGS.iter().position(|(_, t)| *t == k)) {
                let mut seen = seen.borrow_mut();
                if seen[i] {
                    el.remove(); // a second copy would say something else
                } else {
                    seen[i] = true;
                    el.set_attribute("content", &values[i])?;
                }
            }
            Ok(())
        }),
        element!("head", |el: &mut Element| {
            let seen = Rc::clone(&seen_in_head);
            let added = added.clone();
            if let Some(handlers) = el.end_tag_handlers() {
                handlers.push(Box::new(move |end| {
                    let seen = seen.borrow();
                    let missing: String = (0..TAGS.len())
                        .filter(|&i| !seen[i])
                        .map(|i| added[i].as_str())
                        .collect();
                    end.before(&missing, ContentType::Html);
                    Ok(())
                }));
            }
            Ok(())
        }),
    ];
    let mut rewriter = HtmlRewriter::new(
        Settings {
            element_content_handlers: handlers,
            ..Settings::new()
        },
        |chunk: &[u8]| out.extend_from_slice(chunk),
    );
    rewriter.write(html)?;
    rewriter.end()?;
    Ok(out)
}

/// A double-quoted attribute value, escaped.
fn escape_attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_description_names_the_days_the_window_and_the_zone() {
        let dated = ScheduleView {
            timezone: "Asia/Seoul".into(),
            dates: Some(vec![
                "2026-12-01".into(),
                "2026-12-02".into(),
                "2026-12-07".into(),
            ]),
            weekdays: None,
            start: "09:00".into(),
            end: "18:00".into(),
            slot_minutes: 30,
        };
        assert!(describe(&dated)
            .starts_with("2026-12-01 ~ 2026-12-07 (3일) · 09:00–18:00 (Asia/Seoul)"));
        let weekly = ScheduleView {
            dates: None,
            weekdays: Some(vec!["mon".into(), "wed".into()]),
            ..dated
        };
        assert!(describe(&weekly).starts_with("매주 월·수 · 09:00–18:00"));
    }

    use super::*;

    const HOSTILE: &str = "</title><script>alert(1)</script>\"'&";

    fn preview(title: &str) -> Preview<'_> {
        Preview {
            title,
            description: "12월 7일 (월) – 12월 9일 (수) · 09:00–18:00 (Asia/Seoul)",
            image_url: "https://eonjebolkka.com/og.png",
            page_url: "https://eonjebolkka.com/a/k3j9x2p7q4mwe",
        }
    }

    fn run(html: &str, p: &Preview) -> String {
        String::from_utf8(rewrite(html.as_bytes(), p).unwrap()).unwrap()
    }

    /// The values of `<meta {attr}="{key}" content="…">` in `html`, raw.
    fn contents<'h>(html: &'h str, key: &str) -> Vec<&'h str> {
        html.match_indices(&format!("=\"{key}\""))
            .filter_map(|(i, _)| {
                let rest = &html[i..];
                let start = rest.find("content=\"")? + "content=\"".len();
                let len = rest[start..].find('"')?;
                Some(&rest[start..start + len])
            })
            .collect()
    }

    const PAGE: &str = r#"<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<title>언제볼까?</title>
<meta property="og:title" content="언제볼까?">
<meta property="og:type" content="website">
<meta name="description" content="old">
<link rel="stylesheet" href="/style.css">
</head>
<body><h1 id="title"></h1><p>&lt;kept&gt;</p></body>
</html>"#;

    #[test]
    fn title_and_tags_carry_the_appointment() {
        let html = run(PAGE, &preview("동아리 회의"));
        assert!(
            html.contains("<title>동아리 회의 · 언제볼까?</title>"),
            "{html}"
        );
        assert_eq!(contents(&html, "og:title"), ["동아리 회의"]);
        assert_eq!(
            contents(&html, "og:description"),
            ["12월 7일 (월) – 12월 9일 (수) · 09:00–18:00 (Asia/Seoul)"]
        );
        assert_eq!(
            contents(&html, "description"),
            contents(&html, "og:description")
        );
        assert_eq!(
            contents(&html, "og:image"),
            ["https://eonjebolkka.com/og.png"]
        );
        assert_eq!(
            contents(&html, "og:url"),
            ["https://eonjebolkka.com/a/k3j9x2p7q4mwe"]
        );
        assert_eq!(contents(&html, "og:type"), ["website"]);
        assert_eq!(contents(&html, "og:site_name"), ["언제볼까?"]);
        assert_eq!(contents(&html, "twitter:card"), ["summary_large_image"]);
    }

    #[test]
    fn tags_the_page_lacks_are_added_inside_head() {
        let html = run(PAGE, &preview("x"));
        let head_end = html.find("</head>").unwrap();
        for (_, key) in TAGS {
            let at = html
                .find(&format!("=\"{key}\""))
                .unwrap_or_else(|| panic!("{key} missing"));
            assert!(at < head_end, "{key} is inside <head>");
        }
    }

    #[test]
    fn the_rest_of_the_page_passes_through_unchanged() {
        let html = run(PAGE, &preview("x"));
        assert!(html.starts_with(
            "<!doctype html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n"
        ));
        assert!(html.contains(r#"<link rel="stylesheet" href="/style.css">"#));
        assert!(html
            .ends_with("</head>\n<body><h1 id=\"title\"></h1><p>&lt;kept&gt;</p></body>\n</html>"));
    }

    #[test]
    fn a_hostile_title_stays_text_in_the_title_and_in_every_attribute() {
        let p = Preview {
            description: HOSTILE,
            ..preview(HOSTILE)
        };
        let html = run(PAGE, &p);
        // Nothing but the page's own markup: no script element, the title not ended early.
        assert!(!html.contains("<script"), "{html}");
        assert_eq!(html.matches("</title>").count(), 1, "{html}");
        let title = &html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()];
        assert!(!title.contains('<') && !title.contains('>'), "{title}");
        // Set on an existing tag (og:title, description) and on an added one
        // (og:description): the quote cannot end the attribute.
        for key in ["og:title", "og:description", "description"] {
            for value in contents(&html, key) {
                assert!(
                    !value.contains('<') && !value.contains('>'),
                    "{key}: {value}"
                );
                assert!(value.contains("&amp;"), "{key}: {value}");
            }
        }
        // The quotes made no extra attributes: one `content=` for each of the
        // page's 3 tags and the 5 added ones, and no `alert` outside a value.
        assert_eq!(html.matches("content=").count(), 8, "{html}");
    }

    #[test]
    fn a_hostile_title_decodes_back_to_itself() {
        let html = run(PAGE, &preview(HOSTILE));
        let decode = |s: &str| {
            s.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        };
        assert_eq!(decode(contents(&html, "og:title")[0]), HOSTILE);
        let title = &html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()];
        assert_eq!(decode(title), format!("{HOSTILE} · 언제볼까?"));
    }

    #[test]
    fn a_page_without_any_tags_gets_all_of_them_and_duplicates_are_dropped() {
        let bare = "<html><head><title>t</title></head><body></body></html>";
        let html = run(bare, &preview("A & B"));
        for (_, key) in TAGS {
            assert_eq!(contents(&html, key).len(), 1, "{key} once");
        }
        assert_eq!(contents(&html, "og:title"), ["A &amp; B"]);
        let twice = "<html><head><meta property=\"og:title\" content=\"a\"><meta property=\"og:title\" content=\"b\"></head></html>";
        assert_eq!(contents(&run(twice, &preview("C")), "og:title"), ["C"]);
    }

    #[test]
    fn the_app_page_gets_its_preview() {
        let page = include_str!("../public/app.html");
        let html = run(page, &preview("동아리 회의"));
        assert!(html.contains("<title>동아리 회의 · 언제볼까?</title>"));
        assert_eq!(contents(&html, "og:title"), ["동아리 회의"]);
        assert_eq!(
            contents(&html, "og:image"),
            ["https://eonjebolkka.com/og.png"]
        );
        assert!(html.len() < page.len() + 2048);
    }
}
