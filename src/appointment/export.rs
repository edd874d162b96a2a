//! The availability file (`availability.csv`): everyone's levels as a
//! spreadsheet, streamed in chunks of rows, with an entity tag that
//! changes with the version.

use worker::{Headers, Response};

use super::store::{self, AppointmentRow};
use super::Appointment;
use crate::domain::{view, Availability};
use crate::error::ApiResult;
use crate::render::{self, csv::AvailabilityCsv};

impl Appointment {
    pub(super) fn export(
        &self,
        row: &AppointmentRow,
        if_none_match: Option<&str>,
        head: bool,
    ) -> ApiResult<Response> {
        let etag = view::csv_etag(&row.id, row.version);
        let headers = Headers::new();
        headers.set("etag", &etag)?;
        headers.set("cache-control", "no-cache")?;
        if if_none_match.is_some_and(|tags| view::etag_matches(tags, &etag)) {
            return Ok(Response::empty()?.with_status(304).with_headers(headers));
        }
        headers.set("content-type", "text/csv; charset=utf-8")?;
        headers.set(
            "content-disposition",
            &render::attachment(&row.title, "csv"),
        )?;
        if head {
            // The headers of GET, without building the body.
            return Ok(Response::empty()?.with_status(200).with_headers(headers));
        }
        let layout = self.layout(row)?;
        let people = store::participants(&self.state.storage().sql())?
            .into_iter()
            .map(|p| {
                let levels = Availability::from_bytes(&p.availability, layout.grid.len());
                (p.name, levels)
            })
            .collect();
        let chunks = AvailabilityCsv::new(&layout.schedule, &layout.grid, people);
        let stream = futures_util::stream::iter(chunks.map(Ok::<_, worker::Error>));
        Ok(Response::from_stream(stream)?.with_headers(headers))
    }
}
