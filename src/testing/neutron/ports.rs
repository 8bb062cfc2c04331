//! `/v2.0/ports`: ports with fixed IPs allocated from their subnets' pools, allowed address
//! pairs and security groups; list (filters incl. `fixed_ips=ip_address=…` /
//! `fixed_ips=subnet_id=…` and `security_groups`), show, create (409 `IpAddressAlreadyAllocated`,
//! 409 `IpAddressGenerationFailure`), update (If-Match), delete.

use std::net::Ipv4Addr;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::networks::{Collection, as_bool, as_string, as_strings, invalid, list_collection};
use super::security_groups::{check_port_groups, ensure_default};
use super::subnets::subnet_not_found;
use super::{bad_request, error, if_match_failed};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// A port of the fake.
#[derive(Clone, Debug)]
pub(crate) struct Port {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) network_id: String,
    pub(crate) project_id: String,
    pub(crate) mac_address: String,
    pub(crate) admin_state_up: bool,
    pub(crate) device_id: String,
    pub(crate) device_owner: String,
    /// `(subnet_id, address)`.
    pub(crate) fixed_ips: Vec<(String, Ipv4Addr)>,
    /// `(ip_address or CIDR, mac_address)`.
    pub(crate) allowed_address_pairs: Vec<(String, String)>,
    pub(crate) security_groups: Vec<String>,
    pub(crate) port_security_enabled: bool,
    pub(crate) tags: Vec<String>,
    pub(crate) revision_number: u64,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// Device owners whose ports only their service may delete (Neutron's
/// `prevent_l3_port_deletion`).
const SERVICE_OWNERS: [&str; 3] = [
    "network:router_interface",
    "network:router_gateway",
    "network:floatingip",
];

impl Port {
    /// A port Neutron makes for a service (a router interface or gateway, a floating IP): no
    /// name, no security groups, port security off.
    pub(crate) fn service(
        network_id: &str,
        project_id: &str,
        device_owner: &str,
        device_id: &str,
        fixed_ips: Vec<(String, Ipv4Addr)>,
    ) -> Port {
        let now = Utc::now();
        Port {
            id: ids::uuid4(),
            name: String::new(),
            description: String::new(),
            network_id: network_id.into(),
            project_id: project_id.into(),
            mac_address: ids::mac(),
            admin_state_up: true,
            device_id: device_id.into(),
            device_owner: device_owner.into(),
            fixed_ips,
            allowed_address_pairs: Vec::new(),
            security_groups: Vec::new(),
            port_security_enabled: false,
            tags: Vec::new(),
            revision_number: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// The API body, as Neutron 28 with ML2/OVN answers an admin (`binding:*` included).
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let fixed: Vec<Value> = self
            .fixed_ips
            .iter()
            .map(|(s, ip)| json!({"subnet_id": s, "ip_address": ip.to_string()}))
            .collect();
        let pairs: Vec<Value> = self
            .allowed_address_pairs
            .iter()
            .map(|(ip, mac)| json!({"mac_address": mac, "ip_address": ip}))
            .collect();
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("network_id".into(), json!(self.network_id));
        m.insert("project_id".into(), json!(self.project_id));
        m.insert("mac_address".into(), json!(self.mac_address));
        m.insert("admin_state_up".into(), json!(self.admin_state_up));
        let status = if self.device_owner == "network:floatingip" {
            "N/A"
        } else if self.device_id.is_empty() {
            "DOWN"
        } else {
            "ACTIVE"
        };
        m.insert("status".into(), json!(status));
        m.insert("device_id".into(), json!(self.device_id));
        m.insert("device_owner".into(), json!(self.device_owner));
        m.insert("fixed_ips".into(), Value::Array(fixed));
        m.insert("tenant_id".into(), json!(self.project_id));
        m.insert(
            "port_security_enabled".into(),
            json!(self.port_security_enabled),
        );
        m.insert("security_groups".into(), json!(self.security_groups));
        m.insert("binding:vnic_type".into(), json!("normal"));
        m.insert("binding:profile".into(), json!({}));
        m.insert("binding:host_id".into(), json!(""));
        m.insert("binding:vif_type".into(), json!("unbound"));
        m.insert("binding:vif_details".into(), json!({}));
        m.insert("allowed_address_pairs".into(), Value::Array(pairs));
        m.insert("extra_dhcp_opts".into(), json!([]));
        m.insert("description".into(), json!(self.description));
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("revision_number".into(), json!(self.revision_number));
        m
    }
}

const FILTERABLE: [&str; 12] = [
    "id",
    "name",
    "description",
    "network_id",
    "project_id",
    "tenant_id",
    "mac_address",
    "admin_state_up",
    "status",
    "device_id",
    "device_owner",
    "revision_number",
];

pub(crate) fn port_not_found(id: &str) -> Resp {
    error(
        404,
        "PortNotFound",
        &format!("Port {id} could not be found."),
    )
}

/// `fixed_ips` filter entries: values of one key are alternatives, different keys must all hold.
fn fixed_ip_filter(item: &Map<String, Value>, entries: &[(String, String)]) -> Result<bool, Resp> {
    let ips = item
        .get("fixed_ips")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for key in ["ip_address", "subnet_id", "ip_address_substr"] {
        let wanted: Vec<&str> = entries
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let hit = ips.iter().any(|ip| {
            let field = if key == "subnet_id" {
                "subnet_id"
            } else {
                "ip_address"
            };
            let have = ip[field].as_str().unwrap_or_default();
            wanted.iter().any(|w| {
                if key == "ip_address_substr" {
                    have.contains(w)
                } else {
                    have == *w
                }
            })
        });
        if !hit {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `GET /v2.0/ports`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let mut entries = Vec::new();
    for raw in ctx.req.query_all("fixed_ips") {
        match raw.split_once('=') {
            Some((k, v)) if matches!(k, "ip_address" | "subnet_id" | "ip_address_substr") => {
                entries.push((k.to_string(), v.to_string()));
            }
            _ => {
                return bad_request(&format!(
                    "Invalid input for fixed_ips. Reason: '{raw}' is not a valid filter."
                ));
            }
        }
    }
    let groups: Vec<String> = ctx
        .req
        .query_all("security_groups")
        .map(str::to_string)
        .collect();
    let all: Vec<Map<String, Value>> = {
        let mut state = ctx.shared.lock();
        crate::testing::nova::settle_servers(&mut state);
        state.ports.iter().map(Port::to_json).collect()
    };
    let c = Collection {
        name: "ports",
        filterable: &FILTERABLE,
        extra: &["fixed_ips", "security_groups"],
        not_found: port_not_found,
    };
    list_collection(ctx, &c, all, |item| {
        let sgs = item
            .get("security_groups")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let sg_ok = groups.is_empty() || groups.iter().any(|g| sgs.iter().any(|s| s == g.as_str()));
        Ok(sg_ok && fixed_ip_filter(item, &entries)?)
    })
}

/// `GET /v2.0/ports/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    crate::testing::nova::settle_servers(&mut state);
    match state.ports.iter().find(|p| p.id == id) {
        Some(p) => Resp::json(200, &json!({"port": p.to_json()})),
        None => port_not_found(id),
    }
}

/// Addresses in use on `subnet_id`, but those of port `except`.
pub(crate) fn used(state: &State, subnet_id: &str, except: &str) -> Vec<Ipv4Addr> {
    state
        .ports
        .iter()
        .filter(|p| p.id != except)
        .flat_map(|p| p.fixed_ips.iter())
        .filter(|(s, _)| s == subnet_id)
        .map(|(_, ip)| *ip)
        .collect()
}

/// Resolves requested fixed IPs (`None`: one address from the network's first subnet), given as
/// `[{"subnet_id": …, "ip_address": …}]` (either may be left out).
pub(crate) fn allocate(
    state: &State,
    port: &Port,
    requested: Option<&Value>,
) -> Result<Vec<(String, Ipv4Addr)>, Resp> {
    let subnets: Vec<_> = state
        .subnets
        .iter()
        .filter(|s| s.network_id == port.network_id)
        .collect();
    let exhausted = || {
        error(
            409,
            "IpAddressGenerationFailure",
            &format!(
                "No more IP addresses available on network {}.",
                port.network_id
            ),
        )
    };
    let Some(requested) = requested else {
        let Some(subnet) = subnets.first() else {
            return Ok(Vec::new());
        };
        let ip = subnet
            .next_free(&used(state, &subnet.id, &port.id))
            .ok_or_else(exhausted)?;
        return Ok(vec![(subnet.id.clone(), ip)]);
    };
    let list = requested
        .as_array()
        .ok_or_else(|| invalid("fixed_ips", &format!("'{requested}' is not a list")))?;
    let mut out: Vec<(String, Ipv4Addr)> = Vec::new();
    for entry in list {
        let subnet_id = entry.get("subnet_id").and_then(Value::as_str);
        let address = match entry.get("ip_address") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_str()
                    .and_then(|s| s.parse::<Ipv4Addr>().ok())
                    .ok_or_else(|| {
                        invalid("fixed_ips", &format!("'{v}' is not a valid IP address"))
                    })?,
            ),
        };
        let subnet = match (subnet_id, address) {
            (Some(id), _) => {
                let s = state.subnets.iter().find(|s| s.id == id).ok_or_else(|| subnet_not_found(id))?;
                if s.network_id != port.network_id {
                    return Err(bad_request(&format!(
                        "Invalid input for operation: Failed to create port on network {}, \
                         because fixed_ips included invalid subnet {id}.",
                        port.network_id
                    )));
                }
                s
            }
            (None, Some(ip)) => subnets.iter().copied().find(|s| s.contains(ip)).ok_or_else(|| {
                bad_request(&format!(
                    "Invalid input for operation: IP address {ip} is not a valid IP for any of the subnets on the specified network."
                ))
            })?,
            (None, None) => return Err(invalid("fixed_ips", "Exactly one of 'subnet_id' or 'ip_address' must be given")),
        };
        let mut taken = used(state, &subnet.id, &port.id);
        taken.extend(
            out.iter()
                .filter(|(s, _)| *s == subnet.id)
                .map(|(_, ip)| *ip),
        );
        let ip = match address {
            Some(ip) => {
                if !subnet.contains(ip) {
                    return Err(bad_request(&format!(
                        "IP address {ip} is not a valid IP for the specified subnet."
                    )));
                }
                if taken.contains(&ip) {
                    return Err(error(
                        409,
                        "IpAddressAlreadyAllocated",
                        &format!("IP address {ip} already allocated in subnet {}", subnet.id),
                    ));
                }
                ip
            }
            None => subnet.next_free(&taken).ok_or_else(exhausted)?,
        };
        out.push((subnet.id.clone(), ip));
    }
    Ok(out)
}

/// Applies the simple attributes of `{"port": {...}}`; fixed IPs are resolved by the caller.
fn apply(p: &mut Port, attrs: &Map<String, Value>, creating: bool) -> Result<(), Resp> {
    let verb = if creating { "POST" } else { "PUT" };
    for (key, v) in attrs {
        match key.as_str() {
            "name" => p.name = as_string(key, v, 255)?,
            "description" => p.description = as_string(key, v, 255)?,
            "admin_state_up" => p.admin_state_up = as_bool(key, v)?,
            "device_id" => p.device_id = as_string(key, v, 255)?,
            "device_owner" => p.device_owner = as_string(key, v, 255)?,
            "port_security_enabled" => p.port_security_enabled = as_bool(key, v)?,
            "security_groups" => p.security_groups = as_strings(key, v)?,
            "mac_address" => p.mac_address = as_string(key, v, 255)?,
            "tags" if creating => p.tags = as_strings(key, v)?,
            "allowed_address_pairs" => {
                let list = v
                    .as_array()
                    .ok_or_else(|| invalid(key, &format!("'{v}' is not a list")))?;
                let mut pairs = Vec::new();
                for pair in list {
                    let ip = pair["ip_address"].as_str().ok_or_else(|| {
                        bad_request("Allowed address pairs must contain ip_address")
                    })?;
                    let mac = pair["mac_address"]
                        .as_str()
                        .unwrap_or(&p.mac_address)
                        .to_string();
                    pairs.push((ip.to_string(), mac));
                }
                p.allowed_address_pairs = pairs;
            }
            "fixed_ips" | "network_id" | "project_id" | "tenant_id" if creating => {}
            "fixed_ips" => {}
            "binding:host_id" | "binding:profile" | "binding:vnic_type" | "qos_policy_id"
            | "dns_name" | "dns_domain" | "extra_dhcp_opts" => {}
            "id" | "network_id" | "project_id" | "tenant_id" | "status" | "revision_number"
            | "created_at" | "updated_at" => {
                return Err(bad_request(&format!(
                    "Attribute '{key}' not allowed in {verb}"
                )));
            }
            other => return Err(bad_request(&format!("Unrecognized attribute(s) '{other}'"))),
        }
    }
    if !p.port_security_enabled && !p.security_groups.is_empty() {
        return Err(error(
            409,
            "PortSecurityAndIPRequiredForSecurityGroups",
            "Port security must be enabled and port must have an IP address in order to use security groups.",
        ));
    }
    Ok(())
}

fn port_attrs(body: Option<Value>) -> Result<Map<String, Value>, Resp> {
    let body = body.ok_or_else(|| bad_request("Malformed request body"))?;
    body.get("port")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| bad_request("Resource body required"))
}

/// `POST /v2.0/ports`: 201; 404 `NetworkNotFound` / `SubnetNotFound`; 409 for a taken address
/// or an exhausted pool.
pub(crate) fn create(ctx: &Ctx<'_>, state: &mut State, body: Option<Value>) -> Resp {
    let attrs = match port_attrs(body) {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let Some(network_id) = attrs.get("network_id").and_then(Value::as_str) else {
        return bad_request(
            "Failed to parse request. Required attribute 'network_id' not specified",
        );
    };
    let network = state
        .networks
        .iter()
        .find(|n| n.id == network_id)
        .filter(|_| super::access::sees_network(ctx, state, network_id));
    let Some(network) = network else {
        return super::networks::network_not_found(network_id);
    };
    if !super::access::may_attach(ctx, state, network_id) {
        return error(
            403,
            "HTTPForbidden",
            &format!(
                "Tenant {} not allowed to create port on this network",
                ctx.project_id()
            ),
        );
    }
    let now = Utc::now();
    let mut port = Port {
        id: ids::uuid4(),
        name: String::new(),
        description: String::new(),
        network_id: network_id.into(),
        project_id: ctx.project_id().to_string(),
        mac_address: ids::mac(),
        admin_state_up: true,
        device_id: String::new(),
        device_owner: String::new(),
        fixed_ips: Vec::new(),
        allowed_address_pairs: Vec::new(),
        security_groups: Vec::new(),
        port_security_enabled: network.port_security_enabled,
        tags: Vec::new(),
        revision_number: 1,
        created_at: now,
        updated_at: now,
    };
    if let Err(resp) = apply(&mut port, &attrs, true) {
        return resp;
    }
    if attrs.contains_key("security_groups") {
        if let Err(resp) = check_port_groups(state, &port.security_groups) {
            return resp;
        }
    } else if port.port_security_enabled && !port.device_owner.starts_with("network:") {
        port.security_groups = vec![ensure_default(state, &port.project_id)];
    }
    match allocate(state, &port, attrs.get("fixed_ips")) {
        Ok(ips) => port.fixed_ips = ips,
        Err(resp) => return resp,
    }
    let body = json!({"port": port.to_json()});
    state.ports.push(port);
    Resp::json(201, &body)
}

/// `PUT /v2.0/ports/{id}`: 200, revision bumped; 412 on a stale `If-Match`.
pub(crate) fn update(ctx: &Ctx<'_>, id: &str) -> Resp {
    let attrs = match super::body::attrs(ctx, "port") {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(current) = state.ports.iter().find(|p| p.id == id) else {
        return port_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, current.revision_number) {
        return resp;
    }
    let mut changed = current.clone();
    if let Err(resp) = apply(&mut changed, &attrs, false) {
        return resp;
    }
    if attrs.contains_key("security_groups") {
        if let Err(resp) = check_port_groups(&state, &changed.security_groups) {
            return resp;
        }
    }
    if let Some(requested) = attrs.get("fixed_ips") {
        match allocate(&state, &changed, Some(requested)) {
            Ok(ips) => changed.fixed_ips = ips,
            Err(resp) => return resp,
        }
    }
    changed.revision_number += 1;
    changed.updated_at = Utc::now();
    let body = json!({"port": changed.to_json()});
    if let Some(p) = state.ports.iter_mut().find(|p| p.id == id) {
        *p = changed;
    }
    Resp::json(200, &body)
}

/// `DELETE /v2.0/ports/{id}`: 204 (a floating IP on it is disassociated), 404 `PortNotFound`, 409
/// `ServicePortInUse` for a router's or a floating IP's own port.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(port) = state.ports.iter().find(|p| p.id == id) else {
        return port_not_found(id);
    };
    if let Some(resp) = if_match_failed(ctx.req, port.revision_number) {
        return resp;
    }
    if SERVICE_OWNERS.contains(&port.device_owner.as_str()) {
        return error(
            409,
            "ServicePortInUse",
            &format!(
                "Port {id} cannot be deleted directly via the port API: has device owner {}.",
                port.device_owner
            ),
        );
    }
    if let Some(resp) = super::trunks::port_in_use(&state, id) {
        return resp;
    }
    state.ports.retain(|p| p.id != id);
    super::floating_ips::port_deleted(&mut state, id);
    Resp::empty(204)
}
