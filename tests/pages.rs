//! The app's HTML pages are tagged by the bytes they are: a visit with a
//! current copy (`If-None-Match`) is `304` without a body, and the page of
//! an appointment, which carries its title, gets a new tag when the title
//! changes.

use serde_json::json;
use support::api::*;
use support::Server;

/// A visit to `path` with `If-None-Match: tag`, by `method`.
fn revisit(server: &Server, method: &str, path: &str, tag: &str) -> support::http::Resp {
    server
        .req(method, path)
        .header("Accept-Encoding", "identity")
        .header("If-None-Match", tag)
        .send()
}

#[test]
fn an_appointments_page_is_304_while_current_and_changes_its_tag_with_the_title() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let path = format!("/a/{id}");
    let first = server
        .req("GET", &path)
        .header("Accept-Encoding", "identity")
        .send();
    first.expect(200).expect_content_type("text/html");
    assert!(first
        .body
        .contains("<title>동아리 회의 · 언제볼까?</title>"));
    let tag = first.header("etag").expect("an ETag").to_string();
    assert!(
        tag.starts_with('"') && tag.ends_with('"') && tag.len() > 10,
        "a strong tag: {tag}"
    );
    assert_eq!(first.header("cache-control"), Some("no-cache"));

    // The same bytes again: the same tag, and a current copy gets 304.
    let again = server
        .req("GET", &path)
        .header("Accept-Encoding", "identity")
        .send();
    assert_eq!(again.header("etag"), Some(tag.as_str()));
    for (method, asked) in [
        ("GET", tag.clone()),
        ("GET", format!("W/{tag}")),
        ("GET", format!("\"other\", {tag}")),
        ("HEAD", tag.clone()),
    ] {
        let r = revisit(&server, method, &path, &asked);
        r.expect(304);
        assert!(r.body.is_empty(), "{r}");
        assert_eq!(r.header("etag"), Some(tag.as_str()), "{r}");
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{r}");
    }
    let head = server
        .req("HEAD", &path)
        .header("Accept-Encoding", "identity")
        .send();
    head.expect(200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), Some(tag.as_str()));
    revisit(&server, "GET", &path, "\"stale\"").expect(200);

    // A new title is a new page: the old copy is not current.
    patch_appointment(
        &server,
        id,
        Some(&created.admin_token),
        json!({"title": "기말 발표 준비"}),
    )
    .expect(200);
    let renamed = revisit(&server, "GET", &path, &tag);
    renamed.expect(200);
    assert!(
        renamed
            .body
            .contains("<title>기말 발표 준비 · 언제볼까?</title>"),
        "{renamed}"
    );
    let new_tag = renamed.header("etag").expect("an ETag").to_string();
    assert_ne!(new_tag, tag);
    revisit(&server, "GET", &path, &new_tag).expect(304);
    revisit(&server, "HEAD", &path, &tag).expect(200);
}

#[test]
fn the_home_and_privacy_pages_are_304_while_current_and_not_found_stays_404() {
    let server = Server::shared();
    for path in ["/", "/privacy"] {
        let first = server
            .req("GET", path)
            .header("Accept-Encoding", "identity")
            .send();
        first.expect(200).expect_content_type("text/html");
        let tag = first.header("etag").expect("an ETag").to_string();
        let r = revisit(&server, "GET", path, &tag);
        r.expect(304);
        assert!(r.body.is_empty(), "{r}");
        revisit(&server, "HEAD", path, &tag).expect(304);
    }
    // A page that is not there is not "current", whatever the client holds.
    for path in ["/nope", "/a/NoSuchAppointment1"] {
        let first = server
            .req("GET", path)
            .header("Accept-Encoding", "identity")
            .send();
        first.expect(404).expect_content_type("text/html");
        let tag = first.header("etag").unwrap_or("\"x\"").to_string();
        revisit(&server, "GET", path, &tag).expect(404);
        revisit(&server, "GET", path, "*").expect(404);
    }
}
