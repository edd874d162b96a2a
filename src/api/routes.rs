//! Which handler a method and path reach: the public URL space of the spec.

use crate::error::{ApiError, ApiResult};
use crate::protocol::Command;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Health,
    Stats,
    OpenApi,
    Create,
    /// A call to one appointment's Durable Object.
    Appointment {
        id: String,
        command: Command,
    },
    /// The appointment's live socket.
    Live {
        id: String,
    },
    /// The appointment's page, `/a/{id}`.
    Page {
        id: String,
    },
    /// Anything else: static assets.
    Asset,
}

const READ: &str = "GET, HEAD";

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
            Route::Live { .. } => "/api/appointments/{id}/live",
            Route::Appointment { command, .. } => match command {
                Command::Join => "/api/appointments/{id}/participants",
                Command::Leave { .. } => "/api/appointments/{id}/participants/{pid}",
                Command::Update { .. } => "/api/appointments/{id}/participants/{pid}/availability",
                Command::Qr => "/api/appointments/{id}/qr.svg",
                Command::Calendar => "/api/appointments/{id}/calendar.ics",
                Command::Export { .. } => "/api/appointments/{id}/availability.csv",
                _ => "/api/appointments/{id}",
            },
        }
    }

    /// Whether the request carries a JSON body to check and forward.
    pub fn has_body(&self) -> bool {
        match self {
            Route::Create => true,
            Route::Appointment { command, .. } => {
                matches!(
                    command,
                    Command::Join | Command::Update { .. } | Command::Edit { .. }
                )
            }
            _ => false,
        }
    }

    /// The appointment the request concerns, if the path names one.
    pub fn appointment(&self) -> Option<&str> {
        match self {
            Route::Appointment { id, .. } | Route::Live { id } | Route::Page { id } => Some(id),
            _ => None,
        }
    }

    /// The route of `method` (exactly as sent) on `path`: 404 for an
    /// unknown path under `/api/`, 405 for a known path with another
    /// method. Only `GET` and `HEAD` read; no other method is taken for one.
    pub fn parse(method: &str, path: &str) -> ApiResult<Route> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let read = method == "GET" || method == "HEAD";
        let only = |ok: bool, route: Route, allow: &'static str| {
            if ok {
                Ok(route)
            } else {
                Err(ApiError::MethodNotAllowed { allow })
            }
        };
        let on = |id: &str, command: Command| Route::Appointment {
            id: id.to_string(),
            command,
        };
        match segments.as_slice() {
            ["api", "health"] => only(read, Route::Health, READ),
            ["api", "stats"] => only(read, Route::Stats, READ),
            ["api", "openapi.json"] => only(read, Route::OpenApi, READ),
            ["api", "appointments"] => only(method == "POST", Route::Create, "POST"),
            ["api", "appointments", id] => match method {
                "GET" | "HEAD" => Ok(on(
                    id,
                    Command::View {
                        min_slots: None,
                        if_none_match: None,
                        head: method == "HEAD",
                        gzip: false,
                    },
                )),
                "PATCH" => Ok(on(id, Command::Edit { dry_run: None })),
                "DELETE" => Ok(on(id, Command::Delete)),
                _ => Err(ApiError::MethodNotAllowed {
                    allow: "GET, HEAD, PATCH, DELETE",
                }),
            },
            ["api", "appointments", id, "participants"] => {
                only(method == "POST", on(id, Command::Join), "POST")
            }
            ["api", "appointments", id, "participants", pid] => only(
                method == "DELETE",
                on(
                    id,
                    Command::Leave {
                        participant: pid.to_string(),
                    },
                ),
                "DELETE",
            ),
            ["api", "appointments", id, "participants", pid, "availability"] => only(
                method == "PATCH",
                on(
                    id,
                    Command::Update {
                        participant: pid.to_string(),
                    },
                ),
                "PATCH",
            ),
            ["api", "appointments", id, "qr.svg"] => only(read, on(id, Command::Qr), READ),
            ["api", "appointments", id, "calendar.ics"] => {
                only(read, on(id, Command::Calendar), READ)
            }
            ["api", "appointments", id, "availability.csv"] => only(
                read,
                on(
                    id,
                    Command::Export {
                        if_none_match: None,
                        head: method == "HEAD",
                        lang: None,
                    },
                ),
                READ,
            ),
            ["api", "appointments", id, "live"] => {
                // HEAD answers like GET without an upgrade: 426.
                only(read, Route::Live { id: id.to_string() }, READ)
            }
            ["api", ..] => Err(ApiError::NotFound),
            ["a", id] => only(read, Route::Page { id: id.to_string() }, READ),
            // Pages and assets only read; the Worker sees every method
            // (`run_worker_first`), so no other reaches the assets.
            _ => only(read, Route::Asset, READ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointment_paths_reach_their_commands() {
        let r = Route::parse(
            "PATCH",
            "/api/appointments/abc/participants/p1/availability",
        );
        assert_eq!(
            r,
            Ok(Route::Appointment {
                id: "abc".into(),
                command: Command::Update {
                    participant: "p1".into()
                }
            })
        );
        assert_eq!(
            Route::parse("GET", "/api/appointments/abc/live"),
            Ok(Route::Live { id: "abc".into() })
        );
    }

    #[test]
    fn a_known_path_with_another_method_is_405_and_unknown_api_paths_404() {
        assert_eq!(
            Route::parse("PUT", "/api/appointments/abc"),
            Err(ApiError::MethodNotAllowed {
                allow: "GET, HEAD, PATCH, DELETE"
            })
        );
        assert_eq!(
            Route::parse("POST", "/api/appointments/abc/availability.csv"),
            Err(ApiError::MethodNotAllowed { allow: READ })
        );
        assert_eq!(Route::parse("GET", "/api/nothing"), Err(ApiError::NotFound));
        assert_eq!(Route::parse("GET", "/style.css"), Ok(Route::Asset));
        assert_eq!(Route::parse("HEAD", "/"), Ok(Route::Asset));
    }

    #[test]
    fn pages_and_assets_refuse_every_method_but_get_and_head_with_allow() {
        for path in ["/", "/index.html", "/js/app.js", "/a/abc", "/nope"] {
            for method in ["POST", "PUT", "DELETE", "PROPFIND", "PATCH", "OPTIONS"] {
                assert_eq!(
                    Route::parse(method, path),
                    Err(ApiError::MethodNotAllowed { allow: READ }),
                    "{method} {path}"
                );
            }
        }
        assert_eq!(
            Route::parse("HEAD", "/api/appointments/abc/live"),
            Ok(Route::Live { id: "abc".into() })
        );
    }

    #[test]
    fn methods_that_are_not_get_are_never_read_as_get() {
        for method in ["QUERY", "PROPFIND", "FOO", "get", "OPTIONS", "TRACE"] {
            assert!(
                matches!(
                    Route::parse(method, "/api/appointments/abc"),
                    Err(ApiError::MethodNotAllowed { .. })
                ),
                "{method}"
            );
            assert!(
                matches!(
                    Route::parse(method, "/api/health"),
                    Err(ApiError::MethodNotAllowed { .. })
                ),
                "{method}"
            );
        }
    }
}
