//! An appointment object's typed reply as HTTP: its status, headers and
//! body. The object never speaks HTTP; everything a client reads of an
//! appointment's answer is decided here: entity tags and `304`, content
//! encoding, file names, `204`, and (through [`ApiError`]) error bodies.

use worker::{EncodeBody, Headers, Response, ResponseBody};

use crate::error::{json_bytes, ApiError, ApiResult};
use crate::protocol::{Answer, Reply};
use crate::render::{self, gzip};

/// What the client asked for, as far as the shape of the answer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Wants {
    /// `HEAD`: GET's headers without the body.
    pub head: bool,
    /// The client takes a gzipped body.
    pub gzip: bool,
}

/// The HTTP response of `answer`; a refusal is the error it names.
pub(super) fn to_http(answer: Answer, wants: Wants) -> ApiResult<Response> {
    let Answer { reply, body } = answer;
    match reply {
        Reply::Ok => json_bytes(body, 200),
        Reply::Created { location } => {
            let r = json_bytes(body, 201)?;
            if let Some(location) = location {
                r.headers().set("location", &location)?;
            }
            Ok(r)
        }
        Reply::Updated { rows_written } => {
            let r = json_bytes(body, 200)?;
            r.headers()
                .set("x-rows-written", &rows_written.to_string())?;
            Ok(r)
        }
        Reply::Done => Ok(Response::empty()?.with_status(204)),
        Reply::View {
            etag,
            current,
            gzip,
            length,
        } => {
            let headers = tagged(&etag)?;
            if current {
                return not_modified(headers);
            }
            headers.set("content-type", "application/json; charset=utf-8")?;
            if gzip {
                headers.set("content-encoding", "gzip")?;
            }
            if wants.head {
                // GET's length, which a response without a body would not carry.
                headers.set("content-length", &length.to_string())?;
                return Ok(Response::empty()?
                    .with_status(200)
                    .with_headers(headers)
                    .with_encode_body(EncodeBody::Manual));
            }
            let r = Response::from_bytes(body)?.with_headers(headers);
            Ok(match gzip {
                true => r.with_encode_body(EncodeBody::Manual),
                false => r,
            })
        }
        Reply::Qr => {
            let headers = Headers::new();
            headers.set("content-type", "image/svg+xml")?;
            headers.set("cache-control", "public, max-age=86400")?;
            Ok(Response::from_bytes(body)?.with_headers(headers))
        }
        Reply::Calendar { title } => {
            let headers = Headers::new();
            headers.set("content-type", "text/calendar; charset=utf-8")?;
            headers.set("content-disposition", &render::attachment(&title, "ics"))?;
            headers.set("cache-control", "no-cache")?;
            Ok(Response::from_bytes(body)?.with_headers(headers))
        }
        Reply::Csv {
            etag,
            title,
            current,
            length,
        } => {
            let headers = tagged(&etag)?;
            if current {
                return not_modified(headers);
            }
            headers.set("content-type", "text/csv; charset=utf-8")?;
            headers.set("content-disposition", &render::attachment(&title, "csv"))?;
            if !wants.gzip {
                // The object always sends the file gzipped (a few hundred
                // kilobytes for the largest): unpacked by the runtime as
                // the client reads, so the plain file never sits in memory
                // whole, and without a length to tell.
                let r = match wants.head {
                    true => Response::empty()?,
                    false => {
                        let plain = gzip::unpacking(&body).map_err(|e| {
                            ApiError::Internal(format!("unpacking the file: {e:?}"))
                        })?;
                        Response::from_body(ResponseBody::Stream(plain))?
                    }
                };
                return Ok(r.with_headers(headers));
            }
            headers.set("content-encoding", "gzip")?;
            headers.set("content-length", &length.to_string())?;
            let r = match wants.head {
                true => Response::empty()?,
                false => Response::from_bytes(body)?,
            };
            Ok(r.with_headers(headers).with_encode_body(EncodeBody::Manual))
        }
        Reply::Refused { error, retry_after } => Err(ApiError::Relayed { error, retry_after }),
    }
}

/// `304`: the client's copy is current.
fn not_modified(headers: Headers) -> ApiResult<Response> {
    Ok(Response::empty()?.with_status(304).with_headers(headers))
}

/// The headers of an answer with entity tag `etag`, asked again each time.
fn tagged(etag: &str) -> ApiResult<Headers> {
    let headers = Headers::new();
    headers.set("etag", etag)?;
    headers.set("cache-control", "no-cache")?;
    headers.set("vary", "accept-encoding")?;
    Ok(headers)
}
