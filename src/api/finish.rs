//! The response as it leaves the Worker: tagged with the request id, and
//! for `HEAD` without a body but with exactly GET's headers, its
//! `Content-Length` included.

use worker::{EncodeBody, Headers, Response};

use super::REQUEST_ID_HEADER;
use crate::error::ApiError;

/// Whether a request is `HEAD`, and if so whether its GET has a length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Head {
    No,
    /// GET sends a fixed body, which the platform compresses on the way
    /// (then without a length) when the client takes gzip or br and the
    /// type is one it compresses.
    Sized {
        compressed_on_the_way: bool,
    },
    /// GET streams its body, without a length.
    Streamed,
}

/// The media types the platform compresses for a client that takes it
/// (Cloudflare's list, which `wrangler dev` follows too).
const COMPRESSED_TYPES: [&str; 47] = [
    "text/html",
    "text/richtext",
    "text/plain",
    "text/css",
    "text/x-script",
    "text/x-component",
    "text/x-java-source",
    "text/x-markdown",
    "application/javascript",
    "application/x-javascript",
    "text/javascript",
    "text/js",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "application/x-perl",
    "application/x-httpd-cgi",
    "text/xml",
    "application/xml",
    "application/rss+xml",
    "application/vnd.api+json",
    "application/x-protobuf",
    "application/json",
    "multipart/bag",
    "multipart/mixed",
    "application/xhtml+xml",
    "font/ttf",
    "font/otf",
    "font/x-woff",
    "image/svg+xml",
    "application/vnd.ms-fontobject",
    "application/ttf",
    "application/x-ttf",
    "application/otf",
    "application/x-otf",
    "application/truetype",
    "application/opentype",
    "application/x-opentype",
    "application/font-woff",
    "application/eot",
    "application/font",
    "application/font-sfnt",
    "application/wasm",
    "application/javascript-binast",
    "application/manifest+json",
    "application/ld+json",
    "application/graphql+json",
    "application/geo+json",
];

/// Whether an `Accept-Encoding` value takes gzip or br (with a weight
/// above zero), so the platform compresses what it can.
pub(super) fn takes_compression(accept_encoding: &str) -> bool {
    takes_any(accept_encoding, |coding| {
        coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("br")
    })
}

/// Whether an `Accept-Encoding` value takes gzip (named, or `*`, with a
/// weight above zero).
pub(super) fn accepts_gzip(accept_encoding: &str) -> bool {
    takes_any(accept_encoding, |coding| {
        coding.eq_ignore_ascii_case("gzip") || coding == "*"
    })
}

/// Whether an `Accept-Encoding` value names a coding `wanted` picks with a
/// weight above zero (`q=0` refuses it).
fn takes_any(accept_encoding: &str, wanted: impl Fn(&str) -> bool) -> bool {
    accept_encoding.split(',').any(|element| {
        let mut parts = element.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let refused = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        wanted(coding) && !refused
    })
}

/// Whether the platform compresses a body of this `Content-Type`.
fn compressible(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return true;
    };
    let essence = content_type.split(';').next().unwrap_or("").trim();
    COMPRESSED_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(essence))
}

/// The response as it leaves: tagged with the request id (the one place
/// that does), and without a body for `HEAD`. A WebSocket upgrade's
/// headers are the runtime's to keep.
pub(super) async fn finish(response: Response, request_id: &str, head: Head) -> Response {
    if response.status_code() == 101 {
        return response;
    }
    // A response the Worker built is tagged as it is, body and length
    // untouched.
    if head == Head::No
        && response
            .headers()
            .set(REQUEST_ID_HEADER, request_id)
            .is_ok()
    {
        return response;
    }
    // Headers of a response from the assets are immutable: copied.
    let status = response.status_code();
    let headers = Headers::new();
    for (k, v) in response.headers().entries() {
        let _ = headers.append(&k, &v);
    }
    let _ = headers.set(REQUEST_ID_HEADER, request_id);
    let rebuilt = match head {
        Head::No => {
            return match Response::from_body(response.into_parts().1) {
                Ok(r) => r.with_status(status).with_headers(headers),
                Err(e) => ApiError::Internal(e.to_string()).to_response(),
            }
        }
        Head::Sized {
            compressed_on_the_way,
        } => {
            let encoded = headers.has("content-encoding").unwrap_or(false);
            let content_type = headers.get("content-type").ok().flatten();
            let html = content_type
                .as_deref()
                .is_some_and(|t| t.trim_start().starts_with("text/html"));
            // GET of a page has no length either: `wrangler dev` rewrites
            // HTML on the way, and every browser takes it compressed.
            if html || compressed_on_the_way && !encoded && compressible(content_type.as_deref()) {
                let _ = headers.delete("content-length");
            } else if !headers.has("content-length").unwrap_or(true) && status != 304 {
                let mut response = response;
                let length = response.bytes().await.map(|b| b.len()).unwrap_or(0);
                let _ = headers.set("content-length", &length.to_string());
            }
            Response::empty()
        }
        Head::Streamed => Response::empty(),
    };
    // A body-less HEAD keeps GET's `Content-Encoding` and length as set.
    match rebuilt {
        Ok(r) => r
            .with_status(status)
            .with_headers(headers)
            .with_encode_body(EncodeBody::Manual),
        Err(e) => ApiError::Internal(e.to_string()).to_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_is_taken_for_gzip_or_br_with_a_weight() {
        for yes in ["gzip", "br", "gzip, deflate, br, zstd", "BR;q=0.5"] {
            assert!(takes_compression(yes), "{yes}");
        }
        for no in ["", "identity", "deflate", "gzip;q=0, br;q=0", "*"] {
            assert!(!takes_compression(no), "{no}");
        }
        assert!(compressible(Some("application/json; charset=utf-8")));
        assert!(compressible(None));
        assert!(!compressible(Some("text/csv")));
        assert!(!compressible(Some("image/png")));
    }
}
