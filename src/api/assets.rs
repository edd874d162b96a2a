//! Static assets, which the Worker serves (it sees every request first):
//! `HEAD` is answered from GET's headers, since the assets binding answers
//! HEAD with a length of 0, and a path with no asset gets the app's own
//! not-found page with status 404. The assets' own answers carry their
//! entity tags and answer `If-None-Match` with `304` (the request's
//! headers go along).

use worker::{Env, Method, Request, RequestInit, Response};

use super::html_page;
use crate::error::ApiResult;

/// The asset at the request's path (as GET, whatever the read method:
/// the Worker drops the body of a HEAD and keeps GET's headers).
pub(super) async fn serve(req: &Request, env: &Env) -> ApiResult<Response> {
    let assets = env.assets("ASSETS")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Get)
        .with_headers(req.headers().clone());
    let get = Request::new_with_init(req.url()?.as_ref(), &init)?;
    let found = assets.fetch_request(get).await?;
    if found.status_code() != 404 {
        return Ok(found);
    }
    let mut page = assets.fetch("https://assets.local/notfound", None).await?;
    html_page(page.bytes().await?, 404, None)
}
