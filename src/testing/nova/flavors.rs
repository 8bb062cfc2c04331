//! `GET /flavors`, `/flavors/detail`, `/flavors/{id}`.

use serde_json::{Map, Value, json};

use super::{Microversion, Paging, fault, links};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;

/// A flavor of the fake cloud.
pub(crate) struct Flavor {
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    /// MiB.
    pub(crate) ram: u64,
    /// GiB.
    pub(crate) disk: u64,
    pub(crate) vcpus: u64,
}

/// The flavors, sorted by id as Nova sorts them by default (`flavorid` ascending).
pub(crate) const FLAVORS: [Flavor; 3] = [
    Flavor {
        id: "1",
        name: "m1.tiny",
        ram: 512,
        disk: 1,
        vcpus: 1,
    },
    Flavor {
        id: "2",
        name: "m1.small",
        ram: 2048,
        disk: 20,
        vcpus: 1,
    },
    Flavor {
        id: "42",
        name: "m1.nano",
        ram: 128,
        disk: 1,
        vcpus: 1,
    },
];

/// A flavor by id.
pub(crate) fn find(id: &str) -> Option<&'static Flavor> {
    FLAVORS.iter().find(|f| f.id == id)
}

fn summary(base: &str, f: &Flavor, version: Microversion) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(f.id));
    m.insert("name".into(), json!(f.name));
    m.insert("links".into(), links(base, "flavors", f.id));
    if version.at_least(55) {
        m.insert("description".into(), Value::Null);
    }
    Value::Object(m)
}

fn detail(base: &str, f: &Flavor, version: Microversion) -> Value {
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
        if version.at_least(75) {
            json!(0)
        } else {
            json!("")
        },
    );
    m.insert("rxtx_factor".into(), json!(1.0));
    m.insert("OS-FLV-EXT-DATA:ephemeral".into(), json!(0));
    m.insert("OS-FLV-DISABLED:disabled".into(), json!(false));
    m.insert("os-flavor-access:is_public".into(), json!(true));
    if version.at_least(61) {
        m.insert("extra_specs".into(), json!({}));
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

/// `GET /flavors[/detail]` with `minRam`, `minDisk`, `limit`, `marker`.
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
    if let Some(marker) = paging.marker {
        if find(marker).is_none() {
            return Paging::marker_not_found(marker);
        }
    }
    let page: Vec<&Flavor> = FLAVORS
        .iter()
        .filter(|f| f.ram >= min_ram && f.disk >= min_disk)
        .filter(|f| paging.marker.is_none_or(|m| f.id > m))
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
        page.last().map(|f| f.id),
    ) {
        out.insert("flavors_links".into(), links);
    }
    Resp::json(200, &Value::Object(out))
}

/// `GET /flavors/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, id: &str) -> Resp {
    match find(id) {
        Some(f) => Resp::json(
            200,
            &json!({"flavor": detail(&ctx.shared.base, f, version)}),
        ),
        None => fault(404, &format!("Flavor {id} could not be found.")),
    }
}
