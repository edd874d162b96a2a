//! The HTTP edge: parse the request, check what can be checked without the
//! appointment (size 413, media type 415, id shape 404), hand the rest to the
//! appointment's Durable Object, and log one JSON line per request.

pub mod render;
mod routes;

use serde_json::json;
use wasm_bindgen::JsValue;
use worker::{Env, Headers, Method, Request, RequestInit, Response};

use crate::appointment::{Op, ID_HEADER, ORIGIN_HEADER, REQUEST_ID_HEADER};
use crate::error::{json_response, ApiError, ApiResult, MAX_BODY_BYTES};
use crate::secrets;
pub use routes::Route;

/// The Content-Security-Policy of every page: only our own origin.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
script-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const OPENAPI: &str = include_str!("openapi.json");

/// Answers one request to the Worker.
pub async fn handle(req: Request, env: Env) -> worker::Result<Response> {
    let started = worker::Date::now().as_millis();
    let request_id = secrets::new_participant_id().unwrap_or_default();
    let method = req.method();
    let route = Route::parse(&method, &req.path());
    let pattern = route.as_ref().map(Route::pattern).unwrap_or("unmatched");
    let appointment = match &route {
        Ok(Route::Appointment { id, .. } | Route::Page { id }) => Some(id.clone()),
        _ => None,
    };
    let response = match route {
        Ok(route) => match dispatch(req, &env, route, &request_id).await {
            Ok(r) => r,
            Err(e) => e.to_response(),
        },
        Err(e) => e.to_response(),
    };
    let status = response.status_code();
    // A new appointment's id is known only from the answer.
    let appointment = appointment.or_else(|| {
        let location = response.headers().get("location").ok().flatten()?;
        location.rsplit('/').next().map(str::to_string)
    });
    // A WebSocket upgrade's headers are the runtime's to keep.
    let tagged = response.headers().get(REQUEST_ID_HEADER).ok().flatten();
    let response = if status == 101 || tagged.as_deref() == Some(request_id.as_str()) {
        response
    } else {
        with_header(response, REQUEST_ID_HEADER, &request_id)
    };
    let line = json!({
        "request_id": request_id,
        "method": method.to_string(),
        "route": pattern,
        "status": status,
        "duration_ms": worker::Date::now().as_millis().saturating_sub(started),
        "appointment": appointment,
    });
    worker::console_log!("{line}");
    Ok(response)
}

async fn dispatch(
    mut req: Request,
    env: &Env,
    route: Route,
    request_id: &str,
) -> ApiResult<Response> {
    let body = if route.has_body() {
        Some(read_json_body(&mut req).await?)
    } else {
        None
    };
    match route {
        Route::Health => json_response(&json!({ "status": "ok" }), 200),
        Route::OpenApi => {
            let headers = Headers::new();
            headers.set("content-type", "application/json; charset=utf-8")?;
            Ok(Response::from_bytes(OPENAPI.as_bytes().to_vec())?.with_headers(headers))
        }
        Route::Stats => stats(&req, env).await,
        Route::Create => create(&req, env, body.unwrap_or_default(), request_id).await,
        Route::Appointment { id, op } => {
            if !secrets::is_valid_id(&id) {
                return Err(ApiError::NotFound);
            }
            if let Op::Availability(pid) | Op::Leave(pid) = &op {
                if !secrets::is_valid_id(pid) {
                    return Err(ApiError::NotFound);
                }
            }
            if op == Op::Live {
                return Ok(stub(env, &id)?.fetch_with_request(req).await?);
            }
            forward(&req, env, &id, &op, body, request_id).await
        }
        Route::Page { id } => page(&req, env, &id, request_id).await,
        Route::Asset => Ok(env.assets("ASSETS")?.fetch_request(req).await?),
    }
}

/// The body of a request that must carry JSON: 413 past 64 KiB, then 415
/// unless it says it is JSON.
async fn read_json_body(req: &mut Request) -> ApiResult<Vec<u8>> {
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(ApiError::PayloadTooLarge);
    }
    let bytes = req.bytes().await.unwrap_or_default();
    if bytes.len() > MAX_BODY_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let content_type = req.headers().get("content-type")?.unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::UnsupportedMediaType);
    }
    Ok(bytes)
}

/// `response` with one more header. Responses that come back from a
/// Durable Object or the assets have immutable headers, so this copies them.
fn with_header(response: Response, name: &str, value: &str) -> Response {
    let status = response.status_code();
    let headers = Headers::new();
    for (k, v) in response.headers().entries() {
        let _ = headers.append(&k, &v);
    }
    let _ = headers.set(name, value);
    let (_, body) = response.into_parts();
    match Response::from_body(body) {
        Ok(r) => r.with_status(status).with_headers(headers),
        Err(e) => ApiError::Internal(e.to_string()).to_response(),
    }
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

fn stub(env: &Env, id: &str) -> ApiResult<worker::Stub> {
    Ok(env
        .durable_object("APPOINTMENT")?
        .id_from_name(id)?
        .get_stub()?)
}

/// Sends `op` to the appointment's object and returns its answer.
async fn forward(
    req: &Request,
    env: &Env,
    id: &str,
    op: &Op,
    body: Option<Vec<u8>>,
    request_id: &str,
) -> ApiResult<Response> {
    let headers = Headers::new();
    for name in ["authorization", "if-none-match"] {
        if let Some(v) = req.headers().get(name)? {
            headers.set(name, &v)?;
        }
    }
    headers.set(ID_HEADER, id)?;
    // The object puts it on its answer, which then needs no rebuilding here.
    headers.set(REQUEST_ID_HEADER, request_id)?;
    headers.set(ORIGIN_HEADER, &public_origin(req, env))?;
    let mut init = RequestInit::new();
    init.with_headers(headers).with_method(if body.is_some() {
        Method::Post
    } else {
        Method::Get
    });
    if let Some(body) = body {
        init.with_body(Some(JsValue::from(js_sys::Uint8Array::from(
            body.as_slice(),
        ))));
    }
    let query = req
        .url()?
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let inner = Request::new_with_init(&format!("https://appointment{}{query}", op.path()), &init)?;
    Ok(stub(env, id)?.fetch_with_request(inner).await?)
}

/// Creates an appointment under a fresh id (a new one if, improbably, the
/// id is taken). Only a valid request counts against the client's
/// allowance of creations.
async fn create(req: &Request, env: &Env, body: Vec<u8>, request_id: &str) -> ApiResult<Response> {
    crate::appointment::parse_new_appointment(&body, crate::appointment::now_ms())?;
    take_creation_allowance(req, env).await?;
    for _ in 0..3 {
        let id = secrets::new_appointment_id().map_err(ApiError::Internal)?;
        let response = forward(req, env, &id, &Op::Create, Some(body.clone()), request_id).await?;
        if response.status_code() != 409 {
            return Ok(response);
        }
    }
    Err(ApiError::Internal(
        "no free appointment id after 3 tries".into(),
    ))
}

/// Counts one creation against the client address's allowance
/// (`CREATE_LIMIT_PER_MINUTE`, default 30): 429 with `Retry-After` past it.
async fn take_creation_allowance(req: &Request, env: &Env) -> ApiResult<()> {
    let limit = env
        .var("CREATE_LIMIT_PER_MINUTE")
        .ok()
        .and_then(|v| v.to_string().trim().parse::<u32>().ok())
        .unwrap_or(30);
    let client = req
        .headers()
        .get("cf-connecting-ip")?
        .unwrap_or_else(|| "unknown".into());
    let limiter = env
        .durable_object("LIMITER")?
        .id_from_name(&format!("create:{client}"))?
        .get_stub()?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post);
    let ask = Request::new_with_init(
        &format!("https://limiter/take?limit={limit}&window=60000"),
        &init,
    )?;
    let answer = limiter.fetch_with_request(ask).await?;
    if answer.status_code() == 429 {
        let retry_after = answer
            .headers()
            .get("retry-after")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(60);
        return Err(ApiError::TooManyAttempts { retry_after });
    }
    Ok(())
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
    let given = secrets::bearer(given.as_deref()).ok_or(ApiError::UNAUTHORIZED)?;
    if !secrets::same_secret(&secrets::token_hash(given), &secrets::token_hash(&expected)) {
        return Err(ApiError::UNAUTHORIZED);
    }
    let stats = crate::index::stats(&env.d1("DB")?, crate::appointment::now_ms()).await?;
    json_response(&json!(stats), 200)
}

/// Asks an appointment's object to delete itself if it has expired; the
/// scheduled sweep calls this for every entry the index believes expired.
pub async fn sweep_one(env: &Env, id: &str) -> ApiResult<u16> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post);
    let ask = Request::new_with_init(&format!("https://appointment{}", Op::Sweep.path()), &init)?;
    Ok(stub(env, id)?.fetch_with_request(ask).await?.status_code())
}

/// `/a/{id}`: the app page, or a page saying there is no such appointment.
async fn page(req: &Request, env: &Env, id: &str, request_id: &str) -> ApiResult<Response> {
    let exists = secrets::is_valid_id(id)
        && forward(req, env, id, &Op::Exists, None, request_id)
            .await?
            .status_code()
            == 200;
    let (asset, status) = if exists {
        ("https://assets.local/app", 200)
    } else {
        ("https://assets.local/notfound", 404)
    };
    let mut asset = env.assets("ASSETS")?.fetch(asset, None).await?;
    let bytes = asset.bytes().await?;
    let headers = Headers::new();
    headers.set("content-type", "text/html; charset=utf-8")?;
    headers.set("content-security-policy", CSP)?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("referrer-policy", "no-referrer")?;
    headers.set("cache-control", "no-cache")?;
    Ok(Response::from_bytes(bytes)?
        .with_status(status)
        .with_headers(headers))
}
