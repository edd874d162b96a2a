//! Request bodies, read as they stream: keeping stops at the first byte
//! past 64 KiB, whether or not the client declared a `Content-Length`, so
//! a body of any size costs the Worker at most 64 KiB and one chunk. The
//! rest is read and dropped chunk by chunk, up to [`DRAIN_BYTES`], before
//! the 413 goes out: cutting a body off mid-upload makes the proxy in
//! front of the Worker under `wrangler dev` answer some clients 500
//! ("Network connection lost") instead of the 413. A body longer still is
//! cancelled there.

use futures_util::StreamExt;
use worker::Request;

use crate::error::{ApiError, ApiResult, MAX_BODY_BYTES};

/// The body of a request that must carry JSON: 413 past 64 KiB, then 415
/// unless it says it is JSON.
pub(super) async fn read_json(req: &mut Request) -> ApiResult<Vec<u8>> {
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(ApiError::PayloadTooLarge);
    }
    let bytes = read_capped(req).await?;
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::UnsupportedMediaType);
    }
    Ok(bytes)
}

/// How much of a body past the limit is read (and dropped) after the 413
/// before the rest is cancelled.
const DRAIN_BYTES: usize = 256 * 1024 * 1024;

/// The body, chunk by chunk, up to [`MAX_BODY_BYTES`]; past it, the rest
/// is dropped as it comes (up to [`DRAIN_BYTES`]) and the answer is 413.
/// A body that breaks off counts as empty, which the decoder then refuses
/// as invalid JSON.
async fn read_capped(req: &mut Request) -> ApiResult<Vec<u8>> {
    let mut bytes = Vec::new();
    if req.inner().body().is_none() {
        return Ok(bytes);
    }
    let mut stream = req.stream()?;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Ok(Vec::new());
        };
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            drop(bytes);
            let mut drained = chunk.len();
            while let Some(Ok(chunk)) = stream.next().await {
                drained += chunk.len();
                if drained > DRAIN_BYTES {
                    break;
                }
            }
            return Err(ApiError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}
