//! Glance (image v2) under `/image`: version documents and `/v2/images`.

pub(crate) mod images;

use hyper::Method;
use serde_json::json;

use super::http::{Resp, reason, segments};
use super::server::Ctx;

/// Glance's error body: webob's JSON rendering of an `HTTPException` (the client sends
/// `Accept: application/json`), `{"message": "<explanation><br /><br />\n\n\n", "code": "404 Not
/// Found", "title": "Not Found"}`.
pub(crate) fn error(status: u16, explanation: &str) -> Resp {
    let title = reason(status);
    Resp::json(
        status,
        &json!({
            "message": format!("{explanation}<br /><br />\n\n\n"),
            "code": format!("{status} {title}"),
            "title": title
        }),
    )
}

fn not_found() -> Resp {
    error(404, "The resource could not be found.")
}

fn method_not_allowed(method: &Method) -> Resp {
    error(
        405,
        &format!("The method {method} is not allowed for this resource."),
    )
}

/// Routes a request below `/image`.
pub(crate) fn route(ctx: &Ctx<'_>, rest: &str) -> Resp {
    let method = &ctx.req.method;
    let get = matches!(*method, Method::GET | Method::HEAD);
    match rest {
        // Glance answers its root with 300 Multiple Choices, `/versions` with 200.
        "" | "/" if get => return Resp::json(300, &versions(ctx)),
        "/versions" if get => return Resp::json(200, &versions(ctx)),
        "" | "/" | "/versions" => return method_not_allowed(method),
        _ => {}
    }
    let Some(api) = rest.strip_prefix("/v2") else {
        return not_found();
    };
    if ctx.scope().is_none() {
        return ctx.unauthorized();
    }
    let Some(parts) = segments(api) else {
        return not_found();
    };
    match parts.as_slice() {
        ["images"] if get => images::list(ctx),
        ["images", id] if get => images::show(ctx, id),
        ["images", id] if *method == Method::DELETE => images::delete(ctx, id),
        ["images"] | ["images", _] => method_not_allowed(method),
        _ => not_found(),
    }
}

fn versions(ctx: &Ctx<'_>) -> serde_json::Value {
    let href = format!("{}/image/v2/", ctx.shared.base);
    let entry = |id: &str, status: &str| json!({"id": id, "status": status, "links": [{"rel": "self", "href": href}]});
    json!({"versions": [
        entry("v2.17", "CURRENT"),
        entry("v2.16", "SUPPORTED"),
        entry("v2.15", "SUPPORTED"),
        entry("v2.0", "SUPPORTED")
    ]})
}
