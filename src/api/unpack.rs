//! The availability file for a client that takes no gzip: the object
//! always answers with the file gzipped (a few hundred kilobytes for the
//! largest), which the runtime unpacks in the Worker as the client reads,
//! so the tens of megabytes of the plain file never cross from the object
//! to the Worker.

use worker::{Headers, Response};

use crate::error::ApiResult;

/// `packed` (a gzipped answer of the object) as the plain file: the same
/// status and headers but `Content-Encoding` and `Content-Length`, the body
/// unpacked as it is read. Any other answer passes as it is.
pub(super) fn unpacked(packed: Response, head: bool) -> ApiResult<Response> {
    let gzipped = packed
        .headers()
        .get("content-encoding")?
        .is_some_and(|e| e.eq_ignore_ascii_case("gzip"));
    if !gzipped {
        return Ok(packed);
    }
    let status = packed.status_code();
    let headers = Headers::new();
    for (k, v) in packed.headers().entries() {
        if k != "content-encoding" && k != "content-length" {
            headers.append(&k, &v)?;
        }
    }
    if head {
        return Ok(Response::empty()?.with_status(status).with_headers(headers));
    }
    // The runtime unpacks a gzipped answer as it is read (fetch decodes
    // `Content-Encoding`), so its body is the plain file already.
    Ok(Response::from_body(packed.into_parts().1)?
        .with_status(status)
        .with_headers(headers))
}
