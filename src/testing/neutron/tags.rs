//! The tag extension on every taggable resource of the fake: `/v2.0/{collection}/{id}/tags`
//! (networks, subnets, ports, routers, floating IPs, security groups, trunks, subnet pools), answered as Neutron 28 does.
//!
//! - `GET …/tags`: 200 `{"tags": [...]}` (sorted).
//! - `PUT …/tags` with `{"tags": [...]}`: 200 with the tags as given (replaces all); 400
//!   `InvalidInput` for duplicates or a non-list.
//! - `DELETE …/tags`: 204 (removes all).
//! - `GET …/tags/{tag}`: 204 when present, 404 `TagNotFound`.
//! - `PUT …/tags/{tag}`: 201 with body `null` (adding a present tag changes nothing).
//! - `DELETE …/tags/{tag}`: 204; 404 `TagNotFound`.
//!
//! Each change raises the resource's `revision_number` by one. Real Neutron 28 answers a 500 for
//! the tags of a resource that does not exist; the fake answers the resource's own 404.

use chrono::{DateTime, Utc};
use hyper::Method;
use serde_json::{Value, json};

use super::{error, not_found};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// The collections the fake serves tags for.
pub(crate) const COLLECTIONS: [&str; 8] = [
    "networks",
    "subnets",
    "ports",
    "routers",
    "floatingips",
    "security-groups",
    "trunks",
    "subnetpools",
];

/// What the tag calls change on a resource.
struct Tagged<'a> {
    tags: &'a mut Vec<String>,
    revision: &'a mut u64,
    updated_at: &'a mut DateTime<Utc>,
}

impl Tagged<'_> {
    fn changed(&mut self) {
        *self.revision += 1;
        *self.updated_at = Utc::now();
    }
}

fn find<'a>(state: &'a mut State, collection: &str, id: &str) -> Option<Tagged<'a>> {
    macro_rules! pick {
        ($list:expr) => {
            $list.iter_mut().find(|r| r.id == id).map(|r| Tagged {
                tags: &mut r.tags,
                revision: &mut r.revision_number,
                updated_at: &mut r.updated_at,
            })
        };
    }
    match collection {
        "networks" => pick!(state.networks),
        "subnets" => pick!(state.subnets),
        "ports" => pick!(state.ports),
        "routers" => pick!(state.routers),
        "floatingips" => pick!(state.floating_ips),
        "security-groups" => pick!(state.security_groups),
        "trunks" => pick!(state.trunks),
        "subnetpools" => pick!(state.subnet_pools),
        _ => None,
    }
}

/// The resource's own 404, as its collection answers it.
fn missing(collection: &str, id: &str) -> Resp {
    match collection {
        "networks" => super::networks::network_not_found(id),
        "subnets" => super::subnets::subnet_not_found(id),
        "ports" => super::ports::port_not_found(id),
        "routers" => super::routers::router_not_found(id),
        "floatingips" => super::floating_ips::fip_not_found(id),
        "security-groups" => super::security_groups::group_not_found(id),
        "trunks" => super::trunks::trunk_not_found(id),
        "subnetpools" => super::subnet_pools::pool_not_found(id),
        _ => not_found(),
    }
}

fn tag_not_found(tag: &str) -> Resp {
    error(
        404,
        "TagNotFound",
        &format!("Tag {tag} could not be found."),
    )
}

fn invalid(message: &str) -> Resp {
    error(
        400,
        "InvalidInput",
        &format!("Invalid input for operation: {message}."),
    )
}

/// `…/{collection}/{id}/tags[/{tag}]`.
pub(crate) fn route(ctx: &Ctx<'_>, collection: &str, id: &str, tag: Option<&str>) -> Resp {
    let method = ctx.req.method.clone();
    // Parse the body before taking the lock.
    let replacement = if tag.is_none() && method == Method::PUT {
        let Some(body) = ctx.req.json_body() else {
            return super::bad_request("Malformed request body");
        };
        let list = match body.get("tags") {
            Some(Value::Array(items)) => items,
            Some(other) => return invalid(&format!("'{other}' is not a list")),
            None => return super::bad_request("Resource body required"),
        };
        let mut tags = Vec::with_capacity(list.len());
        for item in list {
            let Some(t) = item.as_str() else {
                return invalid(&format!("'{item}' is not a valid string"));
            };
            if tags.iter().any(|x: &String| x == t) {
                return invalid(&format!("Duplicate items in the list: '{t}'"));
            }
            tags.push(t.to_string());
        }
        Some(tags)
    } else {
        None
    };
    let mut state = ctx.shared.lock();
    let Some(mut item) = find(&mut state, collection, id) else {
        return missing(collection, id);
    };
    match (method, tag) {
        (Method::GET | Method::HEAD, None) => {
            let mut tags = item.tags.clone();
            tags.sort();
            Resp::json(200, &json!({ "tags": tags }))
        }
        (Method::PUT, None) => {
            let tags = replacement.unwrap_or_default();
            let mut sorted_new = tags.clone();
            sorted_new.sort();
            let mut sorted_old = item.tags.clone();
            sorted_old.sort();
            if sorted_new != sorted_old {
                *item.tags = tags.clone();
                item.changed();
            }
            Resp::json(200, &json!({ "tags": tags }))
        }
        (Method::DELETE, None) => {
            if !item.tags.is_empty() {
                item.tags.clear();
                item.changed();
            }
            Resp::empty(204)
        }
        (Method::GET | Method::HEAD, Some(t)) => {
            if item.tags.iter().any(|x| x == t) {
                Resp::empty(204)
            } else {
                tag_not_found(t)
            }
        }
        (Method::PUT, Some(t)) => {
            if !item.tags.iter().any(|x| x == t) {
                item.tags.push(t.to_string());
                item.changed();
            }
            Resp::json(201, &Value::Null)
        }
        (Method::DELETE, Some(t)) => {
            let before = item.tags.len();
            item.tags.retain(|x| x != t);
            if item.tags.len() == before {
                return tag_not_found(t);
            }
            item.changed();
            Resp::empty(204)
        }
        _ => super::method_not_allowed(),
    }
}
