//! Which handler a method and path reach: the public URL space of the spec.

use worker::Method;

use crate::appointment::Op;
use crate::error::{ApiError, ApiResult};

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Health,
    Stats,
    OpenApi,
    Create,
    /// An operation on one appointment, answered by its Durable Object.
    Appointment {
        id: String,
        op: Op,
    },
    /// The appointment's page, `/a/{id}`.
    Page {
        id: String,
    },
    /// Anything else: static assets.
    Asset,
}

impl Route {
    /// The route's pattern, for logs (never the ids themselves).
    pub fn pattern(&self) -> &'static str {
        match self {
            Route::Health => "/api/health",
            Route::Stats => "/api/stats",
            Route::OpenApi => "/api/openapi.json",
            Route::Create => "/api/appointments",
            Route::Page { .. } => "/a/{id}",
            Route::Asset => "/*",
            Route::Appointment { op, .. } => match op {
                Op::View | Op::Edit | Op::Delete | Op::Create | Op::Exists | Op::Sweep => {
                    "/api/appointments/{id}"
                }
                Op::Join => "/api/appointments/{id}/participants",
                Op::Leave(_) => "/api/appointments/{id}/participants/{pid}",
                Op::Availability(_) => "/api/appointments/{id}/participants/{pid}/availability",
                Op::Qr => "/api/appointments/{id}/qr.svg",
                Op::Ics => "/api/appointments/{id}/calendar.ics",
                Op::Live => "/api/appointments/{id}/live",
            },
        }
    }

    /// Whether the request carries a JSON body to check and forward.
    pub fn has_body(&self) -> bool {
        match self {
            Route::Create => true,
            Route::Appointment { op, .. } => {
                matches!(op, Op::Join | Op::Availability(_) | Op::Edit)
            }
            _ => false,
        }
    }

    /// The route of `method` on `path`: 404 for an unknown path under
    /// `/api/`, 405 for a known path with another method.
    pub fn parse(method: &Method, path: &str) -> ApiResult<Route> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let read = matches!(method, Method::Get | Method::Head);
        let only = |ok: bool, route: Route, allow: &'static str| {
            if ok {
                Ok(route)
            } else {
                Err(ApiError::MethodNotAllowed { allow })
            }
        };
        let on = |id: &str, op: Op| Route::Appointment {
            id: id.to_string(),
            op,
        };
        match segments.as_slice() {
            ["api", "health"] => only(read, Route::Health, "GET"),
            ["api", "stats"] => only(read, Route::Stats, "GET"),
            ["api", "openapi.json"] => only(read, Route::OpenApi, "GET"),
            ["api", "appointments"] => only(*method == Method::Post, Route::Create, "POST"),
            ["api", "appointments", id] => match method {
                Method::Get => Ok(on(id, Op::View)),
                // The cheapest round trip to the object: existence and ETag.
                Method::Head => Ok(on(id, Op::Exists)),
                Method::Patch => Ok(on(id, Op::Edit)),
                Method::Delete => Ok(on(id, Op::Delete)),
                _ => Err(ApiError::MethodNotAllowed {
                    allow: "GET, PATCH, DELETE",
                }),
            },
            ["api", "appointments", id, "participants"] => {
                only(*method == Method::Post, on(id, Op::Join), "POST")
            }
            ["api", "appointments", id, "participants", pid] => only(
                *method == Method::Delete,
                on(id, Op::Leave(pid.to_string())),
                "DELETE",
            ),
            ["api", "appointments", id, "participants", pid, "availability"] => only(
                *method == Method::Patch,
                on(id, Op::Availability(pid.to_string())),
                "PATCH",
            ),
            ["api", "appointments", id, "qr.svg"] => only(read, on(id, Op::Qr), "GET"),
            ["api", "appointments", id, "calendar.ics"] => only(read, on(id, Op::Ics), "GET"),
            ["api", "appointments", id, "live"] => only(read, on(id, Op::Live), "GET"),
            ["api", ..] => Err(ApiError::NotFound),
            ["a", id] => only(read, Route::Page { id: id.to_string() }, "GET"),
            _ => Ok(Route::Asset),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointment_paths_reach_their_operations() {
        let r = Route::parse(
            &Method::Patch,
            "/api/appointments/abc/participants/p1/availability",
        );
        assert_eq!(
            r,
            Ok(Route::Appointment {
                id: "abc".into(),
                op: Op::Availability("p1".into())
            })
        );
        assert_eq!(
            Route::parse(&Method::Get, "/api/appointments/abc"),
            Ok(Route::Appointment {
                id: "abc".into(),
                op: Op::View
            })
        );
    }

    #[test]
    fn a_known_path_with_another_method_is_405_and_unknown_api_paths_404() {
        assert_eq!(
            Route::parse(&Method::Put, "/api/appointments/abc"),
            Err(ApiError::MethodNotAllowed {
                allow: "GET, PATCH, DELETE"
            })
        );
        assert_eq!(
            Route::parse(&Method::Get, "/api/nothing"),
            Err(ApiError::NotFound)
        );
        assert_eq!(Route::parse(&Method::Get, "/style.css"), Ok(Route::Asset));
    }
}
