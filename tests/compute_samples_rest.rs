//! Nova's own API samples for flavors (manage, extra specs, access), keypairs, server groups,
//! availability zones, limits, quota sets, hypervisors, services, aggregates and migrations: when
//! `NOVA_SAMPLES` names nova's `doc/api_samples` directory, every response sample of these resources at
//! every microversion directory is decoded with the crate's models, and every request sample is
//! rebuilt with the crate's builders (or sent through the crate's method against a mock, for bodies a
//! method builds) and compared as JSON values. Prints a skip line when `NOVA_SAMPLES` is unset.

mod common;

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use stackclient::compute::{
    AvailabilityZone, ComputeService, CreateAggregate, CreateFlavor, CreateKeypair,
    CreateServerGroup, CreatedKeypair, Flavor, FlavorAccess, Hypervisor, KeyType, Keypair, Limits,
    Migration, QuotaSet, QuotaSetDetail, ServerGroup, ServerGroupPolicy, UpdateAggregate,
    UpdateFlavor, UpdateQuotaSet,
};
use stackclient::{ApiVersion, Client};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const DIRS: &[&str] = &[
    "flavors",
    "flavor-manage",
    "flavor-extra-specs",
    "flavor-access",
    "os-keypairs",
    "os-server-groups",
    "os-availability-zone",
    "limits",
    "os-quota-sets",
    "os-hypervisors",
    "os-services",
    "os-aggregates",
    "os-migrations",
];

/// Replaces every `%(name)s` placeholder with a plain string.
fn substitute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("%(") {
        out.push_str(&rest[..start]);
        match rest[start..].find(")s") {
            Some(end) => {
                out.push_str("placeholder");
                rest = &rest[start + end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&substitute(&text)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The microversion of a sample directory (`v2.64` → 2.64; the resource's own directory is 2.1).
fn microversion(dir: &Path) -> ApiVersion {
    dir.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix('v'))
        .and_then(|v| v.parse().ok())
        .unwrap_or(ApiVersion::new(2, 1))
}

fn decode<T: DeserializeOwned>(path: &Path, v: &Value) -> T {
    serde_json::from_value(v.clone())
        .unwrap_or_else(|e| panic!("{} does not decode: {e}\n{v:#}", path.display()))
}

fn inner<T: DeserializeOwned>(path: &Path, v: &Value, key: &str) -> T {
    let item = v
        .get(key)
        .unwrap_or_else(|| panic!("{} has no `{key}`", path.display()));
    decode(path, item)
}

fn each<T: DeserializeOwned>(path: &Path, v: &Value, key: &str) -> Vec<T> {
    inner::<Vec<Value>>(path, v, key)
        .iter()
        .map(|i| decode(path, i))
        .collect()
}

#[derive(Default, Debug)]
struct Counts {
    responses: usize,
    requests: usize,
    skipped: Vec<String>,
}

/// Decodes one response sample with the model of its resource; `false` when the sample is not one
/// this crate models (it is listed as skipped).
fn check_response(res: &str, name: &str, path: &Path, mv: ApiVersion, v: &Value) -> bool {
    match res {
        "flavor-manage" => {
            let f: Flavor = inner(path, v, "flavor");
            assert!(!f.id.is_empty() && f.ram > 0, "{}", path.display());
            if mv >= ApiVersion::new(2, 55) {
                assert!(f.description.is_some(), "{}", path.display());
            }
        }
        "flavors" if name.contains("detail") || name.contains("get") => {
            let fs: Vec<Flavor> = if v.get("flavors").is_some() {
                each(path, v, "flavors")
            } else {
                vec![inner(path, v, "flavor")]
            };
            for f in fs {
                assert!(f.vcpus > 0, "{}", path.display());
            }
        }
        "flavor-extra-specs" => {
            let specs: BTreeMap<String, String> = match v.get("extra_specs") {
                Some(_) => inner(path, v, "extra_specs"),
                None => decode(path, v),
            };
            assert!(!specs.is_empty(), "{}", path.display());
        }
        "flavor-access" => {
            let acc: Vec<FlavorAccess> = each(path, v, "flavor_access");
            for a in &acc {
                assert!(!a.flavor_id.is_empty() && !a.tenant_id.is_empty());
            }
        }
        "os-keypairs" if name.contains("list") => {
            let items: Vec<Value> = inner(path, v, "keypairs");
            for i in items {
                let kp: Keypair = inner(path, &i, "keypair");
                assert!(kp.fingerprint.contains(':'), "{}", path.display());
                assert_eq!(kp.key_type.is_some(), mv >= ApiVersion::new(2, 2));
            }
        }
        "os-keypairs" if name.contains("post") => {
            let kp: CreatedKeypair = inner(path, v, "keypair");
            assert_eq!(
                kp.private_key.is_some(),
                name == "keypairs-post-resp.json",
                "{}",
                path.display()
            );
        }
        "os-keypairs" => {
            let kp: Keypair = inner(path, v, "keypair");
            assert!(!kp.public_key.is_empty());
        }
        "os-server-groups" => {
            let groups: Vec<ServerGroup> = if v.get("server_groups").is_some() {
                each(path, v, "server_groups")
            } else {
                vec![inner(path, v, "server_group")]
            };
            for g in groups {
                assert_eq!(
                    g.effective_policy(),
                    Some(&ServerGroupPolicy::AntiAffinity),
                    "{}",
                    path.display()
                );
                assert_eq!(g.policy.is_some(), mv >= ApiVersion::new(2, 64));
                assert_eq!(g.project_id.is_some(), mv >= ApiVersion::new(2, 13));
            }
        }
        "os-availability-zone" => {
            let zones: Vec<AvailabilityZone> = each(path, v, "availabilityZoneInfo");
            assert!(zones.iter().any(|z| z.name == "nova" && z.state.available));
            assert_eq!(
                zones.iter().any(|z| z.hosts.is_some()),
                name.contains("detail")
            );
        }
        "limits" => {
            let l: Limits = inner(path, v, "limits");
            assert!(l.absolute.max_total_cores.is_some());
            assert_eq!(
                l.absolute.max_security_groups.is_none(),
                mv >= ApiVersion::new(2, 36)
            );
            assert_eq!(
                l.absolute.max_personality.is_none(),
                mv >= ApiVersion::new(2, 57)
            );
        }
        "os-quota-sets" if name.contains("detail") => {
            let q: QuotaSetDetail = inner(path, v, "quota_set");
            assert!(q.cores.is_some_and(|c| c.limit == 20), "{}", path.display());
        }
        "os-quota-sets" => {
            let q: QuotaSet = inner(path, v, "quota_set");
            assert!(q.instances.is_some(), "{}", path.display());
            assert_eq!(q.floating_ips.is_none(), mv >= ApiVersion::new(2, 36));
            assert_eq!(q.injected_files.is_none(), mv >= ApiVersion::new(2, 57));
        }
        "os-hypervisors" if name.contains("statistics") => return false,
        "os-hypervisors" => {
            let hs: Vec<Hypervisor> = if v.get("hypervisors").is_some() {
                each(path, v, "hypervisors")
            } else {
                vec![inner(path, v, "hypervisor")]
            };
            for h in hs {
                assert!(!h.id.is_empty() && !h.hypervisor_hostname.is_empty());
                assert_eq!(
                    h.id.len() == 36,
                    mv >= ApiVersion::new(2, 53),
                    "{}",
                    path.display()
                );
                if mv >= ApiVersion::new(2, 88) {
                    assert!(h.vcpus.is_none() && h.memory_mb.is_none());
                }
            }
        }
        "os-services" if name.contains("put") && mv < ApiVersion::new(2, 53) => return false,
        "os-services" => {
            let ss: Vec<ComputeService> = if v.get("services").is_some() {
                each(path, v, "services")
            } else {
                vec![inner(path, v, "service")]
            };
            for s in ss {
                assert!(!s.host.is_empty() && !s.binary.is_empty());
            }
        }
        "os-aggregates" => {
            let aggs: Vec<stackclient::compute::Aggregate> = if v.get("aggregates").is_some() {
                each(path, v, "aggregates")
            } else {
                vec![inner(path, v, "aggregate")]
            };
            for a in aggs {
                assert!(!a.id.is_empty() && !a.name.is_empty());
                assert_eq!(a.uuid.is_some(), mv >= ApiVersion::new(2, 41));
            }
        }
        "os-migrations" => {
            let ms: Vec<Migration> = each(path, v, "migrations");
            for m in ms {
                assert!(!m.instance_uuid.is_empty());
                assert_eq!(m.uuid.is_some(), mv >= ApiVersion::new(2, 59));
                assert_eq!(m.project_id.is_some(), mv >= ApiVersion::new(2, 80));
            }
        }
        _ => return false,
    }
    true
}

/// A mock Nova at `mv` answering every call with `answer`; runs `f` and returns the JSON body of the
/// one API request it sent.
async fn wire_body<F, Fut>(mv: ApiVersion, answer: Value, f: F) -> Value
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()>,
{
    let server = MockServer::start().await;
    common::mount_keystone(&server, "tok-samples").await;
    common::mount_nova_version(&server, &mv.to_string()).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    let client = common::client(&server);
    f(client).await;
    let sent: Vec<_> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().len() > "/compute/v2.1".len() && !r.body.is_empty())
        .filter(|r| !r.url.path().starts_with("/identity"))
        .collect();
    assert_eq!(sent.len(), 1, "one API request with a body");
    serde_json::from_slice(&sent[0].body).unwrap_or(Value::Null)
}

/// `"True"` / `"False"` (which Nova accepts for booleans) as JSON booleans.
fn normalise_bools(v: &mut Value) {
    match v {
        Value::String(s) if s == "True" => *v = Value::Bool(true),
        Value::String(s) if s == "False" => *v = Value::Bool(false),
        Value::Object(m) => m.values_mut().for_each(normalise_bools),
        Value::Array(a) => a.iter_mut().for_each(normalise_bools),
        _ => {}
    }
}

fn s(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn u(v: &Value, k: &str) -> u64 {
    v.get(k).and_then(Value::as_u64).unwrap_or_default()
}

/// Rebuilds one request sample; `None` when it is not one this crate builds (listed as skipped).
async fn rebuild(
    res: &str,
    name: &str,
    mv: ApiVersion,
    sample: &Value,
    dir: &Path,
) -> Option<Value> {
    Some(match (res, name) {
        (
            "flavor-manage" | "flavor-access",
            "flavor-create-post-req.json" | "flavor-create-req.json",
        ) => {
            let f = &sample["flavor"];
            let mut req = CreateFlavor::new(
                s(f, "name"),
                u(f, "ram"),
                u(f, "vcpus") as u32,
                u(f, "disk"),
            );
            if f.get("id").is_some() {
                req = req.id(s(f, "id"));
            }
            if let Some(p) = f.get("os-flavor-access:is_public").and_then(Value::as_bool) {
                req = req.public(p);
            }
            if f.get("description").is_some() {
                req = req.description(s(f, "description"));
            }
            if let Some(r) = f.get("rxtx_factor").and_then(Value::as_f64) {
                req = req.rxtx_factor(r);
            }
            if f.get("swap").is_some() {
                req = req.swap_mib(u(f, "swap"));
            }
            if f.get("OS-FLV-EXT-DATA:ephemeral").is_some() {
                req = req.ephemeral_gib(u(f, "OS-FLV-EXT-DATA:ephemeral"));
            }
            serde_json::to_value(&req).ok()?
        }
        ("flavor-manage", "flavor-update-req.json") => serde_json::to_value(
            UpdateFlavor::description(s(&sample["flavor"], "description")),
        )
        .ok()?,
        ("flavor-extra-specs", "flavor-extra-specs-create-req.json") => {
            let specs: BTreeMap<String, String> =
                serde_json::from_value(sample["extra_specs"].clone()).ok()?;
            wire_body(mv, sample.clone(), |c| async move {
                let pairs: Vec<(&str, &str)> = specs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                c.compute()
                    .flavors()
                    .set_extra_specs("1", &pairs)
                    .await
                    .expect("set_extra_specs");
            })
            .await
        }
        ("flavor-extra-specs", "flavor-extra-specs-update-req.json") => {
            let (k, v) = sample
                .as_object()?
                .iter()
                .next()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))?;
            wire_body(mv, sample.clone(), |c| async move {
                c.compute()
                    .flavors()
                    .set_extra_spec("1", &k, &v)
                    .await
                    .expect("set_extra_spec");
            })
            .await
        }
        (
            "flavor-access",
            "flavor-access-add-tenant-req.json" | "flavor-access-remove-tenant-req.json",
        ) => {
            let add = name.contains("add");
            let key = if add {
                "addTenantAccess"
            } else {
                "removeTenantAccess"
            };
            let tenant = s(&sample[key], "tenant");
            wire_body(mv, json!({"flavor_access": []}), |c| async move {
                let f = c.compute().flavors();
                if add {
                    f.add_tenant_access("10", &tenant).await.expect("add");
                } else {
                    f.remove_tenant_access("10", &tenant).await.expect("remove");
                }
            })
            .await
        }
        ("os-keypairs", "keypairs-post-req.json" | "keypairs-import-post-req.json") => {
            let k = &sample["keypair"];
            let mut req = match k.get("public_key") {
                Some(_) => CreateKeypair::import(s(k, "name"), s(k, "public_key")),
                None => CreateKeypair::generate(s(k, "name")),
            };
            if let Some(t) = k.get("type").and_then(Value::as_str) {
                req = req.key_type(t.parse::<KeyType>().ok()?);
            }
            if k.get("user_id").is_some() {
                req = req.user_id(s(k, "user_id"));
            }
            serde_json::to_value(&req).ok()?
        }
        ("os-server-groups", "server-groups-post-req.json") => {
            let g = &sample["server_group"];
            let policy = g
                .get("policy")
                .or_else(|| g.pointer("/policies/0"))
                .and_then(Value::as_str)?;
            let mut req = CreateServerGroup::new(s(g, "name"), policy.parse().ok()?);
            if let Some(n) = g
                .pointer("/rules/max_server_per_host")
                .and_then(Value::as_u64)
            {
                req = req.max_server_per_host(n as u32);
            }
            req.body_at(Some(mv)).ok()?
        }
        ("os-quota-sets", _) => {
            let q = &sample["quota_set"];
            let mut req = UpdateQuotaSet::new();
            for (k, v) in q.as_object()? {
                let n = v.as_i64();
                req = match (k.as_str(), n) {
                    ("force", _) => req.force(v == "True" || v == &Value::Bool(true)),
                    ("instances", Some(n)) => req.instances(n),
                    ("cores", Some(n)) => req.cores(n),
                    ("ram", Some(n)) => req.ram_mib(n),
                    ("key_pairs", Some(n)) => req.key_pairs(n),
                    ("metadata_items", Some(n)) => req.metadata_items(n),
                    ("server_groups", Some(n)) => req.server_groups(n),
                    ("server_group_members", Some(n)) => req.server_group_members(n),
                    _ => return None,
                };
            }
            let mut v = serde_json::to_value(&req).ok()?;
            normalise_bools(&mut v);
            v
        }
        ("os-services", _) if mv >= ApiVersion::new(2, 53) => {
            let answer = read(&dir.join(name.replace("-req", "-resp")));
            let body = sample.clone();
            wire_body(mv, answer, |c| async move {
                let svc = c.compute().services();
                let id = "e81d66a4-ddd3-4aba-8a84-171d1cb4d339";
                if let Some(down) = body.get("forced_down").and_then(Value::as_bool) {
                    svc.force_down(id, down).await.expect("force_down");
                } else if body["status"] == "enabled" {
                    svc.enable(id).await.expect("enable");
                } else {
                    svc.disable(id, body.get("disabled_reason").and_then(Value::as_str))
                        .await
                        .expect("disable");
                }
            })
            .await
        }
        ("os-aggregates", "aggregate-post-req.json") => {
            let a = &sample["aggregate"];
            let mut req = CreateAggregate::new(s(a, "name"));
            if a.get("availability_zone").is_some() {
                req = req.availability_zone(s(a, "availability_zone"));
            }
            serde_json::to_value(&req).ok()?
        }
        ("os-aggregates", "aggregate-update-post-req.json") => {
            let a = &sample["aggregate"];
            let mut req = UpdateAggregate::new();
            if a.get("name").is_some() {
                req = req.name(s(a, "name"));
            }
            if let Some(z) = a.get("availability_zone") {
                req = req.availability_zone(z.as_str());
            }
            serde_json::to_value(&req).ok()?
        }
        (
            "os-aggregates",
            "aggregate-add-host-post-req.json"
            | "aggregate-remove-host-post-req.json"
            | "aggregate-metadata-post-req.json",
        ) => {
            let answer = read(
                &dir.join("aggregates-get-resp.json")
                    .with_file_name(match name {
                        "aggregate-add-host-post-req.json" => "aggregates-add-host-post-resp.json",
                        "aggregate-remove-host-post-req.json" => {
                            "aggregates-remove-host-post-resp.json"
                        }
                        _ => "aggregates-metadata-post-resp.json",
                    }),
            );
            let body = sample.clone();
            let name = name.to_string();
            wire_body(mv, answer, |c| async move {
                let aggs = c.compute().aggregates();
                if name.contains("add-host") {
                    aggs.add_host("1", &s(&body["add_host"], "host"))
                        .await
                        .expect("add_host");
                } else if name.contains("remove-host") {
                    aggs.remove_host("1", &s(&body["remove_host"], "host"))
                        .await
                        .expect("remove_host");
                } else {
                    let md: BTreeMap<String, Option<String>> =
                        serde_json::from_value(body["set_metadata"]["metadata"].clone())
                            .unwrap_or_default();
                    let pairs: Vec<(&str, Option<&str>)> =
                        md.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect();
                    aggs.set_metadata("1", &pairs).await.expect("set_metadata");
                }
            })
            .await
        }
        _ => return None,
    })
}

fn sample_dirs(root: &Path, res: &str) -> Vec<PathBuf> {
    let base = root.join(res);
    let mut dirs = vec![base.clone()];
    if let Ok(entries) = std::fs::read_dir(&base) {
        let mut sub: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        sub.sort();
        dirs.extend(sub);
    }
    dirs
}

#[tokio::test]
async fn every_rest_sample_decodes_and_every_request_is_rebuilt() {
    let Some(root) = std::env::var_os("NOVA_SAMPLES") else {
        println!("skipped: NOVA_SAMPLES is not set (point it at nova's doc/api_samples)");
        return;
    };
    let root = PathBuf::from(root);
    let mut counts = Counts::default();
    for res in DIRS {
        for dir in sample_dirs(&root, res) {
            let mv = microversion(&dir);
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for path in files {
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_string();
                let v = read(&path);
                if name.contains("-req") {
                    match rebuild(res, &name, mv, &v, &dir).await {
                        Some(built) => {
                            let mut want = v.clone();
                            normalise_bools(&mut want);
                            assert_eq!(built, want, "{} rebuilt differently", path.display());
                            counts.requests += 1;
                        }
                        None => counts.skipped.push(path.display().to_string()),
                    }
                } else if check_response(res, &name, &path, mv, &v) {
                    counts.responses += 1;
                } else {
                    counts.skipped.push(path.display().to_string());
                }
            }
        }
    }
    println!(
        "nova samples: {} responses decoded, {} requests rebuilt, {} skipped",
        counts.responses,
        counts.requests,
        counts.skipped.len()
    );
    for s in &counts.skipped {
        println!("  skipped {s}");
    }
    assert!(counts.responses > 100, "{counts:?}");
    assert!(counts.requests > 30, "{counts:?}");
}
