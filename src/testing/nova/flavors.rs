//! `GET /flavors`, `/flavors/detail`, `/flavors/{id}`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Microversion, Paging, fault, links};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// A flavor of the fake cloud.
#[derive(Clone, Debug)]
pub(crate) struct Flavor {
    pub(crate) id: String,
    pub(crate) name: String,
    /// MiB.
    pub(crate) ram: u64,
    /// GiB.
    pub(crate) disk: u64,
    pub(crate) vcpus: u64,
    /// GiB.
    pub(crate) ephemeral: u64,
    /// MiB.
    pub(crate) swap: u64,
    pub(crate) is_public: bool,
    pub(crate) description: Option<String>,
    pub(crate) extra_specs: BTreeMap<String, String>,
    /// Deleted with `DELETE /flavors/{id}`: gone from the API, but the servers booted from it
    /// keep it (Nova keeps a copy of the flavor with each instance).
    pub(crate) deleted: bool,
}

impl Flavor {
    fn seed(id: &str, name: &str, ram: u64, disk: u64) -> Flavor {
        Flavor {
            id: id.into(),
            name: name.into(),
            ram,
            disk,
            vcpus: 1,
            ephemeral: 0,
            swap: 0,
            is_public: true,
            description: None,
            extra_specs: BTreeMap::new(),
            deleted: false,
        }
    }

    /// The seeded flavors, as a devstack's (and the minicloud's): m1.tiny (`1`), m1.small (`2`),
    /// m1.nano (`42`).
    pub(crate) fn seeds() -> Vec<Flavor> {
        vec![
            Flavor::seed("1", "m1.tiny", 512, 1),
            Flavor::seed("2", "m1.small", 2048, 20),
            Flavor::seed("42", "m1.nano", 128, 1),
        ]
    }
}

/// Nova sorts flavors by `flavorid` ascending, as strings.
pub(crate) fn sort(flavors: &mut [Flavor]) {
    flavors.sort_by(|a, b| a.id.cmp(&b.id));
}

/// A flavor by id, deleted ones too (what a server booted from it shows and counts).
pub(crate) fn find<'a>(state: &'a State, id: &str) -> Option<&'a Flavor> {
    find_live(state, id).or_else(|| state.flavors.iter().find(|f| f.id == id))
}

/// A flavor by id that is not deleted (what the API serves and new servers may use).
pub(crate) fn find_live<'a>(state: &'a State, id: &str) -> Option<&'a Flavor> {
    state.flavors.iter().find(|f| f.id == id && !f.deleted)
}

fn summary(base: &str, f: &Flavor, version: Microversion) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert("name".into(), json!(f.name));
    m.insert("links".into(), links(base, "flavors", &f.id));
    if version.at_least(55) {
        m.insert("description".into(), json!(f.description));
    }
    Value::Object(m)
}

pub(crate) fn detail(base: &str, f: &Flavor, version: Microversion) -> Value {
    let mut m = match summary(base, f, version) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    m.insert("ram".into(), json!(f.ram));
    m.insert("disk".into(), json!(f.disk));
    m.insert("vcpus".into(), json!(f.vcpus));
    // Before 2.75 a flavor without swap shows "" rather than 0.
    m.insert(
        "swap".into(),
        if f.swap == 0 && !version.at_least(75) {
            json!("")
        } else {
            json!(f.swap)
        },
    );
    m.insert("rxtx_factor".into(), json!(1.0));
    m.insert("OS-FLV-EXT-DATA:ephemeral".into(), json!(f.ephemeral));
    m.insert("OS-FLV-DISABLED:disabled".into(), json!(false));
    m.insert("os-flavor-access:is_public".into(), json!(f.is_public));
    if version.at_least(61) {
        m.insert("extra_specs".into(), json!(f.extra_specs));
    }
    Value::Object(m)
}

fn min_filter(ctx: &Ctx<'_>, key: &str) -> Result<u64, Resp> {
    match ctx.req.query_first(key) {
        None => Ok(0),
        Some(raw) => raw.parse().map_err(|_| {
            let name = if key == "minRam" {
                "min_ram"
            } else {
                "min_disk"
            };
            fault(400, &format!("Invalid {name} filter [{raw}]"))
        }),
    }
}

/// `GET /flavors[/detail]` with `minRam`, `minDisk`, `is_public` (admins), `limit`, `marker`.
pub(crate) fn list(ctx: &Ctx<'_>, version: Microversion, detailed: bool) -> Resp {
    let base = ctx.shared.base.as_str();
    let (min_ram, min_disk) = match (min_filter(ctx, "minRam"), min_filter(ctx, "minDisk")) {
        (Ok(r), Ok(d)) => (r, d),
        (Err(resp), _) | (_, Err(resp)) => return resp,
    };
    let paging = match Paging::from_request(ctx.req, ctx.shared.settings.max_limit) {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    // Nova lists public flavors and those the project has access to; admins may ask for
    // `is_public=false` (private only) or `is_public=none` (all).
    let is_public = match ctx.req.query_first("is_public").filter(|_| ctx.is_admin()) {
        None => Some(true),
        Some(raw) => match raw.to_ascii_lowercase().as_str() {
            "none" => None,
            "1" | "t" | "true" | "on" | "y" | "yes" => Some(true),
            "0" | "f" | "false" | "off" | "n" | "no" => Some(false),
            _ => return fault(400, &format!("Invalid is_public filter [{raw}]")),
        },
    };
    let state = ctx.shared.lock();
    if let Some(marker) = paging.marker {
        if find(&state, marker).is_none() {
            return Paging::marker_not_found(marker);
        }
    }
    let page: Vec<&Flavor> = state
        .flavors
        .iter()
        .filter(|f| !f.deleted)
        .filter(|f| match is_public {
            None => true,
            Some(true) => f.is_public || super::flavor_access::has_access(ctx, &state, f),
            Some(false) => !f.is_public,
        })
        .filter(|f| f.ram >= min_ram && f.disk >= min_disk)
        .filter(|f| paging.marker.is_none_or(|m| f.id.as_str() > m))
        .take(paging.limit)
        .collect();
    let body: Vec<Value> = page
        .iter()
        .map(|f| {
            if detailed {
                detail(base, f, version)
            } else {
                summary(base, f, version)
            }
        })
        .collect();
    let collection = if detailed {
        "flavors/detail"
    } else {
        "flavors"
    };
    let mut out = Map::new();
    out.insert("flavors".into(), Value::Array(body));
    if let Some(links) = paging.next_links(
        ctx.req,
        base,
        collection,
        page.len(),
        page.last().map(|f| f.id.as_str()),
    ) {
        out.insert("flavors_links".into(), links);
    }
    Resp::json(200, &Value::Object(out))
}

/// `GET /flavors/{id}`: 404 for a private flavor the caller's project has no access to
/// (admins see them all).
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match super::flavor_access::find_visible(ctx, &state, id) {
        Ok(f) => Resp::json(
            200,
            &json!({"flavor": detail(&ctx.shared.base, f, version)}),
        ),
        Err(resp) => resp,
    }
}
