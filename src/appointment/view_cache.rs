//! The last view served, kept in the object's memory per version and
//! query, with its gzipped form made once, on the first read that takes
//! gzip. A repeated read of an unchanged appointment then builds nothing
//! and compresses nothing: it copies bytes that are ready. A private
//! appointment also keeps its whole view per version, from which each
//! reader's own is cut.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::store::AppointmentRow;
use crate::domain::view::{self, View};
use crate::error::ApiResult;

/// Views smaller than this go out as they are; the platform compresses
/// them on the way if it likes.
pub(super) const GZIP_MIN_BYTES: usize = 8 * 1024;

/// One view's bytes, by the entity tag that names its version and query.
pub(crate) struct CachedView {
    pub(super) etag: String,
    pub(super) json: Rc<[u8]>,
    gzip: RefCell<Option<Rc<[u8]>>>,
}

impl CachedView {
    pub(super) fn new(etag: String, json: Vec<u8>) -> CachedView {
        CachedView {
            etag,
            json: json.into(),
            gzip: RefCell::new(None),
        }
    }

    /// The view gzipped, compressed on the first call.
    pub(super) async fn gzipped(&self) -> Result<Rc<[u8]>, String> {
        if let Some(bytes) = self.gzip.borrow().as_ref() {
            return Ok(bytes.clone());
        }
        let bytes: Rc<[u8]> = gzip(&self.json)
            .await
            .map_err(|e| format!("gzip of the view failed: {e:?}"))?
            .into();
        *self.gzip.borrow_mut() = Some(bytes.clone());
        Ok(bytes)
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The runtime's own compressor (native zlib), seen only for its
    /// readable and writable sides.
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
}

/// `bytes` as gzip, by the runtime's `CompressionStream`.
async fn gzip(bytes: &[u8]) -> Result<Vec<u8>, JsValue> {
    let source =
        web_sys::Response::new_with_opt_buffer_source(Some(&js_sys::Uint8Array::from(bytes)))?;
    let body = source
        .body()
        .ok_or_else(|| JsValue::from_str("a response without a body"))?;
    let compressor = CompressionStream::new("gzip")?;
    let compressed = body.pipe_through(compressor.unchecked_ref::<web_sys::ReadableWritablePair>());
    let sink = web_sys::Response::new_with_opt_readable_stream(Some(&compressed))?;
    let buffer = JsFuture::from(sink.array_buffer()?).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

impl super::Appointment {
    /// The whole view of a private appointment, built once per version
    /// and query for all its readers.
    pub(super) fn private_view(
        &self,
        row: &AppointmentRow,
        min_slots: usize,
    ) -> ApiResult<Rc<(String, View)>> {
        let key = view::etag(&row.id, row.version, min_slots);
        if let Some(kept) = self.last_private.borrow().as_ref() {
            if kept.0 == key {
                return Ok(kept.clone());
            }
        }
        let kept = Rc::new((key, self.full_view(row, min_slots)?));
        *self.last_private.borrow_mut() = Some(kept.clone());
        Ok(kept)
    }
}
