//! `/v2.0/subnets`: IPv4 subnets with allocation pools, gateway, DNS servers and host routes;
//! list (filters, sorting, paging, fields), show, create, update (If-Match), delete (409
//! `SubnetInUse` while a port holds one of its addresses).

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::networks::{Collection, as_bool, as_string, as_strings, invalid, list_collection};
use super::{bad_request, error, if_match_failed};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// A subnet of the fake (IPv4 only).
#[derive(Clone, Debug)]
pub(crate) struct Subnet {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) network_id: String,
    pub(crate) project_id: String,
    /// Network address and prefix length.
    pub(crate) net: (Ipv4Addr, u8),
    pub(crate) gateway_ip: Option<Ipv4Addr>,
    pub(crate) enable_dhcp: bool,
    pub(crate) pools: Vec<(Ipv4Addr, Ipv4Addr)>,
    pub(crate) host_routes: Vec<Value>,
    pub(crate) dns_nameservers: Vec<String>,
    pub(crate) service_types: Vec<String>,
    /// The subnet pool the CIDR was allocated from.
    pub(crate) subnetpool_id: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    }
}

/// Parses `a.b.c.d/n` into the network address and the prefix length.
pub(super) fn parse_cidr(s: &str) -> Option<(Ipv4Addr, u8)> {
    let (addr, len) = s.split_once('/')?;
    let addr: Ipv4Addr = addr.parse().ok()?;
    let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
    Some((Ipv4Addr::from(u32::from(addr) & mask(len)), len))
}

impl Subnet {
    /// A subnet of `cidr` on `network_id` with Neutron's defaults: gateway the first address, one
    /// pool of the rest but the broadcast address.
    pub(crate) fn new(network_id: &str, project_id: &str, net: (Ipv4Addr, u8)) -> Self {
        let now = Utc::now();
        let mut s = Subnet {
            id: ids::uuid4(),
            name: String::new(),
            description: String::new(),
            network_id: network_id.into(),
            project_id: project_id.into(),
            net,
            gateway_ip: None,
            enable_dhcp: true,
            pools: Vec::new(),
            host_routes: Vec::new(),
            dns_nameservers: Vec::new(),
            service_types: Vec::new(),
            subnetpool_id: None,
            tags: Vec::new(),
            revision_number: 0,
            created_at: now,
            updated_at: now,
        };
        s.gateway_ip = s.first_host();
        s.pools = s.default_pools();
        s
    }

    /// The subnets of the seeded networks: one `/24` per network, with the id the network lists
    /// and its address prefix (e.g. `10.0.0.0/24` for `private`).
    pub(crate) fn seeds(networks: &[super::model::Network]) -> Vec<Subnet> {
        let mut out = Vec::new();
        for n in networks {
            let (Some(id), Ok(base)) = (n.subnets.first(), format!("{}.0", n.prefix).parse())
            else {
                continue;
            };
            let mut s = Subnet::new(&n.id, &n.project_id, (base, 24));
            s.id = id.clone();
            s.name = format!("{}-subnet", n.name);
            s.enable_dhcp = !n.external;
            out.push(s);
        }
        out
    }

    fn first_host(&self) -> Option<Ipv4Addr> {
        let (base, len) = self.net;
        (len < 31).then(|| Ipv4Addr::from(u32::from(base) + 1))
    }

    fn last_host(&self) -> u32 {
        let (base, len) = self.net;
        u32::from(base) | !mask(len)
    }

    /// Every host address but the gateway, as Neutron's default pools.
    fn default_pools(&self) -> Vec<(Ipv4Addr, Ipv4Addr)> {
        let (base, len) = self.net;
        if len >= 31 {
            return Vec::new();
        }
        let first = u32::from(base) + 1;
        let last = self.last_host() - 1;
        let gw = self.gateway_ip.map(u32::from);
        let mut pools = Vec::new();
        match gw {
            Some(g) if g == first => pools.push((first + 1, last)),
            Some(g) if g == last => pools.push((first, last - 1)),
            Some(g) if g > first && g < last => {
                pools.push((first, g - 1));
                pools.push((g + 1, last));
            }
            _ => pools.push((first, last)),
        }
        pools
            .into_iter()
            .filter(|(a, b)| a <= b)
            .map(|(a, b)| (Ipv4Addr::from(a), Ipv4Addr::from(b)))
            .collect()
    }

    pub(crate) fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.net.1) == u32::from(self.net.0)
    }

    /// The first pool address not in `used`.
    pub(crate) fn next_free(&self, used: &[Ipv4Addr]) -> Option<Ipv4Addr> {
        self.pools.iter().find_map(|(a, b)| {
            (u32::from(*a)..=u32::from(*b))
                .map(Ipv4Addr::from)
                .find(|ip| !used.contains(ip) && Some(*ip) != self.gateway_ip)
        })
    }

    /// The API body as served, `router:external` taken from the network.
    pub(crate) fn render(&self, networks: &[super::model::Network]) -> Map<String, Value> {
        let mut m = self.to_json();
        let external = networks
            .iter()
            .any(|n| n.id == self.network_id && n.external);
        m.insert("router:external".into(), json!(external));
        m
    }

    /// The API body (`ip_version` 4 only).
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let pools: Vec<Value> = self
            .pools
            .iter()
            .map(|(a, b)| json!({"start": a.to_string(), "end": b.to_string()}))
            .collect();
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("network_id".into(), json!(self.network_id));
        m.insert("ip_version".into(), json!(4));
        m.insert("subnetpool_id".into(), json!(self.subnetpool_id));
        m.insert("enable_dhcp".into(), json!(self.enable_dhcp));
        m.insert("ipv6_ra_mode".into(), Value::Null);
        m.insert("ipv6_address_mode".into(), Value::Null);
        m.insert(
            "gateway_ip".into(),
            json!(self.gateway_ip.map(|g| g.to_string())),
        );
        m.insert(
            "cidr".into(),
            json!(format!("{}/{}", self.net.0, self.net.1)),
        );
        m.insert("allocation_pools".into(), Value::Array(pools));
        m.insert("host_routes".into(), json!(self.host_routes));
        m.insert("dns_nameservers".into(), json!(self.dns_nameservers));
        m.insert("description".into(), json!(self.description));
        m.insert("router:external".into(), json!(false));
        m.insert("service_types".into(), json!(self.service_types));
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("revision_number".into(), json!(self.revision_number));
        m.insert("tenant_id".into(), json!(self.project_id));
        m
    }
}

const FILTERABLE: [&str; 14] = [
    "id",
    "name",
    "description",
    "network_id",
    "project_id",
    "tenant_id",
    "ip_version",
    "cidr",
    "gateway_ip",
    "enable_dhcp",
    "ipv6_address_mode",
    "ipv6_ra_mode",
    "subnetpool_id",
    "revision_number",
];

pub(crate) fn subnet_not_found(id: &str) -> Resp {
    error(
        404,
        "SubnetNotFound",
        &format!("Subnet {id} could not be found."),
    )
}

/// `GET /v2.0/subnets`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let all: Vec<Map<String, Value>> = {
        let state = ctx.shared.lock();
        state
            .subnets
            .iter()
            .map(|s| s.render(&state.networks))
            .collect()
    };
    let c = Collection {
        name: "subnets",
        filterable: &FILTERABLE,
        extra: &[],
        not_found: subnet_not_found,
    };
    list_collection(ctx, &c, all, |_| Ok(true))
}

/// `GET /v2.0/subnets/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let state = ctx.shared.lock();
    match state.subnets.iter().find(|s| s.id == id) {
        Some(s) => Resp::json(200, &json!({"subnet": s.render(&state.networks)})),
        None => subnet_not_found(id),
    }
}

fn ip(attr: &str, v: &Value) -> Result<Ipv4Addr, Resp> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(attr, &format!("'{v}' is not a valid IP address")))
}

/// Applies `{"subnet": {...}}` to `s`; `creating` allows what only POST may set.
fn apply(s: &mut Subnet, attrs: &Map<String, Value>, creating: bool) -> Result<(), Resp> {
    let verb = if creating { "POST" } else { "PUT" };
    let mut pools_given = false;
    for (key, v) in attrs {
        match key.as_str() {
            "name" => s.name = as_string(key, v, 255)?,
            "description" => s.description = as_string(key, v, 255)?,
            "enable_dhcp" => s.enable_dhcp = as_bool(key, v)?,
            "gateway_ip" => {
                s.gateway_ip = match v {
                    Value::Null => None,
                    other => {
                        let g = ip(key, other)?;
                        if !s.contains(g) {
                            return Err(bad_request(&format!(
                                "Invalid input for operation: Gateway IP {g} conflicts with the subnet {}/{}.",
                                s.net.0, s.net.1
                            )));
                        }
                        Some(g)
                    }
                };
            }
            "dns_nameservers" => s.dns_nameservers = as_strings(key, v)?,
            "service_types" => s.service_types = as_strings(key, v)?,
            "tags" if creating => s.tags = as_strings(key, v)?,
            "host_routes" => {
                let routes = v
                    .as_array()
                    .ok_or_else(|| invalid(key, &format!("'{v}' is not a list")))?;
                for r in routes {
                    ip(key, &r["nexthop"])?;
                    if r["destination"].as_str().and_then(parse_cidr).is_none() {
                        return Err(invalid(key, &format!("'{r}' is not a valid host route")));
                    }
                }
                s.host_routes = routes.clone();
            }
            "allocation_pools" => {
                let pools = v
                    .as_array()
                    .ok_or_else(|| invalid(key, &format!("'{v}' is not a list")))?;
                let mut out = Vec::new();
                for p in pools {
                    let (a, b) = (ip(key, &p["start"])?, ip(key, &p["end"])?);
                    if !s.contains(a) || !s.contains(b) || a > b {
                        return Err(bad_request(&format!(
                            "The allocation pool {a}-{b} spans beyond the subnet cidr {}/{}.",
                            s.net.0, s.net.1
                        )));
                    }
                    out.push((a, b));
                }
                s.pools = out;
                pools_given = true;
            }
            "network_id"
            | "ip_version"
            | "cidr"
            | "project_id"
            | "tenant_id"
            | "subnetpool_id"
            | "prefixlen"
            | "use_default_subnetpool"
                if creating => {}
            "segment_id" | "dns_publish_fixed_ip" => {}
            "id" | "network_id" | "ip_version" | "cidr" | "project_id" | "tenant_id"
            | "subnetpool_id" | "prefixlen" | "ipv6_address_mode" | "ipv6_ra_mode"
            | "revision_number" | "created_at" | "updated_at" => {
                return Err(bad_request(&format!(
                    "Attribute '{key}' not allowed in {verb}"
                )));
            }
            other => {
                return Err(bad_request(&format!("Unrecognized attribute(s) '{other}'")));
            }
        }
    }
    if creating && !pools_given {
        s.pools = s.default_pools();
    }
    Ok(())
}

/// `POST /v2.0/subnets`: 201; 404 `NetworkNotFound`; 400 for a bad CIDR, one overlapping another
/// subnet of the network (`InvalidInput`), or what the fake does not model (IPv6, subnet pools).
pub(crate) fn create(ctx: &Ctx<'_>, state: &mut State, body: Option<Value>) -> Resp {
    let Some(body) = body else {
        return bad_request("Malformed request body");
    };
    let Some(attrs) = body.get("subnet").and_then(Value::as_object) else {
        return bad_request("Resource body required");
    };
    let Some(network_id) = attrs.get("network_id").and_then(Value::as_str) else {
        return bad_request(
            "Failed to parse request. Required attribute 'network_id' not specified",
        );
    };
    match attrs
        .get("ip_version")
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
    {
        Some(4) => {}
        Some(6) => return bad_request("IPv6 subnets are not modelled by this fake cloud"),
        _ => {
            return bad_request(
                "Failed to parse request. Required attribute 'ip_version' not specified",
            );
        }
    }
    let cidr = match attrs.get("cidr") {
        None | Some(Value::Null) => None,
        Some(Value::String(c)) => match parse_cidr(c) {
            Some(net) => Some(net),
            None => return invalid("cidr", &format!("'{c}' is not a valid IP subnet")),
        },
        Some(other) => return invalid("cidr", &format!("'{other}' is not a valid IP subnet")),
    };
    let pool_id = match attrs.get("subnetpool_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(p.as_str()),
        Some(other) => return invalid("subnetpool_id", &format!("'{other}' is not a valid UUID")),
    };
    let use_default = match attrs.get("use_default_subnetpool") {
        None => false,
        Some(v) => match super::networks::as_bool("use_default_subnetpool", v) {
            Ok(b) => b,
            Err(resp) => return resp,
        },
    };
    let prefixlen = match attrs.get("prefixlen") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().or_else(|| v.as_str()?.parse().ok()) {
            Some(n) if n <= 32 => u8::try_from(n).ok(),
            _ => return invalid("prefixlen", &format!("'{v}' is not an integer")),
        },
    };
    let (subnetpool_id, net) = if pool_id.is_some() || use_default {
        match super::subnet_pools::allocate(state, pool_id, prefixlen, cidr) {
            Ok((pool, net)) => (Some(pool), net),
            Err(resp) => return resp,
        }
    } else if let Some(net) = cidr {
        if prefixlen.is_some() {
            return bad_request(
                "Invalid input for operation: Cannot specify both subnetpool or prefixlen and cidr.",
            );
        }
        (None, net)
    } else {
        return bad_request("a subnetpool must be specified in the absence of a cidr");
    };
    if !super::access::sees_network(ctx, state, network_id) {
        return super::networks::network_not_found(network_id);
    }
    if !super::access::owns_network(ctx, state, network_id) {
        return super::access::policy_denied("create_subnet");
    }
    let Some(network) = state.networks.iter().find(|n| n.id == network_id) else {
        return super::networks::network_not_found(network_id);
    };
    // Neutron's `_validate_subnet_cidr`: no two subnets of one network may overlap.
    let overlapping = |(a, a_len): (Ipv4Addr, u8)| {
        let m = mask(a_len.min(net.1));
        u32::from(a) & m == u32::from(net.0) & m
    };
    if state
        .subnets
        .iter()
        .any(|s| s.network_id == network_id && overlapping(s.net))
    {
        return error(
            400,
            "InvalidInput",
            &format!(
                "Invalid input for operation: Requested subnet with cidr: {}/{} for network: \
                 {network_id} overlaps with another subnet.",
                net.0, net.1
            ),
        );
    }
    let project = network.project_id.clone();
    let mut subnet = Subnet::new(network_id, &project, net);
    subnet.subnetpool_id = subnetpool_id;
    if let Err(resp) = apply(&mut subnet, attrs, true) {
        return resp;
    }
    let body = json!({"subnet": subnet.render(&state.networks)});
    if let Some(n) = state.networks.iter_mut().find(|n| n.id == network_id) {
        n.subnets.push(subnet.id.clone());
        n.revision_number += 1;
    }
    state.subnets.push(subnet);
    Resp::json(201, &body)
}

/// `PUT /v2.0/subnets/{id}`: 200, revision bumped; 412 on a stale `If-Match`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let Some(body) = ctx.req.json_body() else {
        return bad_request("Malformed request body");
    };
    let Some(attrs) = body.get("subnet").and_then(Value::as_object) else {
        return bad_request("Resource body required");
    };
    let mut state = ctx.shared.lock();
    let Some(subnet) = state.subnets.iter_mut().find(|s| s.id == id) else {
        return subnet_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, subnet.revision_number) {
        return resp;
    }
    let mut changed = subnet.clone();
    if let Err(resp) = apply(&mut changed, attrs, false) {
        return resp;
    }
    changed.revision_number += 1;
    changed.updated_at = Utc::now();
    *subnet = changed;
    let mut body = json!({"subnet": subnet.to_json()});
    let external = state
        .networks
        .iter()
        .any(|n| n.id == body["subnet"]["network_id"] && n.external);
    body["subnet"]["router:external"] = json!(external);
    Resp::json(200, &body)
}

/// `DELETE /v2.0/subnets/{id}`: 204; 404; 409 `SubnetInUse` while a port has an address on it.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(subnet) = state.subnets.iter().find(|s| s.id == id) else {
        return subnet_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, subnet.revision_number) {
        return resp;
    }
    if state
        .ports
        .iter()
        .any(|p| p.fixed_ips.iter().any(|(s, _)| s == id))
    {
        return error(
            409,
            "SubnetInUse",
            &format!(
                "Unable to complete operation on subnet {id}: One or more ports have an IP \
                 allocation from this subnet."
            ),
        );
    }
    let network_id = subnet.network_id.clone();
    state.subnets.retain(|s| s.id != id);
    if let Some(n) = state.networks.iter_mut().find(|n| n.id == network_id) {
        n.subnets.retain(|s| s != id);
        n.revision_number += 1;
    }
    Resp::empty(204)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn default_pools_leave_out_gateway_and_broadcast() {
        let s = Subnet::new("n", "p", parse_cidr("10.99.0.0/29").unwrap());
        assert_eq!(s.gateway_ip, Some(Ipv4Addr::new(10, 99, 0, 1)));
        assert_eq!(
            s.pools,
            [(Ipv4Addr::new(10, 99, 0, 2), Ipv4Addr::new(10, 99, 0, 6))]
        );
        assert_eq!(
            s.next_free(&[Ipv4Addr::new(10, 99, 0, 2)]),
            Some(Ipv4Addr::new(10, 99, 0, 3))
        );
        assert_eq!(
            parse_cidr("10.1.2.3/16"),
            Some((Ipv4Addr::new(10, 1, 0, 0), 16))
        );
    }
}
