//! The Worker's side of the protocol: reaching an appointment's object (or
//! a limiter) and reading its typed replies. The HTTP edge and the cron
//! sweep both call objects through here.

use wasm_bindgen::JsValue;
use worker::{Env, Method, Request, RequestInit, Response};

use super::{encode, Answer, Call, Reply, CALL_URL};
use crate::error::{ApiError, ApiResult};

/// The Durable Object of appointment `id`.
pub fn appointment_stub(env: &Env, id: &str) -> ApiResult<worker::Stub> {
    Ok(env
        .durable_object("APPOINTMENT")?
        .id_from_name(id)?
        .get_stub()?)
}

/// POSTs `bytes` to `url` on `stub`.
pub async fn post(stub: &worker::Stub, url: &str, bytes: &[u8]) -> ApiResult<Response> {
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_body(Some(JsValue::from(js_sys::Uint8Array::from(bytes))));
    Ok(stub
        .fetch_with_request(Request::new_with_init(url, &init)?)
        .await?)
}

/// Sends `call` (with the client's `body`) to its appointment's object:
/// its typed answer.
pub async fn send(env: &Env, call: &Call, body: &[u8]) -> ApiResult<Answer> {
    let stub = appointment_stub(env, &call.appointment)?;
    let mut answer = post(&stub, CALL_URL, &encode(call, body)).await?;
    read_answer(&mut answer).await
}

/// An object's answer as it came back: its reply and body.
pub async fn read_answer(answer: &mut Response) -> ApiResult<Answer> {
    let bytes = answer.bytes().await?;
    Answer::from_bytes(&bytes).map_err(|bad| {
        ApiError::Internal(format!(
            "unreadable answer of an object ({}): {}",
            answer.status_code(),
            bad.0
        ))
    })
}

/// The JSON body of a [`Reply::Ok`]; a refusal is the error it names;
/// any other reply is our fault.
pub fn value_of<T: serde::de::DeserializeOwned>(answer: Answer) -> ApiResult<T> {
    match answer.reply {
        Reply::Ok => serde_json::from_slice(&answer.body)
            .map_err(|e| ApiError::Internal(format!("object reply: {e}"))),
        Reply::Refused { error, retry_after } => Err(ApiError::Relayed { error, retry_after }),
        other => Err(ApiError::Internal(format!("unexpected reply {other:?}"))),
    }
}

/// A limiter's JSON reply; any other answer is our fault.
pub async fn read_reply<T: serde::de::DeserializeOwned>(answer: &mut Response) -> ApiResult<T> {
    let status = answer.status_code();
    let bytes = answer.bytes().await?;
    if status != 200 {
        return Err(ApiError::Internal(format!(
            "object answered {status}: {}",
            String::from_utf8_lossy(&bytes)
        )));
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError::Internal(format!("object reply: {e}")))
}
