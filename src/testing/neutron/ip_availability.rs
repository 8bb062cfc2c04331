//! `/v2.0/network-ip-availabilities[/{network_id}]` (`network-ip-availability`, admin): per
//! network and subnet, the addresses of the allocation pools (`total_ips`) and those ports hold
//! (`used_ips`), with Neutron 28's `ip_availability_details`, computed from the fake's networks,
//! subnets and ports. Without the admin role the list is empty and a network is 404.

use serde_json::{Map, Value, json};

use super::networks::{Collection, list_collection, network_not_found, project};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;
use crate::testing::state::State;

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The body for one network, its subnets ordered by id as Neutron lists them.
fn availability(state: &State, network_id: &str) -> Option<Map<String, Value>> {
    let net = state.networks.iter().find(|n| n.id == network_id)?;
    let mut subnets: Vec<_> = state
        .subnets
        .iter()
        .filter(|s| s.network_id == network_id)
        .collect();
    subnets.sort_by(|a, b| a.id.cmp(&b.id));
    let mut per_subnet = Vec::new();
    let (mut totals, mut used_all) = ([0u64; 4], 0u64);
    for s in subnets {
        let size = 1u64 << (32 - u32::from(s.net.1));
        let in_subnet = if s.net.1 >= 31 { size } else { size - 2 };
        let in_pools: u64 = s
            .pools
            .iter()
            .map(|(a, b)| u64::from(u32::from(*b)) - u64::from(u32::from(*a)) + 1)
            .sum();
        let held: Vec<_> = state
            .ports
            .iter()
            .flat_map(|p| p.fixed_ips.iter())
            .filter(|(sid, _)| *sid == s.id)
            .map(|(_, ip)| *ip)
            .collect();
        let used = count(held.len());
        let used_in_pools = count(
            held.iter()
                .filter(|ip| s.pools.iter().any(|(a, b)| *a <= **ip && **ip <= *b))
                .count(),
        );
        for (t, v) in totals
            .iter_mut()
            .zip([in_subnet, in_pools, used, used_in_pools])
        {
            *t += v;
        }
        used_all += used;
        per_subnet.push(json!({
            "subnet_id": s.id,
            "ip_version": 4,
            "cidr": format!("{}/{}", s.net.0, s.net.1),
            "subnet_name": s.name,
            "used_ips": used,
            "total_ips": in_pools,
            "ip_availability_details": {
                "total_ips_in_subnet": in_subnet,
                "total_ips_in_allocation_pool": in_pools,
                "used_ips_in_subnet": used,
                "used_ips_in_allocation_pool": used_in_pools,
            },
        }));
    }
    let mut m = Map::new();
    m.insert("id".into(), json!(net.id));
    m.insert("network_id".into(), json!(net.id));
    m.insert("network_name".into(), json!(net.name));
    m.insert("project_id".into(), json!(net.project_id));
    m.insert("subnet_ip_availability".into(), Value::Array(per_subnet));
    m.insert("used_ips".into(), json!(used_all));
    m.insert("total_ips".into(), json!(totals[1]));
    m.insert(
        "ip_availability_details".into(),
        json!({
            "total_ips_in_subnet": totals[0],
            "total_ips_in_allocation_pool": totals[1],
            "used_ips_in_subnet": totals[2],
            "used_ips_in_allocation_pool": totals[3],
        }),
    );
    m.insert("tenant_id".into(), json!(net.project_id));
    Some(m)
}

/// Drops the `id` the list needs for paging (Neutron's bodies have only `network_id`).
fn without_id(mut m: Map<String, Value>) -> Value {
    m.remove("id");
    Value::Object(m)
}

const FILTERABLE: [&str; 4] = ["network_id", "network_name", "project_id", "tenant_id"];

/// `GET /v2.0/network-ip-availabilities` (filters `network_id`, `network_name`, `project_id`,
/// `ip_version`).
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        if ctx.is_admin() {
            state
                .networks
                .iter()
                .filter_map(|n| availability(&state, &n.id))
                .collect()
        } else {
            Vec::new()
        }
    };
    let c = Collection {
        name: "network_ip_availabilities",
        filterable: &FILTERABLE,
        extra: &["ip_version"],
        not_found: network_not_found,
    };
    let versions: Vec<String> = ctx
        .req
        .query_all("ip_version")
        .map(str::to_string)
        .collect();
    let resp = list_collection(ctx, &c, all, |item| {
        Ok(versions.is_empty()
            || item["subnet_ip_availability"]
                .as_array()
                .is_some_and(|subs| {
                    subs.iter().any(|s| {
                        versions
                            .iter()
                            .any(|v| s["ip_version"].as_u64().is_some_and(|n| v.parse() == Ok(n)))
                    })
                }))
    });
    // Take out the paging key the fake's lister needs.
    let Some(mut body) = resp.json_value().filter(|_| resp.status == 200) else {
        return resp;
    };
    if let Some(items) = body
        .get_mut("network_ip_availabilities")
        .and_then(Value::as_array_mut)
    {
        for item in items.iter_mut() {
            if let Value::Object(m) = item.take() {
                *item = without_id(m);
            }
        }
    }
    Resp::json(200, &body)
}

/// `GET /v2.0/network-ip-availabilities/{network_id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match availability(&state, id).filter(|_| ctx.is_admin()) {
        Some(m) => {
            let m = project(ctx.req, m);
            Resp::json(200, &json!({"network_ip_availability": without_id(m)}))
        }
        None => network_not_found(id),
    }
}
