//! HTTP edges exactly as the contract says: `HEAD` answers GET's status
//! and headers, `Content-Length` included, without the body; every method
//! other than GET and HEAD on pages and assets gets a JSON 405 with
//! `Allow`; and per-client limits count an IPv6 client by its /64.

use serde_json::json;
use support::api::*;
use support::Server;

/// The headers HEAD must repeat from GET.
const SAME: [&str; 5] = [
    "content-length",
    "content-type",
    "content-encoding",
    "etag",
    "allow",
];

#[test]
fn head_answers_gets_status_and_headers_with_its_content_length() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    join(&server, id, "Ann", None);
    let paths = [
        "/api/health".to_string(),
        "/api/openapi.json".to_string(),
        format!("/api/appointments/{id}"),
        format!("/api/appointments/{id}/qr.svg"),
        format!("/api/appointments/{id}/calendar.ics"),
        "/api/appointments/nosuchappointment".to_string(),
        "/api/nothing".to_string(),
        format!("/api/appointments/{id}/live"),
        format!("/a/{id}"),
        "/".to_string(),
        "/og.png".to_string(),
        "/nope".to_string(),
    ];
    for path in &paths {
        for encoding in ["identity", "gzip"] {
            let get = server
                .req("GET", path)
                .header("Accept-Encoding", encoding)
                .send();
            let head = server
                .req("HEAD", path)
                .header("Accept-Encoding", encoding)
                .send();
            assert_eq!(head.status, get.status, "HEAD {path} ({encoding})");
            assert!(head.body.is_empty(), "HEAD {path} has no body");
            for name in SAME {
                assert_eq!(
                    head.header(name),
                    get.header(name),
                    "HEAD {path} ({encoding}): {name}\nGET:\n{get}\nHEAD:\n{head}"
                );
            }
            if get.header("transfer-encoding").is_none() {
                assert!(
                    head.header("content-length").is_some(),
                    "HEAD {path} ({encoding}) carries a length:\n{head}"
                );
            }
        }
    }
    // The live endpoint without an upgrade is 426 for both.
    let live = format!("/api/appointments/{id}/live");
    server.req("HEAD", &live).send().expect(426);
    server.get(&live).expect_error(426, "upgrade_required");
}

#[test]
fn other_methods_on_pages_and_assets_get_a_json_405_with_allow() {
    let server = Server::shared();
    let (created, _) = create_two_days(&server);
    let page = format!("/a/{}", created.id);
    for path in ["/", page.as_str(), "/index.html", "/favicon.ico", "/nope"] {
        for method in ["POST", "PUT", "DELETE", "PROPFIND", "PATCH"] {
            let answer = server.req(method, path).send();
            answer.expect_error(405, "method_not_allowed");
            assert_eq!(
                answer.header("allow"),
                Some("GET, HEAD"),
                "{method} {path}:\n{answer}"
            );
        }
    }
    // Reading still works.
    server.get("/").expect(200);
    server.get(&page).expect(200);
}

#[test]
fn an_unknown_path_gets_the_apps_not_found_page_with_404() {
    let server = Server::shared();
    for path in ["/nope", "/a/", "/a/x/y", "/nothing.css"] {
        let answer = server.get(path);
        answer.expect(404).expect_content_type("text/html");
        assert!(answer.body.contains("<html"), "{path}: a page:\n{answer}");
        assert!(
            answer.header("content-security-policy").is_some(),
            "{path}: the page's headers"
        );
    }
}

#[test]
fn an_ipv6_client_counts_by_its_64_and_an_ipv4_one_by_its_address() {
    // Own server: its variables make the join allowance small.
    let server = Server::start_with_vars(&[("JOIN_LIMIT", "3")]);
    let (created, _) = create_two_days(&server);
    let id = created.id.as_str();
    let path = format!("/api/appointments/{id}/participants");
    let join_from = |address: &str, name: &str| {
        server
            .req("POST", &path)
            .header("CF-Connecting-IP", address)
            .json(&json!({ "name": name }))
            .send()
    };
    // Three addresses of one /64 share one allowance of three.
    for (i, address) in [
        "2001:db8:19:1::1",
        "2001:db8:19:1::2",
        "2001:db8:19:1:ffff::3",
    ]
    .iter()
    .enumerate()
    {
        join_from(address, &format!("six{i}")).expect(201);
    }
    let refused = join_from("2001:db8:19:1:abcd::9", "six3");
    refused.expect_error(429, "too_many_attempts");
    assert!(refused.header("retry-after").is_some(), "{refused}");
    // The next /64 has its own.
    join_from("2001:db8:19:2::1", "next64").expect(201);
    // IPv4 stays per address.
    for i in 0..3 {
        join_from("198.51.100.1", &format!("four{i}")).expect(201);
    }
    join_from("198.51.100.1", "four3").expect(429);
    join_from("198.51.100.2", "neighbour").expect(201);
}
