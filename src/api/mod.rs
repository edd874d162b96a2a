//! The HTTP edge: parse the request, check what can be checked without the
//! appointment (size 413, media type 415, id shape 404), send the rest to
//! the appointment's Durable Object as a typed [`protocol::Call`], and log
//! one JSON line per request.

mod assets;
mod body;
mod finish;
pub mod openapi;
mod reply;
mod routes;

use serde_json::json;
use wasm_bindgen::JsValue;
use worker::{Env, Headers, Method, Request, RequestInit, Response};

use crate::domain::requests::{self, NewAppointment};
use crate::domain::view::{self, Health};
use crate::domain::ErrorCode;
use crate::error::{json_response, ApiError, ApiResult};
use crate::protocol::{self, client, Answer, Call, Command, Summary, TakeReply, TakeRequest};
use crate::{clock, preview, secrets};
use finish::{accepts_gzip, Head};
pub use routes::Route;

/// The Content-Security-Policy of every page: only our own origin.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
script-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The header that carries a request's id back to the client.
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// What every handler knows of the request it serves.
struct Ctx<'a> {
    env: &'a Env,
    request_id: &'a str,
    /// The origin links and QR codes carry.
    origin: String,
    /// The bearer token, if the request carried one.
    token: Option<String>,
    /// The client's address, as the platform saw it.
    client: String,
}

/// Answers one request to the Worker.
pub async fn handle(req: Request, env: Env) -> worker::Result<Response> {
    let started = worker::Date::now().as_millis();
    let request_id = secrets::new_request_id().unwrap_or_default();
    // The method exactly as sent: `worker::Method` reads unknown ones as GET.
    let method = req.inner().method();
    let route = Route::parse(&method, &req.path());
    // HEAD answers with GET's length, unless GET has none: a streamed
    // body (the CSV), or one the platform compresses on the way.
    let head = match &route {
        _ if method != "HEAD" => Head::No,
        Ok(Route::Appointment {
            command: Command::Export { .. },
            ..
        }) => Head::Streamed,
        _ => Head::Sized {
            compressed_on_the_way: client_accept_encoding(&req)
                .ok()
                .flatten()
                .is_some_and(|a| finish::takes_compression(&a)),
        },
    };
    let pattern = route.as_ref().map(Route::pattern).unwrap_or("unmatched");
    let mut appointment = route
        .as_ref()
        .ok()
        .and_then(Route::appointment)
        .map(str::to_string);
    let response = match route {
        Ok(route) => match dispatch(req, &env, route, &request_id).await {
            Ok((response, created)) => {
                appointment = appointment.or(created);
                response
            }
            Err(e) => {
                if let ApiError::Internal(_) = e {
                    worker::console_error!("request {request_id} failed: {e}");
                }
                e.to_response()
            }
        },
        Err(e) => e.to_response(),
    };
    let status = response.status_code();
    let response = finish::finish(response, &request_id, head).await;
    // REQUEST_LOG=off leaves the line out, to measure what it costs.
    if env.var("REQUEST_LOG").is_ok_and(|v| v.to_string() == "off") {
        return Ok(response);
    }
    let line = json!({
        "request_id": request_id,
        "method": method,
        "route": pattern,
        "status": status,
        "duration_ms": worker::Date::now().as_millis().saturating_sub(started),
        "appointment": appointment,
    });
    worker::console_log!("{line}");
    Ok(response)
}

/// Serves a parsed route; a create also says which appointment it made.
async fn dispatch(
    mut req: Request,
    env: &Env,
    route: Route,
    request_id: &str,
) -> ApiResult<(Response, Option<String>)> {
    let body = if route.has_body() {
        body::read_json(&mut req).await?
    } else {
        Vec::new()
    };
    let ctx = Ctx {
        env,
        request_id,
        origin: public_origin(&req, env),
        token: secrets::bearer(req.headers().get("authorization")?.as_deref()).map(str::to_string),
        client: client_address(&req)?,
    };
    let response = match route {
        Route::Health => json_response(&Health { status: "ok" }, 200)?,
        Route::OpenApi => {
            let headers = Headers::new();
            headers.set("content-type", "application/json; charset=utf-8")?;
            Response::from_bytes(openapi::document().into_bytes())?.with_headers(headers)
        }
        Route::Stats => stats(&req, env).await?,
        Route::Create => return create(&ctx, &body).await.map(|(r, id)| (r, Some(id))),
        Route::Appointment { id, command } => {
            known_ids(&id, &command)?;
            let command = match command {
                Command::View { head, .. } => view_command(&req, head)?,
                Command::Edit { .. } => Command::Edit {
                    dry_run: query_value(&req, "dry_run")?,
                },
                Command::Export { head, .. } => Command::Export {
                    if_none_match: req.headers().get("if-none-match")?,
                    head,
                    lang: query_value(&req, "lang")?,
                },
                other => other,
            };
            let wants = reply::Wants {
                head: method_is_head(&req),
                gzip: client_accept_encoding(&req)?.is_some_and(|a| accepts_gzip(&a)),
            };
            let answer = call(&ctx, &id, command, &body).await?;
            reply::to_http(answer, wants)?
        }
        Route::Live { id } => {
            known_ids(&id, &Command::Summary)?;
            live(&req, env, &id).await?
        }
        Route::Page { id } => page(&ctx, &id, req.headers().get("if-none-match")?).await?,
        Route::Asset => assets::serve(&req, env).await?,
    };
    Ok((response, None))
}

/// 404 for ids we could never have issued, without waking an object.
fn known_ids(id: &str, command: &Command) -> ApiResult<()> {
    let participant = match command {
        Command::Update { participant } | Command::Leave { participant } => Some(participant),
        _ => None,
    };
    if !secrets::is_valid_id(id) || participant.is_some_and(|p| !secrets::is_valid_id(p)) {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// The view command with the request's query and `If-None-Match`.
fn view_command(req: &Request, head: bool) -> ApiResult<Command> {
    let min_slots = query_value(req, "min_slots")?;
    let accept_encoding = client_accept_encoding(req)?;
    Ok(Command::View {
        min_slots,
        if_none_match: req.headers().get("if-none-match")?,
        head,
        gzip: accept_encoding.as_deref().is_some_and(accepts_gzip),
    })
}

/// The last value of query parameter `name`, as sent; the object reads it
/// after the checks that rank before a bad query.
fn query_value(req: &Request, name: &str) -> ApiResult<Option<String>> {
    Ok(req
        .url()?
        .query_pairs()
        .filter(|(k, _)| k == name)
        .last()
        .map(|(_, v)| v.into_owned()))
}

/// The `Accept-Encoding` the client sent. The platform may replace the
/// header the Worker sees, and then keeps the client's own value in
/// `cf.clientAcceptEncoding` (empty when the client sent none).
fn client_accept_encoding(req: &Request) -> ApiResult<Option<String>> {
    let cf = js_sys::Reflect::get(req.inner(), &JsValue::from_str("cf")).unwrap_or_default();
    if cf.is_object() {
        let original = js_sys::Reflect::get(&cf, &JsValue::from_str("clientAcceptEncoding"))
            .unwrap_or_default();
        if let Some(original) = original.as_string() {
            return Ok(Some(original));
        }
    }
    Ok(req.headers().get("accept-encoding")?)
}

/// The client's network (`CF-Connecting-IP`, set by the platform; an
/// IPv6 address counts by its /64), which every per-client limit counts by.
fn client_address(req: &Request) -> ApiResult<String> {
    Ok(crate::limiter::client_network(
        &req.headers()
            .get("cf-connecting-ip")?
            .unwrap_or_else(|| "unknown".into()),
    ))
}

/// The origin that links and QR codes carry: `PUBLIC_ORIGIN`, else the
/// request's own.
fn public_origin(req: &Request, env: &Env) -> String {
    if let Ok(v) = env.var("PUBLIC_ORIGIN") {
        let v = v.to_string();
        if !v.trim().is_empty() {
            return v.trim().trim_end_matches('/').to_string();
        }
    }
    req.url()
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default()
}

/// Whether the request is `HEAD` (exactly as sent).
fn method_is_head(req: &Request) -> bool {
    req.inner().method() == "HEAD"
}

/// Sends `command` (with the client's `body`) to appointment `id`: its
/// typed answer.
async fn call(ctx: &Ctx<'_>, id: &str, command: Command, body: &[u8]) -> ApiResult<Answer> {
    let call = Call {
        appointment: id.to_string(),
        request_id: ctx.request_id.to_string(),
        origin: ctx.origin.clone(),
        token: ctx.token.clone(),
        client: ctx.client.clone(),
        command,
    };
    client::send(ctx.env, &call, body).await
}

/// Hands the client's upgrade request to the object's live endpoint.
async fn live(req: &Request, env: &Env, id: &str) -> ApiResult<Response> {
    let mut init = RequestInit::new();
    init.with_method(Method::Get)
        .with_headers(req.headers().clone());
    let inner = Request::new_with_init(protocol::LIVE_URL, &init)?;
    let mut answer = client::appointment_stub(env, id)?
        .fetch_with_request(inner)
        .await?;
    // The upgrade is the runtime's, as it is; anything else is a reply.
    if answer.status_code() == 101 {
        return Ok(answer);
    }
    let answer = client::read_answer(&mut answer).await?;
    let wants = reply::Wants {
        head: method_is_head(req),
        gzip: false,
    };
    reply::to_http(answer, wants)
}

/// Creates an appointment under a fresh id (a new one if, improbably, the
/// id is taken). Only a valid request counts against the client's
/// allowance of creations.
async fn create(ctx: &Ctx<'_>, body: &[u8]) -> ApiResult<(Response, String)> {
    let request: NewAppointment = requests::decode(body)?;
    request.parse(clock::to_datetime(clock::now_ms()))?;
    take_creation_allowance(&ctx.client, ctx.env).await?;
    for _ in 0..3 {
        let id = secrets::new_appointment_id().map_err(ApiError::Internal)?;
        let answer = call(ctx, &id, Command::Create, body).await?;
        if !answer.reply.is_refusal(ErrorCode::IdTaken) {
            let wants = reply::Wants {
                head: false,
                gzip: false,
            };
            return Ok((reply::to_http(answer, wants)?, id));
        }
    }
    Err(ApiError::Internal(
        "no free appointment id after 3 tries".into(),
    ))
}

/// Counts one creation against the client address's allowance
/// (`CREATE_LIMIT_PER_MINUTE`, default 30): 429 with `Retry-After` past it.
async fn take_creation_allowance(client: &str, env: &Env) -> ApiResult<()> {
    let limit = env
        .var("CREATE_LIMIT_PER_MINUTE")
        .ok()
        .and_then(|v| v.to_string().trim().parse::<i64>().ok())
        .unwrap_or(30);
    let limiter = env
        .durable_object("LIMITER")?
        .id_from_name(&format!("create:{client}"))?
        .get_stub()?;
    let ask = TakeRequest {
        limit,
        window_ms: 60_000,
    };
    let bytes = serde_json::to_vec(&ask).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut answer = client::post(&limiter, protocol::LIMITER_URL, &bytes).await?;
    let reply: TakeReply = client::read_reply(&mut answer).await?;
    match reply.retry_after {
        Some(retry_after) => {
            Err(crate::domain::DomainError::TooManyAttempts { retry_after }.into())
        }
        None => Ok(()),
    }
}

/// The operator's figures, for the holder of `STATS_TOKEN`; without that
/// secret set the endpoint does not exist.
async fn stats(req: &Request, env: &Env) -> ApiResult<Response> {
    let expected = env
        .secret("STATS_TOKEN")
        .map(|s| s.to_string())
        .or_else(|_| env.var("STATS_TOKEN").map(|v| v.to_string()))
        .unwrap_or_default();
    if expected.is_empty() {
        return Err(ApiError::NotFound);
    }
    let given = req.headers().get("authorization")?;
    let given =
        secrets::bearer(given.as_deref()).ok_or(crate::domain::DomainError::Unauthorized)?;
    if !secrets::same_secret(&secrets::token_hash(given), &secrets::token_hash(&expected)) {
        return Err(crate::domain::DomainError::Unauthorized.into());
    }
    let stats = crate::index::stats(&env.d1("DB")?, clock::now_ms()).await?;
    json_response(&stats, 200)
}

/// `/a/{id}`: the app page, or a page saying there is no such appointment.
/// The page carries the appointment's title, so its tag is of the bytes
/// it is: a new title is a new tag, and a visitor whose copy is current
/// (`If-None-Match`) gets `304`.
async fn page(ctx: &Ctx<'_>, id: &str, if_none_match: Option<String>) -> ApiResult<Response> {
    let summary = if secrets::is_valid_id(id) {
        let answer = call(ctx, id, Command::Summary, b"").await?;
        match answer.reply.is_refusal(ErrorCode::NotFound) {
            true => None,
            false => Some(client::value_of::<Summary>(answer)?),
        }
    } else {
        None
    };
    let (asset, status) = match summary {
        Some(_) => ("https://assets.local/app", 200),
        None => ("https://assets.local/notfound", 404),
    };
    let mut asset = ctx.env.assets("ASSETS")?.fetch(asset, None).await?;
    let mut bytes = asset.bytes().await?;
    if let Some(summary) = &summary {
        let description = preview::describe(&summary.schedule);
        let image_url = format!("{}/og.png", ctx.origin);
        let page_url = format!("{}/a/{id}", ctx.origin);
        let card = preview::Preview {
            title: &summary.title,
            description: &description,
            image_url: &image_url,
            page_url: &page_url,
        };
        bytes = preview::rewrite(&bytes, &card)
            .map_err(|e| ApiError::Internal(format!("link preview: {e}")))?;
    }
    html_page(bytes, status, if_none_match.as_deref())
}

/// An HTML page of the app as it leaves: its policy headers and a strong
/// entity tag of its bytes, never used without asking (`no-cache`). A
/// `200` whose tag `if_none_match` names is `304` without a body; any other
/// status ignores the condition (RFC 9110, 13.2.1).
fn html_page(bytes: Vec<u8>, status: u16, if_none_match: Option<&str>) -> ApiResult<Response> {
    let etag = page_etag(&bytes);
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("content-security-policy", CSP)?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("referrer-policy", "no-referrer")?;
    headers.set("cache-control", "no-cache")?;
    headers.set("etag", &etag)?;
    // The platform weakens the tag of a page it compresses (`W/`), which
    // the comparison ignores.
    if status == 200 && if_none_match.is_some_and(|tags| view::etag_matches(tags, &etag)) {
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    Ok(Response::from_bytes(bytes)?
        .with_status(status)
        .with_headers(headers))
}

/// A page's strong entity tag: the first 128 bits of its bytes' SHA-256,
/// as unpadded base64url.
fn page_etag(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16]);
    format!("\"{tag}\"")
}

#[cfg(test)]
mod tests {
    use super::finish::accepts_gzip;

    #[test]
    fn gzip_is_taken_when_named_or_starred_with_a_weight() {
        for yes in [
            "gzip",
            "br, gzip",
            "gzip, deflate, br, zstd",
            "GZIP;q=0.5",
            "*",
        ] {
            assert!(accepts_gzip(yes), "{yes}");
        }
        for no in [
            "",
            "br",
            "identity",
            "gzip;q=0",
            "gzip; q=0.0, br",
            "x-gzip",
        ] {
            assert!(!accepts_gzip(no), "{no}");
        }
    }
}
