//! `/v2.0/subnetpools` (`subnet_allocation`, `subnetpool-prefix-ops`, `default-subnetpools`):
//! list (filters, sorting, paging, fields, tags), show, create, update, delete,
//! `add_prefixes` / `remove_prefixes`, and [`allocate`] for subnets created with
//! `subnetpool_id` + `prefixlen` (or a `cidr` inside the pool) or `use_default_subnetpool`.
//!
//! Prefixes are compacted as Neutron's `netaddr.IPSet` does (`10.10.0.0/16` + `10.11.0.0/16` is
//! `10.10.0.0/15`). A subnet takes the first free block of the smallest free range it fits in,
//! as Neutron's allocator does. Only IPv4 pools are modelled, as only IPv4 subnets are.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::address_scopes::{policy_denied, scope_not_found};
use super::body::{attrs, check_keys, nullable_str, opt_bool, opt_int, opt_str, owner, required};
use super::networks::{Collection, as_strings, invalid, list_collection, project};
use super::rbac_policies::{object_deleted, sync_flag};
use super::subnets::parse_cidr;
use super::{bad_request, error, if_match_failed};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// A subnet pool of the fake (IPv4).
#[derive(Clone, Debug)]
pub(crate) struct SubnetPool {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) project_id: String,
    /// Compacted `(first, last)` address ranges.
    pub(crate) ranges: Vec<(u32, u32)>,
    pub(crate) default_prefixlen: u8,
    pub(crate) min_prefixlen: u8,
    pub(crate) max_prefixlen: u8,
    pub(crate) shared: bool,
    pub(crate) is_default: bool,
    pub(crate) default_quota: Option<i64>,
    pub(crate) address_scope_id: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// Sorts and merges ranges that overlap or touch.
fn compact(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match out.last_mut() {
            Some(last) if u64::from(a) <= u64::from(last.1) + 1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// `ranges` without `cut`.
fn subtract(ranges: &[(u32, u32)], cut: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = ranges.to_vec();
    for &(c0, c1) in cut {
        out = out
            .into_iter()
            .flat_map(|(a, b)| {
                let mut parts = Vec::new();
                if c1 < a || c0 > b {
                    parts.push((a, b));
                } else {
                    if c0 > a {
                        parts.push((a, c0 - 1));
                    }
                    if c1 < b {
                        parts.push((c1 + 1, b));
                    }
                }
                parts
            })
            .collect();
    }
    out
}

fn block_size(len: u8) -> u64 {
    1u64 << (32 - u32::from(len))
}

/// The CIDRs exactly covering `ranges`, as `netaddr`'s `iter_cidrs`.
fn cidrs(ranges: &[(u32, u32)]) -> Vec<(u32, u8)> {
    let mut out = Vec::new();
    for &(a, b) in ranges {
        let mut start = u64::from(a);
        let end = u64::from(b);
        while start <= end {
            let mut len: u8 = 32;
            while len > 0 {
                let bigger = block_size(len - 1);
                if start % bigger != 0 || start + bigger - 1 > end {
                    break;
                }
                len -= 1;
            }
            out.push((u32::try_from(start).unwrap_or(u32::MAX), len));
            start += block_size(len);
        }
    }
    out
}

fn range_of((addr, len): (Ipv4Addr, u8)) -> (u32, u32) {
    let start = u32::from(addr);
    let last = u64::from(start) + block_size(len) - 1;
    (start, u32::try_from(last).unwrap_or(u32::MAX))
}

fn cidr_string((start, len): (u32, u8)) -> String {
    format!("{}/{len}", Ipv4Addr::from(start))
}

impl SubnetPool {
    /// The pool's prefixes, compacted, e.g. `["10.10.0.0/15"]`.
    pub(crate) fn prefixes(&self) -> Vec<String> {
        cidrs(&self.ranges).into_iter().map(cidr_string).collect()
    }

    /// The API body: prefix lengths as strings, as Neutron sends them.
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert(
            "default_prefixlen".into(),
            json!(self.default_prefixlen.to_string()),
        );
        m.insert(
            "min_prefixlen".into(),
            json!(self.min_prefixlen.to_string()),
        );
        m.insert(
            "max_prefixlen".into(),
            json!(self.max_prefixlen.to_string()),
        );
        m.insert("is_default".into(), json!(self.is_default));
        m.insert("shared".into(), json!(self.shared));
        m.insert("prefixes".into(), json!(self.prefixes()));
        m.insert("ip_version".into(), json!(4));
        m.insert("default_quota".into(), json!(self.default_quota));
        m.insert("address_scope_id".into(), json!(self.address_scope_id));
        m.insert("description".into(), json!(self.description));
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("revision_number".into(), json!(self.revision_number));
        m.insert("tenant_id".into(), json!(self.project_id));
        m
    }
}

/// 404 `SubnetPoolNotFound`.
pub(crate) fn pool_not_found(id: &str) -> Resp {
    error(
        404,
        "SubnetPoolNotFound",
        &format!("Subnet pool {id} could not be found."),
    )
}

/// Parses a list of IPv4 prefixes into compacted ranges; 400 as Neutron for bad CIDRs and
/// `PrefixVersionMismatch` for IPv6 ones mixed in (or given to an existing, IPv4, pool).
fn parse_prefixes(attr: &str, v: &Value, existing: bool) -> Result<Vec<(u32, u32)>, Resp> {
    let list = as_strings(attr, v)?;
    let mut ranges = Vec::with_capacity(list.len());
    for p in &list {
        if p.contains(':') {
            return Err(if !existing && list.iter().all(|p| p.contains(':')) {
                bad_request("IPv6 subnet pools are not modelled by this fake cloud")
            } else {
                error(
                    400,
                    "PrefixVersionMismatch",
                    "Cannot mix IPv4 and IPv6 prefixes in a subnet pool.",
                )
            });
        }
        let cidr = parse_cidr(p)
            .ok_or_else(|| invalid(attr, &format!("'{p}' is not a valid IP subnet")))?;
        ranges.push(range_of(cidr));
    }
    Ok(compact(ranges))
}

fn prefixlen(attrs: &Map<String, Value>, key: &str) -> Result<Option<u8>, Resp> {
    match opt_int(attrs, key)? {
        None => Ok(None),
        Some(n) => u8::try_from(n)
            .ok()
            .filter(|n| *n <= 32)
            .map(Some)
            .ok_or_else(|| {
                error(
                    400,
                    "UnsupportedMinSubnetPoolPrefix",
                    &format!("Prefix '{n}' not supported in IPv4 pool."),
                )
            }),
    }
}

fn bounds_error(kind: &str, len: u8, base: &str, base_len: u8) -> Resp {
    error(
        400,
        "IllegalSubnetPoolPrefixBounds",
        &format!("Illegal prefix bounds: {kind}={len}, {base}={base_len}."),
    )
}

/// Checks `min <= default <= max` and the address scope; Neutron's order and messages.
fn validate(state: &State, pool: &SubnetPool) -> Result<(), Resp> {
    if pool.default_prefixlen < pool.min_prefixlen {
        return Err(bounds_error(
            "default_prefixlen",
            pool.default_prefixlen,
            "min_prefixlen",
            pool.min_prefixlen,
        ));
    }
    if pool.default_prefixlen > pool.max_prefixlen {
        return Err(bounds_error(
            "default_prefixlen",
            pool.default_prefixlen,
            "max_prefixlen",
            pool.max_prefixlen,
        ));
    }
    if let Some(scope_id) = &pool.address_scope_id {
        let Some(scope) = state.address_scopes.iter().find(|s| s.id == *scope_id) else {
            return Err(scope_not_found(scope_id));
        };
        if scope.ip_version != 4 {
            return Err(error(
                400,
                "IllegalSubnetPoolIpVersionAssociationToAddressScope",
                &format!(
                    "Illegal subnetpool association: subnetpool {} cannot associate with address scope {scope_id} because subnetpool ip_version is not {}.",
                    pool.id, scope.ip_version
                ),
            ));
        }
        let clash = state.subnet_pools.iter().any(|p| {
            p.id != pool.id
                && p.address_scope_id.as_deref() == Some(scope_id)
                && subtract(&pool.ranges, &p.ranges) != pool.ranges
        });
        if clash {
            return Err(error(
                409,
                "AddressScopePrefixConflict",
                "Failed to associate address scope: subnetpools within an address scope must have unique prefixes.",
            ));
        }
    }
    Ok(())
}

const FILTERABLE: [&str; 16] = [
    "id",
    "name",
    "description",
    "project_id",
    "tenant_id",
    "ip_version",
    "default_prefixlen",
    "min_prefixlen",
    "max_prefixlen",
    "shared",
    "is_default",
    "default_quota",
    "address_scope_id",
    "revision_number",
    "created_at",
    "updated_at",
];

/// `GET /v2.0/subnetpools`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = ctx
        .shared
        .lock()
        .subnet_pools
        .iter()
        .map(SubnetPool::to_json)
        .collect();
    let c = Collection {
        name: "subnetpools",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: pool_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/subnetpools/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.subnet_pools.iter().find(|p| p.id == id) {
        Some(p) => Resp::json(200, &json!({"subnetpool": project(ctx.req, p.to_json())})),
        None => pool_not_found(id),
    }
}

const READ_ONLY: [&str; 5] = [
    "id",
    "ip_version",
    "revision_number",
    "created_at",
    "updated_at",
];

/// `POST /v2.0/subnetpools`: 201, revision 0; `name` and `prefixes` required; prefix lengths
/// default to 8 / 32 and `default_prefixlen` to `min_prefixlen`; `shared` only for admins.
pub(crate) fn create(ctx: &Ctx<'_>) -> Resp {
    let parsed = (|| {
        let a = attrs(ctx, "subnetpool")?;
        check_keys(
            &a,
            "POST",
            &[
                "name",
                "description",
                "prefixes",
                "default_prefixlen",
                "min_prefixlen",
                "max_prefixlen",
                "shared",
                "is_default",
                "default_quota",
                "address_scope_id",
                "tags",
                "project_id",
                "tenant_id",
            ],
            &READ_ONLY,
        )?;
        let name = opt_str(&a, "name", 255)?.ok_or_else(|| required("name"))?;
        let ranges = parse_prefixes(
            "prefixes",
            a.get("prefixes").ok_or_else(|| required("prefixes"))?,
            false,
        )?;
        let min = prefixlen(&a, "min_prefixlen")?.unwrap_or(8);
        let shared = opt_bool(&a, "shared")?.unwrap_or(false);
        if shared && !ctx.is_admin() {
            return Err(policy_denied(
                "(rule:create_subnetpool and rule:create_subnetpool:shared)",
            ));
        }
        let now = Utc::now();
        Ok(SubnetPool {
            id: ids::uuid4(),
            name,
            description: opt_str(&a, "description", 255)?.unwrap_or_default(),
            project_id: owner(ctx, &a)?,
            ranges,
            default_prefixlen: prefixlen(&a, "default_prefixlen")?.unwrap_or(min),
            min_prefixlen: min,
            max_prefixlen: prefixlen(&a, "max_prefixlen")?.unwrap_or(32),
            shared,
            is_default: opt_bool(&a, "is_default")?.unwrap_or(false),
            default_quota: opt_int(&a, "default_quota")?,
            address_scope_id: nullable_str(&a, "address_scope_id")?.flatten(),
            tags: match a.get("tags") {
                Some(v) => as_strings("tags", v)?,
                None => Vec::new(),
            },
            revision_number: 0,
            created_at: now,
            updated_at: now,
        })
    })();
    let pool = match parsed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    if let Err(resp) = validate(&state, &pool) {
        return resp;
    }
    let body = json!({"subnetpool": pool.to_json()});
    let (id, owner, shared) = (pool.id.clone(), pool.project_id.clone(), pool.shared);
    state.subnet_pools.push(pool);
    sync_flag(
        &mut state,
        "subnetpool",
        &id,
        &owner,
        "access_as_shared",
        shared,
    );
    Resp::json(201, &body)
}

/// `PUT /v2.0/subnetpools/{id}`: every writable attribute; `prefixes` may only grow (400
/// `IllegalSubnetPoolPrefixUpdate`); 200, revision up by one; 412 on a stale `If-Match`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let a = match attrs(ctx, "subnetpool") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let mut known = READ_ONLY.to_vec();
    known.extend(["shared", "tags", "project_id", "tenant_id"]);
    let writable = [
        "name",
        "description",
        "prefixes",
        "default_prefixlen",
        "min_prefixlen",
        "max_prefixlen",
        "is_default",
        "default_quota",
        "address_scope_id",
    ];
    if let Err(resp) = check_keys(&a, "PUT", &writable, &known) {
        return resp;
    }
    let mut state = ctx.shared.lock();
    let Some(current) = state.subnet_pools.iter().find(|p| p.id == id).cloned() else {
        return pool_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, current.revision_number) {
        return resp;
    }
    let changed = (|| {
        let mut p = current.clone();
        if let Some(n) = opt_str(&a, "name", 255)? {
            p.name = n;
        }
        if let Some(d) = opt_str(&a, "description", 255)? {
            p.description = d;
        }
        if let Some(v) = a.get("prefixes") {
            let ranges = parse_prefixes("prefixes", v, true)?;
            if !subtract(&current.ranges, &ranges).is_empty() {
                return Err(error(
                    400,
                    "IllegalSubnetPoolPrefixUpdate",
                    "Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes.",
                ));
            }
            p.ranges = ranges;
        }
        for (key, slot) in [
            ("default_prefixlen", &mut p.default_prefixlen),
            ("min_prefixlen", &mut p.min_prefixlen),
            ("max_prefixlen", &mut p.max_prefixlen),
        ] {
            if let Some(n) = prefixlen(&a, key)? {
                *slot = n;
            }
        }
        if let Some(d) = opt_bool(&a, "is_default")? {
            p.is_default = d;
        }
        if a.contains_key("default_quota") {
            p.default_quota = match a.get("default_quota") {
                Some(Value::Null) | None => None,
                Some(_) => opt_int(&a, "default_quota")?,
            };
        }
        if let Some(s) = nullable_str(&a, "address_scope_id")? {
            p.address_scope_id = s;
        }
        validate(&state, &p)?;
        p.revision_number += 1;
        p.updated_at = Utc::now();
        Ok(p)
    })();
    let changed = match changed {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let body = json!({"subnetpool": changed.to_json()});
    if let Some(slot) = state.subnet_pools.iter_mut().find(|p| p.id == id) {
        *slot = changed;
    }
    Resp::json(200, &body)
}

/// `DELETE /v2.0/subnetpools/{id}`: 204; 400 `SubnetPoolDeleteError` while a subnet is
/// allocated from it.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(pool) = state.subnet_pools.iter().find(|p| p.id == id) else {
        return pool_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, pool.revision_number) {
        return resp;
    }
    if state
        .subnets
        .iter()
        .any(|s| s.subnetpool_id.as_deref() == Some(id))
    {
        return error(
            400,
            "SubnetPoolDeleteError",
            "Unable to delete subnet pool: Subnet pool has existing allocations.",
        );
    }
    state.subnet_pools.retain(|p| p.id != id);
    object_deleted(&mut state, "subnetpool", id);
    Resp::empty(204)
}

/// `PUT /v2.0/subnetpools/{id}/add_prefixes` (`adding`) or `remove_prefixes`
/// `{"prefixes": [...]}`: 200 `{"prefixes": [...]}` (compacted); removing space a subnet uses is
/// 409 `IllegalSubnetPoolPrefixUpdate`.
pub(crate) fn change_prefixes(ctx: &Ctx<'_>, id: &str, adding: bool) -> Resp {
    let Some(body) = ctx.req.json_body() else {
        return bad_request("Malformed request body");
    };
    let Some(raw) = body.get("prefixes") else {
        return bad_request("Resource body required");
    };
    let ranges = match parse_prefixes("prefixes", raw, true) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(current) = state.subnet_pools.iter().find(|p| p.id == id).cloned() else {
        return pool_not_found(id);
    };
    let mut changed = current.clone();
    if adding {
        let mut all = current.ranges.clone();
        all.extend(ranges);
        changed.ranges = compact(all);
        if let Err(resp) = validate(&state, &changed) {
            return resp;
        }
    } else {
        changed.ranges = subtract(&current.ranges, &ranges);
        let lost = subtract(&current.ranges, &changed.ranges);
        let used = state.subnets.iter().find(|s| {
            s.subnetpool_id.as_deref() == Some(id)
                && subtract(&[range_of(s.net)], &lost) != [range_of(s.net)]
        });
        if let Some(s) = used {
            return error(
                409,
                "IllegalSubnetPoolPrefixUpdate",
                &format!(
                    "Illegal update to prefixes: Subnet {}/{} is allocated from the prefixes to remove.",
                    s.net.0, s.net.1
                ),
            );
        }
    }
    if changed.ranges != current.ranges {
        changed.revision_number += 1;
        changed.updated_at = Utc::now();
    }
    let body = json!({"prefixes": changed.prefixes()});
    if let Some(slot) = state.subnet_pools.iter_mut().find(|p| p.id == id) {
        *slot = changed;
    }
    Resp::json(200, &body)
}

/// The CIDR for a subnet asked from pool `pool_id` with `prefixlen` or `cidr` (or, `pool_id`
/// `None`, from the default pool): the first free block of the smallest free range that fits.
/// 404 `SubnetPoolNotFound`, 400 `MinPrefixSubnetAllocationError` /
/// `MaxPrefixSubnetAllocationError`, 409 `SubnetAllocationError` when no space is left.
pub(crate) fn allocate(
    state: &State,
    pool_id: Option<&str>,
    prefixlen: Option<u8>,
    cidr: Option<(Ipv4Addr, u8)>,
) -> Result<(String, (Ipv4Addr, u8)), Resp> {
    let pool = match pool_id {
        Some(id) => state
            .subnet_pools
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| pool_not_found(id))?,
        None => state
            .subnet_pools
            .iter()
            .find(|p| p.is_default)
            .ok_or_else(|| bad_request("No default subnetpool found for IPv4"))?,
    };
    let len = cidr.map_or(prefixlen.unwrap_or(pool.default_prefixlen), |c| c.1);
    if len < pool.min_prefixlen {
        return Err(error(
            400,
            "MinPrefixSubnetAllocationError",
            &format!(
                "Unable to allocate subnet with prefix length {len}, minimum allowed prefix is {}.",
                pool.min_prefixlen
            ),
        ));
    }
    if len > pool.max_prefixlen {
        return Err(error(
            400,
            "MaxPrefixSubnetAllocationError",
            &format!(
                "Unable to allocate subnet with prefix length {len}, maximum allowed prefix is {}.",
                pool.max_prefixlen
            ),
        ));
    }
    let used: Vec<(u32, u32)> = state
        .subnets
        .iter()
        .filter(|s| s.subnetpool_id.as_deref() == Some(pool.id.as_str()))
        .map(|s| range_of(s.net))
        .collect();
    let free = subtract(&pool.ranges, &used);
    if let Some(wanted) = cidr {
        let r = range_of(wanted);
        if subtract(&[r], &free).is_empty() {
            return Ok((pool.id.clone(), wanted));
        }
        return Err(error(
            409,
            "SubnetAllocationError",
            "Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.",
        ));
    }
    let mut blocks = cidrs(&free);
    blocks.sort_by_key(|b| std::cmp::Reverse(b.1));
    match blocks.into_iter().find(|b| b.1 <= len) {
        Some((start, _)) => Ok((pool.id.clone(), (Ipv4Addr::from(start), len))),
        None => Err(error(
            409,
            "SubnetAllocationError",
            &format!(
                "Failed to allocate subnet: Insufficient prefix space to allocate subnet size /{len}."
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_compact_and_split_as_netaddr() {
        let r = |s| range_of(parse_cidr(s).unwrap_or((Ipv4Addr::UNSPECIFIED, 0)));
        let merged = compact(vec![
            r("10.11.0.0/16"),
            r("10.10.0.0/16"),
            r("10.12.0.0/16"),
        ]);
        let names: Vec<String> = cidrs(&merged).into_iter().map(cidr_string).collect();
        assert_eq!(names, ["10.10.0.0/15", "10.12.0.0/16"]);
        let left = subtract(&merged, &[r("10.10.0.0/16")]);
        let names: Vec<String> = cidrs(&left).into_iter().map(cidr_string).collect();
        assert_eq!(names, ["10.11.0.0/16", "10.12.0.0/16"]);
    }
}
