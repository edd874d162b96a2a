//! The availability file (`availability.csv`): everyone's levels as a
//! spreadsheet, with an entity tag that changes with the version.
//!
//! The largest file (1,000 people × 4,464 slots) is tens of megabytes, so
//! it is built once per version, row chunk by row chunk straight into a
//! gzip stream, and only the compressed bytes are kept (a few megabytes).
//! Any number of downloads of one version then share them. The object
//! always replies with them gzipped ([`Reply::Csv`]); the Worker unpacks
//! them for a client that takes no gzip (`api::reply`).

use std::io::Write;
use std::rc::Rc;

use flate2::write::GzEncoder;
use flate2::Compression;

use super::Core;
use crate::appointment::store::{self, AppointmentRow, Sql};
use crate::domain::view::FileLang;
use crate::domain::{authorize, requests, view, Action, Availability};
use crate::error::{ApiError, ApiResult};
use crate::protocol::{Answer, Reply};
use crate::render::csv::AvailabilityCsv;

/// The last availability file built, gzipped, by the entity tag that names
/// its version and language. Lost on eviction, which only costs one rebuild.
pub(super) struct CachedCsv {
    etag: String,
    gzip: Rc<[u8]>,
}

impl<S: Sql> Core<S> {
    pub(super) fn export(
        &self,
        row: &AppointmentRow,
        if_none_match: Option<&str>,
        head: bool,
        lang: Option<&str>,
        token: Option<&str>,
    ) -> ApiResult<Answer> {
        let lang = requests::file_lang(lang)?;
        // Everyone's names and answers: the organiser's alone when private.
        if row.tools.private {
            authorize(&self.caller(row, token)?, Action::ReadPrivate)?;
        }
        let etag = view::csv_etag(&row.id, row.version, lang);
        let title = row.title.clone();
        if if_none_match.is_some_and(|tags| view::etag_matches(tags, &etag)) {
            return Ok(Answer::bare(Reply::Csv {
                etag,
                title,
                current: true,
                length: 0,
            }));
        }
        // Always gzipped: the Worker unpacks it for a client that takes no
        // gzip, so the plain file never crosses from the object.
        let packed = self.packed_csv(row, &etag, lang)?;
        let reply = Reply::Csv {
            etag,
            title,
            current: false,
            length: packed.len(),
        };
        let body = if head { Vec::new() } else { packed.to_vec() };
        Ok(Answer { reply, body })
    }

    /// The file of this version, gzipped: built now (with no await, so
    /// downloads that arrive meanwhile wait for it and share it), or kept
    /// from an earlier download of the same version.
    fn packed_csv(&self, row: &AppointmentRow, etag: &str, lang: FileLang) -> ApiResult<Rc<[u8]>> {
        if let Some(cached) = self.last_csv.borrow().as_ref() {
            if cached.etag == etag {
                return Ok(cached.gzip.clone());
            }
        }
        // The previous version's bytes go before the new ones are built.
        *self.last_csv.borrow_mut() = None;
        let layout = self.layout(row)?;
        let people = store::participants(&self.sql)?
            .into_iter()
            .map(|p| {
                let levels = Availability::from_bytes(&p.availability, layout.grid.len());
                (p.name, levels)
            })
            .collect();
        let mut packer = GzEncoder::new(Vec::new(), Compression::fast());
        for chunk in AvailabilityCsv::new(&layout.schedule, &layout.grid, people, lang) {
            packer.write_all(&chunk).map_err(internal)?;
        }
        let gzip: Rc<[u8]> = packer.finish().map_err(internal)?.into();
        *self.last_csv.borrow_mut() = Some(Rc::new(CachedCsv {
            etag: etag.to_string(),
            gzip: gzip.clone(),
        }));
        Ok(gzip)
    }
}

fn internal(e: std::io::Error) -> ApiError {
    ApiError::Internal(format!("availability file: {e}"))
}
