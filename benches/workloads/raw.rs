//! The baseline: a plain reqwest client making the same HTTP calls as stackclient and decoding
//! into plain derived structs with the same fields as `stackclient::compute::Server` (timestamps
//! and enum-like values kept as the strings the API sends).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Address {
    pub addr: String,
    pub version: u8,
    #[serde(rename = "OS-EXT-IPS:type", default)]
    pub kind: Option<String>,
    #[serde(rename = "OS-EXT-IPS-MAC:mac_addr", default)]
    pub mac_addr: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Named {
    pub name: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Volume {
    pub id: String,
    #[serde(default)]
    pub delete_on_termination: Option<bool>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Flavor {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub original_name: Option<String>,
    #[serde(default)]
    pub vcpus: Option<u32>,
    #[serde(default)]
    pub ram: Option<u64>,
    #[serde(default)]
    pub disk: Option<u64>,
    #[serde(default)]
    pub ephemeral: Option<u64>,
    #[serde(default)]
    pub swap: Option<u64>,
    #[serde(default)]
    pub extra_specs: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Link {
    pub href: String,
    pub rel: String,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Image {
    pub id: String,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Fault {
    pub code: u16,
    pub message: String,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
}

/// Every field `stackclient::compute::Server` has, plainly derived.
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Server {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub status: String,
    #[serde(default)]
    pub addresses: BTreeMap<String, Vec<Address>>,
    #[serde(default)]
    pub flavor: Option<Flavor>,
    #[serde(default)]
    pub image: Option<Image>,
    #[serde(default)]
    pub key_name: Option<String>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    #[serde(default)]
    pub security_groups: Vec<Named>,
    pub created: String,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(rename = "hostId", default)]
    pub host_id: Option<String>,
    #[serde(rename = "accessIPv4", default)]
    pub access_ipv4: Option<String>,
    #[serde(rename = "accessIPv6", default)]
    pub access_ipv6: Option<String>,
    #[serde(default)]
    pub progress: Option<u32>,
    #[serde(default)]
    pub fault: Option<Fault>,
    #[serde(default)]
    pub locked: Option<bool>,
    #[serde(default)]
    pub locked_reason: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub trusted_image_certificates: Option<Vec<String>>,
    #[serde(default)]
    pub host_status: Option<String>,
    #[serde(default)]
    pub config_drive: Option<String>,
    #[serde(default)]
    pub server_groups: Vec<String>,
    #[serde(default)]
    pub pinned_availability_zone: Option<String>,
    #[serde(default)]
    pub scheduler_hints: BTreeMap<String, serde_json::Value>,
    #[serde(rename = "OS-EXT-AZ:availability_zone", default)]
    pub availability_zone: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:host", default)]
    pub host: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:hypervisor_hostname", default)]
    pub hypervisor_hostname: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:instance_name", default)]
    pub instance_name: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:reservation_id", default)]
    pub reservation_id: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:launch_index", default)]
    pub launch_index: Option<u32>,
    #[serde(rename = "OS-EXT-SRV-ATTR:hostname", default)]
    pub hostname: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:kernel_id", default)]
    pub kernel_id: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:ramdisk_id", default)]
    pub ramdisk_id: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:root_device_name", default)]
    pub root_device_name: Option<String>,
    #[serde(rename = "OS-EXT-SRV-ATTR:user_data", default)]
    pub user_data: Option<String>,
    #[serde(rename = "OS-EXT-STS:task_state", default)]
    pub task_state: Option<String>,
    #[serde(rename = "OS-EXT-STS:vm_state", default)]
    pub vm_state: Option<String>,
    #[serde(rename = "OS-EXT-STS:power_state", default)]
    pub power_state: Option<u32>,
    #[serde(rename = "OS-DCF:diskConfig", default)]
    pub disk_config: Option<String>,
    #[serde(rename = "OS-SRV-USG:launched_at", default)]
    pub launched_at: Option<String>,
    #[serde(rename = "OS-SRV-USG:terminated_at", default)]
    pub terminated_at: Option<String>,
    #[serde(rename = "os-extended-volumes:volumes_attached", default)]
    pub volumes_attached: Vec<Volume>,
    #[serde(default)]
    pub links: Vec<Link>,
}

#[derive(Deserialize)]
pub struct One {
    pub server: Server,
}

#[derive(Deserialize)]
pub struct Page {
    pub servers: Vec<Server>,
    #[serde(default)]
    pub servers_links: Vec<Link>,
}

/// A raw user's view of `POST /v3/auth/tokens`: token with its catalog (the fields
/// stackclient keeps).
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct TokenBody {
    pub token: Token,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Token {
    pub expires_at: String,
    pub issued_at: String,
    pub methods: Vec<String>,
    pub user: IdName,
    #[serde(default)]
    pub project: Option<IdName>,
    #[serde(default)]
    pub roles: Vec<IdName>,
    #[serde(default)]
    pub catalog: Vec<Service>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct IdName {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub domain: Option<Box<IdName>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Service {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Endpoint {
    #[serde(default)]
    pub id: Option<String>,
    pub interface: String,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub region_id: Option<String>,
    pub url: String,
}

/// `clouds.yaml` as a raw user reads it.
#[derive(Deserialize)]
pub struct CloudsFile {
    pub clouds: BTreeMap<String, Cloud>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Cloud {
    pub auth: CloudAuth,
    #[serde(default)]
    pub region_name: Option<String>,
    #[serde(default)]
    pub interface: Option<String>,
    #[serde(default)]
    pub identity_api_version: Option<serde_norway::Value>,
}

#[derive(Deserialize)]
pub struct CloudAuth {
    pub auth_url: String,
    pub username: String,
    pub password: String,
    pub project_name: String,
    pub user_domain_name: String,
    pub project_domain_name: String,
}

/// The headers a raw user sends on a compute call at 2.100.
pub fn compute_get(http: &reqwest::Client, url: &str, token: &str) -> reqwest::RequestBuilder {
    http.get(url)
        .header("X-Auth-Token", token)
        .header("OpenStack-API-Version", "compute 2.100")
        .header("X-OpenStack-Nova-API-Version", "2.100")
        .header("Accept", "application/json")
}

/// `POST {auth_url}/auth/tokens` with a password, project-scoped; returns the token and the compute
/// public endpoint.
pub async fn authenticate(http: &reqwest::Client, auth: &CloudAuth) -> (String, String) {
    let body = serde_json::json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": auth.username, "domain": {"name": auth.user_domain_name},
            "password": auth.password}}},
        "scope": {"project": {"name": auth.project_name, "domain": {"name": auth.project_domain_name}}},
    }});
    let resp = http
        .post(format!(
            "{}/auth/tokens",
            auth.auth_url.trim_end_matches('/')
        ))
        .json(&body)
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status().as_u16(), 201, "token status");
    let token = resp
        .headers()
        .get("x-subject-token")
        .and_then(|v| v.to_str().ok())
        .expect("X-Subject-Token")
        .to_string();
    let bytes = resp.bytes().await.expect("token body");
    let parsed: TokenBody = serde_json::from_slice(&bytes).expect("token JSON");
    let compute = parsed
        .token
        .catalog
        .iter()
        .find(|s| s.kind == "compute")
        .and_then(|s| s.endpoints.iter().find(|e| e.interface == "public"))
        .map(|e| e.url.clone())
        .expect("compute endpoint");
    (token, compute)
}
