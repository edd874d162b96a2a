//! HTTP to the server under test: a request builder whose every answer is
//! checked for what must never happen (a 5xx, a known secret, a field
//! named like a password, hash or salt), and the response with helpers to
//! assert statuses and the contract's error shape.

use super::Server;
use serde_json::Value;
use std::io::Read;

impl Server {
    /// A request to `path` on this server; see [`Req`].
    pub fn req(&self, method: &str, path: &str) -> Req<'_> {
        Req {
            server: self,
            method: method.to_string(),
            path: path.to_string(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.req("GET", path).send()
    }

    /// A request with a JSON body and an optional bearer token.
    pub fn send_json(&self, method: &str, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.req(method, path).token(token).json(body).send()
    }

    pub fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.req("DELETE", path).token(token).send()
    }
}

/// A request under construction.
pub struct Req<'a> {
    server: &'a Server,
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

impl Req<'_> {
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// `Authorization: Bearer <token>` when a token is given.
    pub fn token(self, token: Option<&str>) -> Self {
        match token {
            Some(t) => self.header("Authorization", &format!("Bearer {t}")),
            None => self,
        }
    }

    /// A JSON body with `Content-Type: application/json`. A `password` in
    /// it (8 characters or more) becomes a secret no answer may contain.
    pub fn json(self, body: &Value) -> Self {
        if let Some(pw) = body.get("password").and_then(Value::as_str) {
            if pw.chars().count() >= 8 {
                self.server.remember_secret(pw);
            }
        }
        self.body(
            "application/json",
            serde_json::to_vec(body).expect("serialise"),
        )
    }

    /// A raw body with the given `Content-Type` (none when empty).
    pub fn body(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        if !content_type.is_empty() {
            self = self.header("Content-Type", content_type);
        }
        self.body = Some(bytes);
        self
    }

    /// Sends it; panics on a transport error or a 5xx, and on any known
    /// secret or hash-like field in the answer.
    pub fn send(self) -> Resp {
        let resp = self.try_send();
        assert!(resp.status < 500, "no request may produce a 5xx:\n{resp}");
        resp
    }

    /// Like [`Req::send`], but leaves a 5xx to the caller (for tables of
    /// cases that report every failure at the end).
    pub fn try_send(self) -> Resp {
        let described = self.describe();
        self.send_unless_cut_off()
            .unwrap_or_else(|t| panic!("{described}\n→ transport error: {t}"))
    }

    /// Like [`Req::try_send`], but a transport error (the server died, the
    /// connection was cut) is returned instead of panicking: for tests that
    /// kill the server under load.
    pub fn send_unless_cut_off(self) -> Result<Resp, String> {
        let url = format!("{}{}", self.server.base(), self.path);
        let known: Vec<String> = self.server.secrets.lock().unwrap().clone();
        let mut request = self.server.agent.request(&self.method, &url);
        // A header the test sets itself replaces it.
        if let Some(client) = &self.server.client {
            request = request.set("CF-Connecting-IP", client);
        }
        for (name, value) in &self.headers {
            request = request.set(name, value);
        }
        let result = match &self.body {
            Some(bytes) => request.send_bytes(bytes),
            None => request.call(),
        };
        let described = self.describe();
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(ureq::Error::Transport(t)) => return Err(t.to_string()),
        };
        let status = response.status();
        let headers: Vec<(String, String)> = response
            .headers_names()
            .into_iter()
            .map(|name| {
                let value = response.header(&name).unwrap_or_default().to_string();
                (name.to_ascii_lowercase(), value)
            })
            .collect();
        let mut raw = Vec::new();
        if let Err(e) = response.into_reader().take(16 << 20).read_to_end(&mut raw) {
            return Err(format!("reading the body failed: {e}"));
        }
        let body = String::from_utf8_lossy(&raw).into_owned();
        let json = serde_json::from_str(&body).unwrap_or(Value::Null);
        let resp = Resp {
            request: described,
            status,
            headers,
            body,
            json,
        };
        for secret in &known {
            assert!(
                !resp.body.contains(secret.as_str())
                    && !resp
                        .headers
                        .iter()
                        .any(|(_, v)| v.contains(secret.as_str())),
                "the answer contains a secret ({secret:?}) it must not:\n{resp}"
            );
        }
        // The OpenAPI document names the fields it describes; it holds no values.
        if self.path != "/api/openapi.json" {
            check_no_secret_fields(&resp.json, 0, &resp);
        }
        for key in ["token", "admin_token"] {
            if let Some(t) = resp.json.get(key).and_then(Value::as_str) {
                self.server.remember_secret(t);
            }
        }
        Ok(resp)
    }

    fn describe(&self) -> String {
        let mut s = format!("{} {}", self.method, self.path);
        for (name, value) in &self.headers {
            s.push_str(&format!("\n{name}: {value}"));
        }
        if let Some(body) = &self.body {
            let text = String::from_utf8_lossy(body);
            if text.len() > 600 {
                s.push_str(&format!(
                    "\n\n{}… ({} bytes)",
                    text.chars().take(300).collect::<String>(),
                    body.len()
                ));
            } else {
                s.push_str(&format!("\n\n{text}"));
            }
        }
        s
    }
}

/// No key anywhere names a password, hash or salt; `token` and
/// `admin_token` appear only at the top level (join and create answers).
fn check_no_secret_fields(value: &Value, depth: usize, resp: &Resp) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let k = key.to_ascii_lowercase();
                let bad = k.contains("password")
                    || k.contains("hash")
                    || k.contains("salt")
                    || (k.contains("token") && depth > 0);
                assert!(!bad, "the answer has a field {key:?} it must not:\n{resp}");
                check_no_secret_fields(inner, depth + 1, resp);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|v| check_no_secret_fields(v, depth + 1, resp)),
        _ => {}
    }
}

/// A response, with the request that produced it for failure messages.
pub struct Resp {
    pub request: String,
    pub status: u16,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body parsed as JSON, `Null` when it is not JSON.
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Asserts the status, showing the whole exchange when it differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Resp {
        assert_eq!(self.status, status, "unexpected status:\n{self}");
        self
    }

    /// Asserts that the `Content-Type` is `media` (parameters such as a
    /// charset may follow).
    #[track_caller]
    pub fn expect_content_type(&self, media: &str) -> &Resp {
        let ct = self.header("content-type").unwrap_or_default();
        assert!(ct.starts_with(media), "expected a {media} answer:\n{self}");
        self
    }

    /// Asserts an error answer: the status, JSON content type, and the
    /// shape `{"error":{"code","message"[,"field"]}}` with this code.
    #[track_caller]
    pub fn expect_error(&self, status: u16, code: &str) -> &Resp {
        if let Some(problem) = self.error_problem(status, code) {
            panic!("{problem}:\n{self}");
        }
        self
    }

    /// What is wrong with this answer as the error `status`/`code`, if
    /// anything: the status, the code, a JSON content type, and the shape
    /// `{"error":{"code","message"[,"field"]}}` with a non-empty message.
    pub fn error_problem(&self, status: u16, code: &str) -> Option<String> {
        let got = (self.status, self.json["error"]["code"].as_str());
        if got != (status, Some(code)) {
            return Some(format!(
                "expected {status} {code}, got {} {:?}",
                got.0, got.1
            ));
        }
        let ct = self.header("content-type").unwrap_or_default();
        if !ct.starts_with("application/json") {
            return Some(format!("errors are JSON, not {ct:?}"));
        }
        if self.json.as_object().map(|o| o.len()) != Some(1) {
            return Some("only `error` at the top level".into());
        }
        let error = self.json["error"].as_object()?;
        let message = error.get("message").and_then(Value::as_str).unwrap_or("");
        if message.trim().is_empty() {
            return Some("an error has a message a person can act on".into());
        }
        if !error
            .keys()
            .all(|k| k == "code" || k == "message" || k == "field")
        {
            return Some("an error has only code, message and field".into());
        }
        if error.get("field").is_some_and(|f| !f.is_string()) {
            return Some("`field` is a string".into());
        }
        None
    }
}

impl std::fmt::Display for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "request:\n{}", self.request)?;
        writeln!(f, "response: {}", self.status)?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        let body: String = self.body.chars().take(3000).collect();
        write!(f, "\n{body}")
    }
}
