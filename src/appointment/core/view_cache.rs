//! The last view served, kept in the object's memory per version and
//! query, with its gzipped form made once, on the first read that takes
//! gzip. A repeated read of an unchanged appointment then builds nothing
//! and compresses nothing: it copies bytes that are ready. A private
//! appointment also keeps its whole view per version, from which each
//! reader's own is cut (see `read`).

use std::cell::RefCell;
use std::rc::Rc;

use crate::render::gzip::gzip;

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
