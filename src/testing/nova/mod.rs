//! Nova (compute v2.1) under `/compute`.

mod actions;
mod admin_actions;
pub(crate) mod aggregates;
mod checks;
mod consoles;
mod crypto;
mod extra_specs;
mod extras;
mod flavor_access;
mod flavor_manage;
pub(crate) mod flavors;
mod guest_actions;
mod hypervisors;
pub(crate) mod instance_actions;
mod interfaces;
pub(crate) mod keypairs;
mod microversion;
pub(crate) mod migrations;
pub(crate) mod model;
mod more_actions;
mod quota_sets;
mod rescue_shelve;
mod schema;
pub(crate) mod server_groups;
mod server_info;
mod server_meta;
mod servers;
pub(crate) mod services;
mod snapshots;
mod soft_delete;
pub(crate) mod view;

use hyper::Method;
use serde_json::{Value, json};

pub(crate) use microversion::Microversion;
pub(crate) use servers::settle_all as settle_servers;

use super::http::{Req, Resp, encode_query, segments};
use super::server::Ctx;
use super::state::TokenScope;

/// Nova's fault body: `{"<name>": {"code", "message"}}`, the name chosen by status as Nova does.
pub(crate) fn fault(status: u16, message: &str) -> Resp {
    let name = match status {
        400 => "badRequest",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "itemNotFound",
        405 => "badMethod",
        409 => "conflictingRequest",
        413 | 429 => "overLimit",
        415 => "badMediaType",
        501 => "notImplemented",
        503 => "serviceUnavailable",
        _ => "computeFault",
    };
    // webob's faults (Nova's) carry a charset; its successful answers do not.
    Resp::json(
        status,
        &json!({ name: {"code": status, "message": message} }),
    )
    .with_content_type("application/json; charset=UTF-8")
}

/// A 413/429 fault with Nova's `retryAfter` (the `Retry-After` value, as a string), as Nova's
/// fault wrapper adds it.
pub(crate) fn fault_retry_after(status: u16, message: &str, retry_after: &str) -> Resp {
    Resp::json(
        status,
        &json!({"overLimit": {"code": status, "message": message, "retryAfter": retry_after}}),
    )
    .with_content_type("application/json; charset=UTF-8")
}

pub(crate) fn not_found() -> Resp {
    fault(404, "The resource could not be found.")
}

/// oslo.policy's 403 for a rule the caller's roles do not pass (admin-only calls).
pub(crate) fn policy_denied(rule: &str) -> Resp {
    fault(
        403,
        &format!("Policy doesn't allow {rule} to be performed."),
    )
}

fn method_not_allowed() -> Resp {
    fault(405, "The method is not allowed for this resource.")
}

/// Nova's JSON-schema style 400: `Invalid input for field/attribute {field}. Value: {value}.
/// {detail}` (`detail` alone for the top level, `field` empty).
pub(crate) fn invalid_input(field: &str, value: &Value, detail: &str) -> Resp {
    schema::invalid(field, value, detail)
}

/// A path segment with `%XX` escapes decoded (keypair names, metadata keys and tags may hold
/// spaces and other characters); invalid escapes are kept as they are.
fn decode_segment(seg: &str) -> String {
    let bytes = seg.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A path segment percent-encoded for a URL (the reverse of [`decode_segment`]).
pub(crate) fn encode_segment(seg: &str) -> String {
    let mut out = String::with_capacity(seg.len());
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Routes a request below `/compute`.
pub(crate) fn route(ctx: &Ctx<'_>, rest: &str) -> Resp {
    let get = matches!(ctx.req.method, Method::GET | Method::HEAD);
    match rest {
        "" | "/" if get => return versions(ctx),
        "/v2.1" | "/v2.1/" if get => return Resp::json(200, &json!({"version": version_doc(ctx)})),
        "" | "/" | "/v2.1" | "/v2.1/" => return method_not_allowed(),
        _ => {}
    }
    let Some(api_path) = rest.strip_prefix("/v2.1") else {
        return not_found();
    };
    let Some(scope) = ctx.scope() else {
        return ctx.unauthorized();
    };
    let version = match microversion::negotiate(ctx.req) {
        Ok(v) => v,
        Err(resp) => return resp,
    };
    let resp = if scope != TokenScope::Project {
        fault(
            403,
            "Policy doesn't allow os_compute_api:servers:index to be performed.",
        )
    } else {
        dispatch(ctx, api_path, version)
    };
    microversion::echo(resp, version)
}

fn dispatch(ctx: &Ctx<'_>, path: &str, version: Microversion) -> Resp {
    let Some(raw) = segments(path) else {
        return not_found();
    };
    let decoded: Vec<String> = raw.iter().map(|p| decode_segment(p)).collect();
    let parts: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let m = &ctx.req.method;
    let get = matches!(*m, Method::GET | Method::HEAD);
    let (post, put, delete) = (*m == Method::POST, *m == Method::PUT, *m == Method::DELETE);
    if let ["servers", id, rest @ ..] = parts.as_slice() {
        if let Some(refused) = servers::refusal(ctx, id, get && rest.is_empty()) {
            return refused;
        }
    }
    match parts.as_slice() {
        ["flavors"] if get => flavors::list(ctx, version, false),
        ["flavors", "detail"] if get => flavors::list(ctx, version, true),
        ["flavors"] if post => flavor_manage::create(ctx, version),
        ["flavors", id] if get => flavors::show(ctx, version, id),
        ["flavors", id] if put => flavor_manage::update(ctx, version, id),
        ["flavors", id] if delete => flavor_manage::delete(ctx, id),
        ["flavors", id, "action"] if post => flavor_access::action(ctx, version, id),
        ["flavors", id, "os-flavor-access"] if get => flavor_access::index(ctx, id),
        ["flavors", id, "os-extra_specs"] if get => extra_specs::show(ctx, id, None),
        ["flavors", id, "os-extra_specs"] if post => extra_specs::create(ctx, version, id),
        ["flavors", id, "os-extra_specs", key] if get => extra_specs::show(ctx, id, Some(key)),
        ["flavors", id, "os-extra_specs", key] if put => extra_specs::update(ctx, version, id, key),
        ["flavors", id, "os-extra_specs", key] if delete => extra_specs::delete(ctx, id, key),
        ["limits"] if get => extras::limits(ctx, version),
        ["os-availability-zone"] if get => extras::availability_zones(ctx, false),
        ["os-availability-zone", "detail"] if get => extras::availability_zones(ctx, true),
        ["os-quota-sets", project] if get => extras::quota_set(ctx, version, project, false, false),
        ["os-quota-sets", project] if put => quota_sets::update(ctx, version, project),
        ["os-quota-sets", project] if delete => quota_sets::delete(ctx, project),
        ["os-quota-sets", project, "detail"] if get => {
            extras::quota_set(ctx, version, project, true, false)
        }
        ["os-quota-sets", project, "defaults"] if get => {
            extras::quota_set(ctx, version, project, false, true)
        }
        ["os-aggregates"] if get => aggregates::list(ctx, version),
        ["os-aggregates"] if post => aggregates::create(ctx, version),
        ["os-aggregates", id] if get => aggregates::show(ctx, version, id),
        ["os-aggregates", id] if put => aggregates::update(ctx, version, id),
        ["os-aggregates", id] if delete => aggregates::delete(ctx, id),
        ["os-aggregates", id, "action"] if post => aggregates::action(ctx, version, id),
        ["os-hypervisors"] if get => hypervisors::list(ctx, version, false),
        ["os-hypervisors", "detail"] if get => hypervisors::list(ctx, version, true),
        ["os-hypervisors", id] if get => hypervisors::show(ctx, version, id),
        ["os-migrations"] if get => migrations::index(ctx, version),
        ["os-services"] if get => services::list(ctx, version),
        ["os-services", id] if put => services::update(ctx, version, id),
        ["servers", id, "ips"] if get => server_info::ips(ctx, id),
        ["servers", id, "ips", label] if get => server_info::ips_on(ctx, id, label),
        ["servers", id, "diagnostics"] if get => server_info::diagnostics(ctx, version, id),
        ["servers", id, "os-server-password"] if get => server_info::password(ctx, id),
        ["servers", id, "os-server-password"] if delete => server_info::clear_password(ctx, id),
        ["servers", id, "topology"] if get => server_info::topology(ctx, version, id),
        ["servers", id, "remote-consoles"] if post => consoles::create(ctx, version, id),
        ["servers", id, "os-instance-actions"] if get => instance_actions::index(ctx, version, id),
        ["servers", id, "os-instance-actions", req] if get => {
            instance_actions::show(ctx, version, id, req)
        }
        ["servers"] if get => servers::list(ctx, version, false),
        ["servers"] if post => servers::create(ctx, version),
        ["servers", "detail"] if get => servers::list(ctx, version, true),
        ["servers", id] if get => servers::show(ctx, version, id),
        ["servers", id] if delete => servers::delete(ctx, id),
        ["servers", id, "action"] if post => actions::action(ctx, version, id),
        ["servers", id, "metadata"] if get => server_meta::index(ctx, id),
        ["servers", id, "metadata"] if post => server_meta::update(ctx, id, false),
        ["servers", id, "metadata"] if put => server_meta::update(ctx, id, true),
        ["servers", id, "metadata", key] if get => server_meta::show(ctx, id, key),
        ["servers", id, "metadata", key] if put => server_meta::set_item(ctx, id, key),
        ["servers", id, "metadata", key] if delete => server_meta::delete_item(ctx, id, key),
        ["servers", id, "tags"] if get => server_meta::tags(ctx, version, id),
        ["servers", id, "tags"] if put => server_meta::replace_tags(ctx, version, id),
        ["servers", id, "tags"] if delete => server_meta::clear_tags(ctx, version, id),
        ["servers", id, "tags", tag] if get => server_meta::has_tag(ctx, version, id, tag),
        ["servers", id, "tags", tag] if put => server_meta::add_tag(ctx, version, id, tag),
        ["servers", id, "tags", tag] if delete => server_meta::remove_tag(ctx, version, id, tag),
        ["servers", id, "os-interface"] if get => interfaces::index(ctx, version, id),
        ["servers", id, "os-interface"] if post => interfaces::create(ctx, version, id),
        ["servers", id, "os-interface", port] if get => interfaces::show(ctx, version, id, port),
        ["servers", id, "os-interface", port] if delete => interfaces::delete(ctx, id, port),
        ["os-keypairs"] if get => keypairs::list(ctx, version),
        ["os-keypairs"] if post => keypairs::create(ctx, version),
        ["os-keypairs", name] if get => keypairs::show(ctx, version, name),
        ["os-keypairs", name] if delete => keypairs::delete(ctx, version, name),
        ["os-server-groups"] if get => server_groups::list(ctx, version),
        ["os-server-groups"] if post => server_groups::create(ctx, version),
        ["os-server-groups", id] if get => server_groups::show(ctx, version, id),
        ["os-server-groups", id] if delete => server_groups::delete(ctx, id),
        ["flavors" | "servers" | "os-keypairs" | "os-server-groups"]
        | [
            "flavors" | "servers" | "os-keypairs" | "os-server-groups",
            _,
        ]
        | [
            "servers",
            _,
            "action" | "metadata" | "tags" | "os-interface",
        ]
        | ["servers", _, "metadata" | "tags" | "os-interface", _]
        | ["limits" | "os-availability-zone" | "os-quota-sets" | "os-aggregates"]
        | ["os-hypervisors" | "os-migrations" | "os-services"]
        | [
            "os-aggregates" | "os-hypervisors" | "os-services" | "os-quota-sets",
            _,
        ]
        | ["os-aggregates", _, "action"]
        | [
            "flavors",
            _,
            "os-extra_specs" | "os-flavor-access" | "action",
        ]
        | ["flavors", _, "os-extra_specs", _]
        | ["os-availability-zone", "detail"]
        | [
            "servers",
            _,
            "ips"
            | "diagnostics"
            | "os-server-password"
            | "topology"
            | "remote-consoles"
            | "os-instance-actions",
        ]
        | ["servers", _, "ips" | "os-instance-actions", _]
        | ["os-quota-sets", _, _] => method_not_allowed(),
        _ => not_found(),
    }
}

fn version_doc(ctx: &Ctx<'_>) -> Value {
    json!({
        "id": "v2.1",
        "status": "CURRENT",
        "version": microversion::MAX.to_string(),
        "min_version": microversion::MIN.to_string(),
        "updated": "2013-07-23T11:33:21Z",
        "links": [
            {"rel": "self", "href": format!("{}/compute/v2.1/", ctx.shared.base)},
            {"rel": "describedby", "type": "text/html", "href": "http://docs.openstack.org/"}
        ],
        "media-types": [{
            "base": "application/json",
            "type": "application/vnd.openstack.compute+json;version=2.1"
        }]
    })
}

fn versions(ctx: &Ctx<'_>) -> Resp {
    let base = &ctx.shared.base;
    Resp::json(
        200,
        &json!({"versions": [
            {
                "id": "v2.0",
                "status": "SUPPORTED",
                "version": "",
                "min_version": "",
                "updated": "2011-01-21T11:33:21Z",
                "links": [{"rel": "self", "href": format!("{base}/compute/v2/")}]
            },
            {
                "id": "v2.1",
                "status": "CURRENT",
                "version": microversion::MAX.to_string(),
                "min_version": microversion::MIN.to_string(),
                "updated": "2013-07-23T11:33:21Z",
                "links": [{"rel": "self", "href": format!("{base}/compute/v2.1/")}]
            }
        ]}),
    )
}

/// `self` and `bookmark` links for a resource, as Nova spells them (no project id in the URL).
pub(crate) fn links(base: &str, collection: &str, id: &str) -> Value {
    json!([
        {"rel": "self", "href": format!("{base}/compute/v2.1/{collection}/{id}")},
        {"rel": "bookmark", "href": format!("{base}/compute/{collection}/{id}")}
    ])
}

/// The `limit` and `marker` of a list request, validated.
pub(crate) struct Paging<'a> {
    /// Page size after capping at `max_limit`.
    pub(crate) limit: usize,
    pub(crate) marker: Option<&'a str>,
}

impl<'a> Paging<'a> {
    /// Reads `limit` (non-negative integer, capped at `max_limit`; absent means `max_limit`) and
    /// `marker`.
    pub(crate) fn from_request(req: &'a Req, max_limit: usize) -> Result<Self, Resp> {
        let limit = match req.query_first("limit") {
            None => max_limit,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) => n.min(max_limit),
                Err(_) => {
                    return Err(fault(
                        400,
                        &format!(
                            "Invalid input for query parameters limit. Value: {raw}. '{raw}' does \
                             not match '^[0-9]*$'"
                        ),
                    ));
                }
            },
        };
        Ok(Paging {
            limit,
            marker: req.query_first("marker"),
        })
    }

    /// Nova's `400 marker [x] not found`.
    pub(crate) fn marker_not_found(marker: &str) -> Resp {
        fault(400, &format!("marker [{marker}] not found"))
    }

    /// `*_links` for a page: a `next` link when the page is full (Nova links whenever the page
    /// holds exactly `limit` items, so a last page that is exactly full is followed by an empty
    /// one), with the request's parameters sorted and `marker` replaced by `last_id`.
    pub(crate) fn next_links(
        &self,
        req: &Req,
        base: &str,
        collection: &str,
        page_len: usize,
        last_id: Option<&str>,
    ) -> Option<Value> {
        let last_id = last_id?;
        if self.limit == 0 || page_len != self.limit {
            return None;
        }
        let mut params: Vec<(&str, &str)> = req
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        params.sort();
        params.dedup_by(|a, b| a.0 == b.0);
        match params.iter_mut().find(|(k, _)| *k == "marker") {
            Some(entry) => entry.1 = last_id,
            None => params.push(("marker", last_id)),
        }
        Some(json!([{
            "rel": "next",
            "href": format!("{base}/compute/v2.1/{collection}?{}", encode_query(params))
        }]))
    }
}
