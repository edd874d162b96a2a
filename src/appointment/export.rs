//! The availability file (`availability.csv`): everyone's levels as a
//! spreadsheet, with an entity tag that changes with the version.
//!
//! The largest file (1,000 people × 4,464 slots) is tens of megabytes, so
//! it is built once per version, row chunk by row chunk straight into a
//! gzip stream, and only the compressed bytes are kept (a few megabytes).
//! Any number of downloads of one version then share them: a client that
//! takes gzip gets them as they are, any other gets them unpacked as it
//! reads, a quarter of a megabyte at a time.

use std::io::{Read, Write};
use std::rc::Rc;

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use worker::{EncodeBody, Headers, Response};

use super::store::{self, AppointmentRow};
use super::Appointment;
use crate::domain::{view, Availability};
use crate::error::{ApiError, ApiResult};
use crate::render::{self, csv::AvailabilityCsv};

/// Bytes of the unpacked file per chunk sent to a client without gzip.
const CHUNK_BYTES: usize = 256 * 1024;

/// The last availability file built, gzipped, by the entity tag that names
/// its version. Lost on eviction, which only costs one rebuild.
pub(super) struct CachedCsv {
    etag: String,
    gzip: Rc<[u8]>,
}

impl Appointment {
    pub(super) fn export(
        &self,
        row: &AppointmentRow,
        if_none_match: Option<&str>,
        head: bool,
        gzip: bool,
    ) -> ApiResult<Response> {
        let etag = view::csv_etag(&row.id, row.version);
        let headers = Headers::new();
        headers.set("etag", &etag)?;
        headers.set("cache-control", "no-cache")?;
        headers.set("vary", "accept-encoding")?;
        if if_none_match.is_some_and(|tags| view::etag_matches(tags, &etag)) {
            return Ok(Response::empty()?.with_status(304).with_headers(headers));
        }
        headers.set("content-type", "text/csv; charset=utf-8")?;
        headers.set(
            "content-disposition",
            &render::attachment(&row.title, "csv"),
        )?;
        let packed = self.packed_csv(row, &etag)?;
        if gzip {
            headers.set("content-encoding", "gzip")?;
            headers.set("content-length", &packed.len().to_string())?;
            let response = match head {
                true => Response::empty()?,
                false => Response::from_bytes(packed.to_vec())?,
            };
            return Ok(response
                .with_headers(headers)
                .with_encode_body(EncodeBody::Manual));
        }
        if head {
            // GET streams, without a length.
            return Ok(Response::empty()?.with_status(200).with_headers(headers));
        }
        let chunks = Unpacked {
            decoder: GzDecoder::new(Shared {
                bytes: packed,
                at: 0,
            }),
        };
        let stream = futures_util::stream::iter(chunks);
        Ok(Response::from_stream(stream)?.with_headers(headers))
    }

    /// The file of this version, gzipped: built now (with no await, so
    /// downloads that arrive meanwhile wait for it and share it), or kept
    /// from an earlier download of the same version.
    fn packed_csv(&self, row: &AppointmentRow, etag: &str) -> ApiResult<Rc<[u8]>> {
        if let Some(cached) = self.last_csv.borrow().as_ref() {
            if cached.etag == etag {
                return Ok(cached.gzip.clone());
            }
        }
        // The previous version's bytes go before the new ones are built.
        *self.last_csv.borrow_mut() = None;
        let layout = self.layout(row)?;
        let people = store::participants(&self.state.storage().sql())?
            .into_iter()
            .map(|p| {
                let levels = Availability::from_bytes(&p.availability, layout.grid.len());
                (p.name, levels)
            })
            .collect();
        let mut packer = GzEncoder::new(Vec::new(), Compression::fast());
        for chunk in AvailabilityCsv::new(&layout.schedule, &layout.grid, people) {
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

/// Kept gzipped bytes, read from the start.
struct Shared {
    bytes: Rc<[u8]>,
    at: usize,
}

impl Read for Shared {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = &self.bytes[self.at..];
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

/// The file unpacked, [`CHUNK_BYTES`] at a time.
struct Unpacked {
    decoder: GzDecoder<Shared>,
}

impl Iterator for Unpacked {
    type Item = worker::Result<Vec<u8>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut chunk = vec![0; CHUNK_BYTES];
        let mut filled = 0;
        while filled < CHUNK_BYTES {
            match self.decoder.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) => return Some(Err(worker::Error::RustError(e.to_string()))),
            }
        }
        if filled == 0 {
            return None;
        }
        chunk.truncate(filled);
        Some(Ok(chunk))
    }
}
