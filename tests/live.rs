//! Live tests against the cloud `OS_CLOUD` names (for example the loopback minicloud:
//! `OS_CLIENT_CONFIG_FILE=/tmp/minicloud/etc/clouds.yaml OS_CLOUD=minicloud-admin
//! cargo test --all-features --test live -- --ignored --test-threads=1`).
//! Each test prints what it measured.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use secrecy::ExposeSecret;
use serde_json::json;
use stackclient::{
    AppCredentialRef, Auth, AuthMethod, Client, ClientOptions, CloudConfig, Method, ProjectRef,
    Scope, ServiceType, Session,
};

fn config() -> CloudConfig {
    CloudConfig::load().expect("OS_CLOUD / clouds.yaml or OS_* must name a cloud")
}

fn client(cfg: CloudConfig) -> Client {
    Client::new(ClientOptions::new(Session::new(cfg))).unwrap()
}

fn with_auth(base: &CloudConfig, method: AuthMethod, scope: Scope) -> CloudConfig {
    let mut cfg = base.clone();
    cfg.auth = Auth::new(base.auth.auth_url.clone(), method, scope);
    cfg
}

#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_password_auth_and_endpoints() {
    let client = client(config());
    let started = Instant::now();
    let info = client.authenticate().await.unwrap();
    println!(
        "password auth: user {:?} project {:?} roles {:?} in {:?}",
        info.user_name,
        info.project_name,
        info.roles,
        started.elapsed()
    );
    assert!(
        info.project_id.is_some(),
        "a project-scoped cloud is expected"
    );
    assert!(info.expires_at > chrono::Utc::now());
    let compute = client.endpoint_info(ServiceType::COMPUTE).await.unwrap();
    println!(
        "compute: {} microversion {:?} range {:?}",
        compute.url, compute.microversion, compute.version
    );
    assert!(compute.microversion.is_some());
    let network = client.endpoint_info(ServiceType::NETWORK).await.unwrap();
    println!("network: {}", network.url);
    assert!(network.url.path().trim_end_matches('/').ends_with("/v2.0"));
    let resp = client
        .request(ServiceType::NETWORK, Method::Get, "networks")
        .query("limit", 1)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.request_id().is_some_and(|id| id.starts_with("req-")));
    assert_eq!(client.session().auth_requests(), 1);
}

#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_token_auth() {
    let base = config();
    let AuthMethod::Password { user, password } = &base.auth.method else {
        println!("skipped: the cloud does not use password auth");
        return;
    };
    // Get a token with a plain request, then authenticate with it through the crate.
    let password_client = client(base.clone());
    let info = password_client.authenticate().await.unwrap();
    let user_json = match user {
        stackclient::UserRef::Id(id) => json!({"id": id}),
        stackclient::UserRef::Name { name, domain } => {
            json!({"name": name, "domain": match domain {
                stackclient::DomainRef::Id(id) => json!({"id": id}),
                stackclient::DomainRef::Name(n) => json!({"name": n}),
                _ => unreachable!(),
            }})
        }
        _ => unreachable!(),
    };
    let mut user_json = user_json;
    user_json["password"] = json!(password.expose_secret());
    let url = format!(
        "{}/auth/tokens",
        base.auth
            .auth_url
            .expose_raw()
            .trim_end_matches('/')
            .trim_end_matches("/v3")
    )
    .replace("/auth/tokens", "/v3/auth/tokens");
    let resp = reqwest::Client::new()
        .post(url)
        .json(&json!({"auth": {"identity": {"methods": ["password"], "password": {"user": user_json}}}}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let token = resp.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_string();
    let project = info.project_id.clone().unwrap();
    let cfg = with_auth(
        &base,
        AuthMethod::Token {
            token: token.into(),
        },
        Scope::Project(ProjectRef::Id(project.clone())),
    );
    let client = client(cfg);
    let tinfo = client.authenticate().await.unwrap();
    println!(
        "token auth: methods {:?} project {:?}",
        tinfo.methods, tinfo.project_id
    );
    assert_eq!(tinfo.project_id.as_deref(), Some(project.as_str()));
    assert!(tinfo.methods.iter().any(|m| m == "token"));
    client.endpoint_info(ServiceType::COMPUTE).await.unwrap();
}

#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_application_credential_auth() {
    let base = config();
    let admin = client(base.clone());
    let info = admin.authenticate().await.unwrap();
    let name = format!("stackclient-live-{}", std::process::id());
    let secret = format!("live-secret-{}", fastrand_like());
    let created = admin
        .request(
            ServiceType::IDENTITY,
            Method::Post,
            &format!("users/{}/application_credentials", info.user_id),
        )
        .json(&json!({"application_credential": {"name": name, "secret": secret}}))
        .send()
        .await;
    let created = match created {
        Ok(r) => r,
        Err(e) if e.status() == Some(403) => {
            println!("skipped: creating application credentials is forbidden here: {e}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    assert_eq!(created.status(), 201);
    let body: serde_json::Value = created.json().unwrap();
    let id = body["application_credential"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let by_id = client(with_auth(
        &base,
        AuthMethod::ApplicationCredential {
            credential: AppCredentialRef::Id(id.clone()),
            secret: secret.clone().into(),
        },
        Scope::Unscoped,
    ));
    let ainfo = by_id.authenticate().await.unwrap();
    println!(
        "application credential (id) auth: methods {:?} project {:?}",
        ainfo.methods, ainfo.project_id
    );
    assert_eq!(ainfo.project_id, info.project_id);
    assert!(ainfo.methods.iter().any(|m| m == "application_credential"));
    by_id.endpoint_info(ServiceType::NETWORK).await.unwrap();

    let by_name = client(with_auth(
        &base,
        AuthMethod::ApplicationCredential {
            credential: AppCredentialRef::Name {
                name: name.clone(),
                user: stackclient::UserRef::Id(info.user_id.clone()),
            },
            secret: secret.clone().into(),
        },
        Scope::Unscoped,
    ));
    assert_eq!(
        by_name.authenticate().await.unwrap().project_id,
        info.project_id
    );

    let wrong = client(with_auth(
        &base,
        AuthMethod::ApplicationCredential {
            credential: AppCredentialRef::Id(id.clone()),
            secret: "wrong".to_string().into(),
        },
        Scope::Unscoped,
    ));
    let err = wrong.authenticate().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    println!("wrong secret: {err}");

    let del = admin
        .request(
            ServiceType::IDENTITY,
            Method::Delete,
            &format!("users/{}/application_credentials/{id}", info.user_id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
}

fn fastrand_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_quickstart_flow_and_paging() {
    use futures_util::TryStreamExt;
    use stackclient::WaitOptions;
    use stackclient::compute::{CreateServer, ServerStatus};
    use stackclient::network::CreateNetwork;

    let client = client(config());
    let compute = client.compute();
    let network = client.network();

    let flavors = compute.flavors().list().all().await.unwrap();
    println!(
        "flavors: {:?}",
        flavors
            .iter()
            .map(|f| (&f.name, f.ram, f.disk, f.vcpus))
            .collect::<Vec<_>>()
    );
    let flavor = flavors
        .iter()
        .min_by_key(|f| f.ram)
        .expect("at least one flavor")
        .clone();
    let by_name = compute
        .flavors()
        .find_by_name(&flavor.name)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_name.id, flavor.id);

    // Paging: three networks, pages of one.
    let tag = format!("stackclient-live-{}", std::process::id());
    let mut created = Vec::new();
    for i in 0..3 {
        let net = network
            .networks()
            .create(&CreateNetwork::new().name(format!("{tag}-{i}")))
            .await
            .unwrap();
        assert_eq!(net.name, format!("{tag}-{i}"));
        assert!(net.project_id.is_some());
        created.push(net);
    }
    let page = network.networks().list().limit(1).send().await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.next_marker.is_some());
    let all: Vec<_> = network
        .networks()
        .list()
        .limit(1)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let unpaged = network.networks().list().all().await.unwrap();
    println!(
        "networks: {} paged one at a time, {} in one page",
        all.len(),
        unpaged.len()
    );
    assert_eq!(all.len(), unpaged.len());
    for n in &created {
        assert!(all.iter().any(|a| a.id == n.id));
    }

    // Nova needs a subnet on the network: create one through the raw escape hatch.
    let subnet = client
        .request(ServiceType::NETWORK, Method::Post, "subnets")
        .json(&json!({"subnet": {"network_id": created[0].id, "ip_version": 4, "cidr": "10.251.0.0/24"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(subnet.status(), 201);

    // Boot on the first of them, wait, delete, wait.
    let image = std::env::var("STACKCLIENT_LIVE_IMAGE")
        .unwrap_or_else(|_| "a6c4c6a2-0000-4000-8000-000000000001".into());
    let started = Instant::now();
    let server = compute
        .servers()
        .create(
            &CreateServer::new(format!("{tag}-vm"), &flavor.id)
                .image(&image)
                .network(&created[0].id),
        )
        .await
        .unwrap();
    let opts = WaitOptions::default().timeout(std::time::Duration::from_secs(180));
    let active = compute
        .servers()
        .wait_for_status_with(&server.id, ServerStatus::Active, opts)
        .await
        .unwrap();
    println!(
        "server {} ACTIVE after {:?}; addresses {:?}",
        active.id,
        started.elapsed(),
        active.addresses.keys().collect::<Vec<_>>()
    );
    assert_eq!(active.name, format!("{tag}-vm"));
    let listed = compute
        .servers()
        .list()
        .name(&format!("^{tag}-vm$"))
        .all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        compute
            .servers()
            .find_by_name(&format!("{tag}-vm"))
            .await
            .unwrap()
            .unwrap()
            .id,
        active.id
    );
    let deleting = Instant::now();
    compute.servers().delete(&server.id).await.unwrap();
    compute
        .servers()
        .wait_for_delete_with(&server.id, opts)
        .await
        .unwrap();
    println!("server deleted after {:?}", deleting.elapsed());
    let after = compute.servers().get_opt(&server.id).await.unwrap();
    println!(
        "after wait_for_delete: {:?}",
        after.as_ref().map(|s| s.status.to_string())
    );
    assert!(
        after.is_none_or(|s| matches!(s.status, ServerStatus::Deleted | ServerStatus::SoftDeleted))
    );
    for n in &created {
        // The port Nova made may take a moment to go away.
        let mut tries = 0;
        while let Err(e) = network.networks().delete(&n.id).await {
            tries += 1;
            assert!(e.is_conflict() && tries < 20, "{e}");
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        assert!(network.networks().get_opt(&n.id).await.unwrap().is_none());
    }
}

/// Real Neutron (under uWSGI) answers `DELETE` of a router or a security group with a `204` that
/// announces a chunked body and sends its terminator: the next call on the same client must work.
#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_neutron_deletes_do_not_break_the_next_call() {
    let client = client(config());
    let started = Instant::now();
    let rounds = 10;
    for round in 0..rounds {
        for (collection, key) in [("routers", "router"), ("security-groups", "security_group")] {
            let name = format!("stackclient-live-204-{round}");
            let created: serde_json::Value = client
                .request(ServiceType::NETWORK, Method::Post, collection)
                .json(&json!({ key: { "name": name } }))
                .send()
                .await
                .unwrap()
                .json()
                .unwrap();
            let id = created[key]["id"].as_str().unwrap().to_string();
            let deleted = client
                .request(
                    ServiceType::NETWORK,
                    Method::Delete,
                    &format!("{collection}/{id}"),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(deleted.status(), 204);
            // The same client, at once: this call used to fail with "invalid HTTP version parsed".
            let networks: serde_json::Value = client
                .request(ServiceType::NETWORK, Method::Get, "networks")
                .query("fields", "id")
                .send()
                .await
                .unwrap_or_else(|e| panic!("round {round}, after deleting a {key}: {e}"))
                .json()
                .unwrap();
            assert!(networks["networks"].is_array());
            let gone = client
                .request(
                    ServiceType::NETWORK,
                    Method::Get,
                    &format!("{collection}/{id}"),
                )
                .send()
                .await
                .unwrap_err();
            assert!(gone.is_not_found(), "{gone}");
        }
    }
    println!(
        "{rounds} rounds of create/delete router and security group + list + get: all OK in {:?}",
        started.elapsed()
    );
}

#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_network_subnet_port_with_if_match_and_security_groups() {
    use stackclient::network::{
        AllowedAddressPair, CreateNetwork, CreatePort, CreateSubnet, FixedIp, UpdatePort,
        UpdateSubnet,
    };
    let client = client(config());
    let started = Instant::now();
    let net_api = client.network();
    let tag = format!("stackclient-live-ports-{}", fastrand_like() % 1_000_000);
    let net = net_api
        .networks()
        .create(&CreateNetwork::new().name(&tag))
        .await
        .unwrap();
    let subnet = net_api
        .subnets()
        .create(
            &CreateSubnet::new(&net.id, 4)
                .cidr("10.231.7.0/24")
                .name(&tag)
                .dns_nameservers(["192.0.2.53"]),
        )
        .await
        .unwrap();
    assert_eq!(subnet.gateway_ip.as_deref(), Some("10.231.7.1"));
    assert_eq!(subnet.dns_nameservers, ["192.0.2.53"]);
    let sg: serde_json::Value = client
        .request(ServiceType::NETWORK, Method::Post, "security-groups")
        .json(&json!({"security_group": {"name": tag}}))
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    let sg_id = sg["security_group"]["id"].as_str().unwrap().to_string();

    let ports = net_api.ports();
    let port = ports
        .create(
            &CreatePort::new(&net.id)
                .name(&tag)
                .fixed_ip(FixedIp::new(&subnet.id, "10.231.7.20"))
                .allowed_address_pair(AllowedAddressPair::new("10.231.7.200")),
        )
        .await
        .unwrap();
    let read = ports.get(&port.id).await.unwrap();
    assert_eq!(read.fixed_ips, [FixedIp::new(&subnet.id, "10.231.7.20")]);
    assert_eq!(read.allowed_address_pairs[0].ip_address, "10.231.7.200");
    assert_eq!(
        read.allowed_address_pairs[0].mac_address.as_deref(),
        Some(read.mac_address.as_str()),
        "Neutron fills in the port's MAC"
    );
    let found = ports
        .list()
        .fixed_ip_address("10.231.7.20")
        .fixed_ip_subnet(&subnet.id)
        .all()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, port.id);

    // If-Match: the current revision applies, a stale one is refused with 412.
    let rev = read.revision_number.unwrap();
    let renamed = ports
        .update_if(&port.id, &UpdatePort::new().name(format!("{tag}-2")), rev)
        .await
        .unwrap();
    assert_eq!(renamed.name, format!("{tag}-2"));
    assert!(renamed.revision_number.unwrap() > rev);
    let stale = ports
        .update_if(&port.id, &UpdatePort::new().name("stale"), rev)
        .await
        .unwrap_err();
    assert!(stale.is_precondition_failed(), "{stale}");

    let with_sg = ports.add_security_group(&port.id, &sg_id).await.unwrap();
    assert!(with_sg.security_groups.contains(&sg_id));
    assert_eq!(
        with_sg.security_groups.len(),
        read.security_groups.len() + 1
    );
    let without = ports.remove_security_group(&port.id, &sg_id).await.unwrap();
    assert_eq!(without.security_groups, read.security_groups);

    let subnet = net_api
        .subnets()
        .update_if(
            &subnet.id,
            &UpdateSubnet::new()
                .no_gateway()
                .dns_nameservers(Vec::<String>::new()),
            subnet.revision_number.unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(subnet.gateway_ip, None);
    assert!(subnet.dns_nameservers.is_empty());

    // The network is in use while the port is there.
    let in_use = net_api.networks().delete(&net.id).await.unwrap_err();
    assert!(in_use.is_conflict(), "{in_use}");

    ports.delete(&port.id).await.unwrap();
    assert!(ports.get_opt(&port.id).await.unwrap().is_none());
    net_api.subnets().delete(&subnet.id).await.unwrap();
    client
        .request(
            ServiceType::NETWORK,
            Method::Delete,
            &format!("security-groups/{sg_id}"),
        )
        .send()
        .await
        .unwrap();
    net_api.networks().delete(&net.id).await.unwrap();
    assert!(net_api.networks().get_opt(&net.id).await.unwrap().is_none());
    println!(
        "network + subnet + port (fixed IP, address pair) created, read, updated with If-Match (412 on a stale revision), security group added/removed, all deleted in {:?}",
        started.elapsed()
    );
}

/// Network extras on a real Neutron: extensions, a project quota read / updated / reset, an
/// address scope shared through an RBAC policy (both deleted), and QoS / trunk calls only where the
/// cloud loads those extensions. Lists agents, availability zones and IP availability too.
#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_network_extras() {
    use stackclient::network::{
        ALL_PROJECTS, CreateAddressScope, CreateBandwidthLimitRule, CreateQosPolicy,
        CreateRbacPolicy, RbacAction, RbacObjectType, UpdateQuota,
    };
    let client = client(config());
    let started = Instant::now();
    let net = client.network();
    let project = client
        .authenticate()
        .await
        .unwrap()
        .project_id
        .expect("a project-scoped cloud");

    // Extensions.
    let exts = net.extensions().list().all().await.unwrap();
    let loaded = |alias: &str| exts.iter().any(|e| e.alias == alias);
    assert!(loaded("quotas") && loaded("rbac-policies") && loaded("address-scope"));
    let agent_ext = net.extensions().get("agent").await.unwrap();
    assert_eq!(agent_ext.alias, "agent");
    assert!(
        !net.extensions()
            .is_loaded("no-such-extension")
            .await
            .unwrap()
    );
    println!(
        "{} extensions; qos {}, trunk {}",
        exts.len(),
        loaded("qos"),
        loaded("trunk")
    );

    // Quotas: read, update (with check_limit), read back, reset to the defaults.
    let quotas = net.quotas();
    let before = quotas.get(&project).await.unwrap();
    let defaults = quotas.defaults(&project).await.unwrap();
    let network_limit = before.network.expect("a network quota");
    let updated = quotas
        .update(
            &project,
            &UpdateQuota::new()
                .network(network_limit + 7)
                .subnetpool(-1)
                .check_limit(true),
        )
        .await
        .unwrap();
    assert_eq!(updated.network, Some(network_limit + 7));
    assert_eq!(updated.subnetpool, Some(-1));
    assert_eq!(
        quotas.get(&project).await.unwrap().network,
        Some(network_limit + 7)
    );
    let listed = quotas.list().all().await.unwrap();
    assert!(
        listed
            .iter()
            .any(|q| q.project_id.as_deref() == Some(project.as_str())),
        "{listed:?}"
    );
    let details = quotas.details(&project).await.unwrap();
    let nets = details.get("network").unwrap();
    assert_eq!(nets.limit, network_limit + 7);
    quotas.reset(&project).await.unwrap();
    let after = quotas.get(&project).await.unwrap();
    assert_eq!(after, defaults);
    println!(
        "quota: network {network_limit} -> {} -> reset {:?}; used {}",
        network_limit + 7,
        after.network,
        nets.used
    );

    // Address scope shared through an RBAC policy.
    let name = format!("stackclient-live-extras-{}", fastrand_like());
    let scope = net
        .address_scopes()
        .create(&CreateAddressScope::new(&name, 4))
        .await
        .unwrap();
    assert_eq!((scope.ip_version, scope.shared), (4, false));
    assert_eq!(scope.project_id.as_deref(), Some(project.as_str()));
    let rbac = net
        .rbac_policies()
        .create(&CreateRbacPolicy::new(
            RbacObjectType::AddressScope,
            &scope.id,
            RbacAction::AccessAsShared,
            ALL_PROJECTS,
        ))
        .await
        .unwrap();
    assert_eq!(rbac.target_tenant, "*");
    let found = net
        .rbac_policies()
        .list()
        .object_id(&scope.id)
        .all()
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [rbac.id.as_str()]
    );
    assert!(
        net.address_scopes().get(&scope.id).await.unwrap().shared,
        "shared through RBAC"
    );
    assert_eq!(
        net.address_scopes()
            .find(&name)
            .await
            .unwrap()
            .map(|s| s.id),
        Some(scope.id.clone())
    );
    net.rbac_policies().delete(&rbac.id).await.unwrap();
    net.address_scopes().delete(&scope.id).await.unwrap();
    assert!(
        net.address_scopes()
            .get_opt(&scope.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!net.rbac_policies().delete_opt(&rbac.id).await.unwrap());

    // QoS and trunks only where loaded.
    if loaded("qos") {
        let policy = net
            .qos_policies()
            .create(&CreateQosPolicy::new(&name))
            .await
            .unwrap();
        let rule = net
            .qos_policies()
            .bandwidth_limit_rules(&policy.id)
            .create(&CreateBandwidthLimitRule::new(10_000))
            .await
            .unwrap();
        assert_eq!(rule.max_kbps, 10_000);
        assert_eq!(
            net.qos_policies()
                .get(&policy.id)
                .await
                .unwrap()
                .rules
                .len(),
            1
        );
        net.qos_policies().delete(&policy.id).await.unwrap();
        println!("qos: policy with a bandwidth limit rule created and deleted");
    } else {
        println!("qos skipped: the cloud does not load the `qos` extension");
        assert!(
            net.qos_policies()
                .list()
                .send()
                .await
                .unwrap_err()
                .is_not_found()
        );
    }
    if loaded("trunk") {
        let trunks = net.trunks().list().all().await.unwrap();
        println!("trunk: {} trunks", trunks.len());
    } else {
        println!("trunk skipped: the cloud does not load the `trunk` extension");
    }

    // Admin lists.
    let agents = net.agents().list().all().await.unwrap();
    let zones = net.availability_zones().list().all().await.unwrap();
    let ips = net.network_ip_availabilities().list().all().await.unwrap();
    println!(
        "agents {}, availability zones {}, networks with IP figures {}; all in {:?}",
        agents.len(),
        zones.len(),
        ips.len(),
        started.elapsed()
    );
}

/// An OpenSSH `ssh-ed25519` public key built here from a fixed sample key (RFC 8032, test 1).
fn sample_ssh_public_key() -> String {
    use base64::Engine as _;
    let key: Vec<u8> = (0..32)
        .map(|i| {
            u8::from_str_radix(
                &"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
                    [i * 2..i * 2 + 2],
                16,
            )
            .unwrap()
        })
        .collect();
    let mut blob = Vec::new();
    for part in [b"ssh-ed25519".as_slice(), key.as_slice()] {
        blob.extend_from_slice(&(part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    format!(
        "ssh-ed25519 {} stackclient-live",
        base64::engine::general_purpose::STANDARD.encode(blob)
    )
}

#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_compute_rest_admin_resources() {
    use futures_util::TryStreamExt as _;
    use stackclient::compute::{
        CreateAggregate, CreateFlavor, CreateKeypair, CreateServerGroup, ServerGroupPolicy,
        UpdateQuotaSet,
    };
    let client = client(config());
    let info = client.authenticate().await.unwrap();
    let project = info.project_id.clone().expect("project-scoped");
    let compute = client.compute();
    let mv = client
        .endpoint_info(ServiceType::COMPUTE)
        .await
        .unwrap()
        .microversion;
    println!("compute microversion in use: {mv:?}");
    let suffix = std::process::id();
    let mut ops = 0;

    // Flavor: private, extra specs, access.
    let flavors = compute.flavors();
    let name = format!("sc-live-{suffix}");
    let f = flavors
        .create(
            &CreateFlavor::new(&name, 128, 1, 1)
                .swap_mib(0)
                .public(false)
                .description("live"),
        )
        .await
        .unwrap();
    let fid = f.id.clone();
    let result = async {
        assert!(!f.is_public);
        flavors
            .set_extra_specs(&fid, &[("hw:cpu_policy", "shared")])
            .await?;
        flavors.set_extra_spec(&fid, "hw:numa_nodes", "1").await?;
        assert_eq!(flavors.extra_spec(&fid, "hw:numa_nodes").await?, "1");
        assert_eq!(flavors.extra_specs(&fid).await?.len(), 2);
        flavors.delete_extra_spec(&fid, "hw:numa_nodes").await?;
        flavors.add_tenant_access(&fid, &project).await?;
        assert!(
            flavors
                .access(&fid)
                .await?
                .iter()
                .any(|a| a.tenant_id == project)
        );
        flavors.remove_tenant_access(&fid, &project).await?;
        let listed = flavors.list().is_public(None).all().await?;
        assert!(
            listed.iter().any(|x| x.id == fid),
            "is_public=None finds the private flavor"
        );
        flavors
            .update(
                &fid,
                &stackclient::compute::UpdateFlavor::description("changed"),
            )
            .await?;
        Ok::<_, stackclient::Error>(())
    }
    .await;
    flavors.delete(&fid).await.unwrap();
    result.unwrap();
    ops += 11;
    println!("flavor {fid}: created private, 2 extra specs, access added/removed, deleted");

    // Keypair import.
    let keypairs = compute.keypairs();
    let kname = format!("sc-live-{suffix}");
    let kp = keypairs
        .create(&CreateKeypair::import(&kname, sample_ssh_public_key()))
        .await
        .unwrap();
    let got = keypairs.get(&kname).await;
    let listed = keypairs.list().all().await;
    keypairs.delete(&kname).await.unwrap();
    assert!(kp.private_key.is_none());
    assert_eq!(got.unwrap().fingerprint, kp.keypair.fingerprint);
    assert!(listed.unwrap().iter().any(|k| k.name == kname));
    ops += 4;
    println!(
        "keypair {kname}: imported ({}), listed, deleted",
        kp.keypair.fingerprint
    );

    // Server group, shaped for the microversion in use.
    let groups = compute.server_groups();
    let g = groups
        .create(&CreateServerGroup::new(
            format!("sc-live-{suffix}"),
            ServerGroupPolicy::AntiAffinity,
        ))
        .await
        .unwrap();
    let got = groups.get(&g.id).await;
    groups.delete(&g.id).await.unwrap();
    assert_eq!(
        got.unwrap().effective_policy(),
        Some(&ServerGroupPolicy::AntiAffinity)
    );
    ops += 3;
    println!(
        "server group {}: policy {:?} rules {:?}",
        g.id, g.policy, g.rules
    );

    // AZs, limits.
    let zones = compute.availability_zones().list().all().await.unwrap();
    let detail = compute
        .availability_zones()
        .list_detail()
        .all()
        .await
        .unwrap();
    let limits = compute.limits().get().await.unwrap();
    compute.limits().get_for_project(&project).await.unwrap();
    ops += 4;
    println!(
        "zones {:?} ({} in detail); limits: cores {:?}/{:?}",
        zones.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(),
        detail.len(),
        limits.absolute.total_cores_used,
        limits.absolute.max_total_cores
    );

    // Quota sets: show, detail, defaults, update, revert (restoring what was there).
    let quotas = compute.quota_sets();
    let before = quotas.get(&project).await.unwrap();
    let usage = quotas.detail(&project).await.unwrap();
    let defaults = quotas.defaults(&project).await.unwrap();
    let want = before.key_pairs.unwrap_or(100) + 1;
    let updated = quotas
        .update(&project, &UpdateQuotaSet::new().key_pairs(want))
        .await
        .unwrap();
    assert_eq!(updated.key_pairs, Some(want));
    quotas.delete(&project).await.unwrap();
    let reverted = quotas.get(&project).await.unwrap();
    assert_eq!(reverted.key_pairs, defaults.key_pairs);
    if reverted.key_pairs != before.key_pairs {
        if let Some(k) = before.key_pairs {
            quotas
                .update(&project, &UpdateQuotaSet::new().key_pairs(k))
                .await
                .unwrap();
        }
    }
    ops += 6;
    println!(
        "quota: cores {:?}, key_pairs {:?} -> {want} -> reverted",
        usage.cores, before.key_pairs
    );

    // Hypervisors, services, migrations.
    let hyps = compute.hypervisors().list().all().await.unwrap();
    let services = compute.services().list().all().await.unwrap();
    let migrations = compute
        .migrations()
        .list()
        .into_stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert!(services.iter().any(|s| s.binary == "nova-compute"));
    ops += 3;
    println!(
        "hypervisors {:?}; {} services; {} migrations",
        hyps.iter()
            .map(|h| (&h.hypervisor_hostname, &h.state))
            .collect::<Vec<_>>(),
        services.len(),
        migrations.len()
    );

    // Aggregate with host minicloud.
    let aggs = compute.aggregates();
    let a = aggs
        .create(&CreateAggregate::new(format!("sc-live-{suffix}")))
        .await
        .unwrap();
    let result = async {
        let with = aggs.add_host(&a.id, "minicloud").await?;
        assert_eq!(with.hosts, ["minicloud"]);
        let md = aggs.set_metadata(&a.id, &[("sc", Some("1"))]).await?;
        assert_eq!(md.metadata.get("sc").map(String::as_str), Some("1"));
        let without = aggs.remove_host(&a.id, "minicloud").await?;
        assert!(without.hosts.is_empty());
        Ok::<_, stackclient::Error>(())
    }
    .await;
    aggs.delete(&a.id).await.unwrap();
    result.unwrap();
    ops += 5;
    println!(
        "aggregate {}: host minicloud added/removed, metadata set, deleted",
        a.id
    );
    println!("compute REST live: {ops} operations");
}

/// A server's lifecycle with actions and task-state waiters: boot, stop/start, reboot (waits for
/// task_state to clear), pause/unpause, metadata and tags, interface attach/detach on a new
/// network, console output, wait_all, delete (twice) and wait.
#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_server_lifecycle_actions_and_waiters() {
    use stackclient::WaitOptions;
    use stackclient::compute::{AttachInterface, CreateServer, RebootType, ServerStatus};
    use stackclient::network::CreateNetwork;
    use std::collections::BTreeMap;
    use std::time::Duration;

    let client = client(config());
    let servers = client.compute().servers();
    let network = client.network();
    let tag = format!("stackclient-lc-{}", std::process::id());
    let opts = WaitOptions::default()
        .timeout(Duration::from_secs(180))
        .interval(Duration::from_millis(200), Duration::from_secs(2));
    // What an earlier, failed run of this test left behind.
    for old in servers.list().name("^stackclient-lc-").all().await.unwrap() {
        servers.delete_opt(&old.id).await.unwrap();
        servers.wait_for_delete_with(&old.id, opts).await.unwrap();
        println!("cleaned up server {}", old.name);
    }
    for old in network.networks().list().all().await.unwrap() {
        if old.name.starts_with("stackclient-lc-") {
            let mut tries = 0;
            while let Err(e) = network.networks().delete(&old.id).await {
                tries += 1;
                assert!(e.is_conflict() && tries < 40, "{e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            println!("cleaned up network {}", old.name);
        }
    }
    let image = std::env::var("STACKCLIENT_LIVE_IMAGE")
        .unwrap_or_else(|_| "a6c4c6a2-0000-4000-8000-000000000001".into());

    let net = network
        .networks()
        .create(&CreateNetwork::new().name(format!("{tag}-a")))
        .await
        .unwrap();
    let net2 = network
        .networks()
        .create(&CreateNetwork::new().name(format!("{tag}-b")))
        .await
        .unwrap();
    for (n, cidr) in [(&net, "10.252.0.0/24"), (&net2, "10.253.0.0/24")] {
        let subnet = client
            .request(ServiceType::NETWORK, Method::Post, "subnets")
            .json(&json!({"subnet": {"network_id": n.id, "ip_version": 4, "cidr": cidr}}))
            .send()
            .await
            .unwrap();
        assert_eq!(subnet.status(), 201);
    }

    let started = Instant::now();
    let created = servers
        .create(
            &CreateServer::new(format!("{tag}-vm"), "42")
                .image(&image)
                .network(&net.id)
                .metadata("role", "test"),
        )
        .await
        .unwrap();
    let id = created.id.clone();
    let outcome = servers
        .wait_all_with(&[id.as_str()], ServerStatus::Active, opts)
        .await
        .unwrap();
    let active = outcome[0].result.as_ref().unwrap();
    assert_eq!(active.task_state, None);
    println!("boot: ACTIVE after {:?} (wait_all)", started.elapsed());

    let t = Instant::now();
    servers.stop(&id).await.unwrap();
    let s = servers
        .wait_for_status_with(&id, ServerStatus::Shutoff, opts)
        .await
        .unwrap();
    assert_eq!(s.power_state, Some(4));
    // Starting twice: the second is refused while the first runs or once ACTIVE.
    servers.start(&id).await.unwrap();
    let again = servers.start(&id).await.unwrap_err();
    assert!(again.is_conflict(), "{again}");
    println!("second start: {}", again.as_api().unwrap().message);
    servers
        .wait_for_status_with(&id, ServerStatus::Active, opts)
        .await
        .unwrap();
    println!("stop/start: {:?}", t.elapsed());

    let t = Instant::now();
    servers.reboot(&id, RebootType::Soft).await.unwrap();
    let right_after = servers.get(&id).await.unwrap();
    println!(
        "right after reboot: {} / {:?}",
        right_after.status, right_after.task_state
    );
    let s = servers
        .wait_for_status_with(&id, ServerStatus::Active, opts)
        .await
        .unwrap();
    assert_eq!(s.task_state, None);
    servers.reboot(&id, RebootType::Hard).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, opts)
        .await
        .unwrap();
    println!("soft+hard reboot: {:?}", t.elapsed());

    servers.pause(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Paused, opts)
        .await
        .unwrap();
    servers.unpause(&id).await.unwrap();
    servers
        .wait_for_status_with(&id, ServerStatus::Active, opts)
        .await
        .unwrap();

    // Metadata.
    assert_eq!(servers.metadata(&id).await.unwrap()["role"], "test");
    let md = BTreeMap::from([("tier".to_string(), "web".to_string())]);
    let merged = servers.update_metadata(&id, &md).await.unwrap();
    assert_eq!(merged.len(), 2);
    servers.set_metadata_item(&id, "tier", "db").await.unwrap();
    assert_eq!(servers.metadata_item(&id, "tier").await.unwrap(), "db");
    servers.delete_metadata_item(&id, "tier").await.unwrap();
    let replaced = servers
        .replace_metadata(
            &id,
            &BTreeMap::from([("only".to_string(), "1".to_string())]),
        )
        .await
        .unwrap();
    assert_eq!(
        replaced,
        BTreeMap::from([("only".to_string(), "1".to_string())])
    );

    // Tags (2.26+).
    assert_eq!(
        servers.replace_tags(&id, &["a", "b"]).await.unwrap(),
        vec!["a", "b"]
    );
    servers.add_tag(&id, "c").await.unwrap();
    assert!(servers.has_tag(&id, "c").await.unwrap());
    servers.remove_tag(&id, "a").await.unwrap();
    let mut tags = servers.tags(&id).await.unwrap();
    tags.sort();
    assert_eq!(tags, vec!["b", "c"]);
    let tagged = servers.list().tags(&["b", "c"]).all().await.unwrap();
    assert!(tagged.iter().any(|s| s.id == id));
    servers.clear_tags(&id).await.unwrap();
    assert!(servers.tags(&id).await.unwrap().is_empty());

    // Interfaces on the second network.
    let attached = servers
        .attach_interface(&id, &AttachInterface::network(&net2.id))
        .await
        .unwrap();
    assert_eq!(attached.net_id.as_deref(), Some(net2.id.as_str()));
    let listed = servers.interfaces(&id).await.unwrap();
    println!(
        "interfaces: {:?}",
        listed
            .iter()
            .map(|i| (&i.port_id, &i.net_id, &i.fixed_ips))
            .collect::<Vec<_>>()
    );
    assert_eq!(listed.len(), 2);
    let one = servers.interface(&id, &attached.port_id).await.unwrap();
    assert_eq!(one.port_id, attached.port_id);
    servers
        .detach_interface(&id, &attached.port_id)
        .await
        .unwrap();
    let mut tries = 0;
    while servers.interfaces(&id).await.unwrap().len() != 1 {
        tries += 1;
        assert!(tries < 50, "the interface never went away");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The addresses (Nova's network info cache) follow the detach a moment later.
    let mut tries = 0;
    let addrs = loop {
        let addrs = servers.addresses(&id).await.unwrap();
        if addrs.len() == 1 || tries >= 50 {
            break addrs;
        }
        tries += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("addresses: {addrs:?}");
    assert_eq!(addrs.len(), 1);
    assert!(addrs.contains_key(&format!("{tag}-a")));

    // Console output and instance actions.
    let console = servers.console_output(&id, Some(5)).await.unwrap();
    println!("console output: {console:?}");
    assert!(!console.is_empty());
    let actions = servers.instance_actions(&id).unwrap().all().await.unwrap();
    let names: Vec<&str> = actions.iter().map(|a| a.action.as_str()).collect();
    println!("instance actions: {names:?}");
    for want in ["create", "stop", "start", "reboot", "pause", "unpause"] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let create = actions.iter().find(|a| a.action == "create").unwrap();
    let detail = servers
        .instance_action(&id, &create.request_id)
        .await
        .unwrap();
    assert!(!detail.events.is_empty());

    // Delete, delete again while deleting, wait.
    let t = Instant::now();
    servers.delete(&id).await.unwrap();
    match servers.delete(&id).await {
        Ok(()) => println!("second delete: accepted"),
        Err(e) => println!(
            "second delete: {} {:?}",
            e.status().unwrap_or(0),
            e.as_api().map(|a| &a.message)
        ),
    }
    servers.wait_for_delete_with(&id, opts).await.unwrap();
    println!("delete: {:?}", t.elapsed());
    // Real Nova may still show the server as DELETED for a moment (and accept a DELETE of it).
    let after = servers.get_opt(&id).await.unwrap();
    assert!(after.is_none_or(|s| s.status == ServerStatus::Deleted));

    for n in [&net, &net2] {
        let mut tries = 0;
        while let Err(e) = network.networks().delete(&n.id).await {
            tries += 1;
            assert!(e.is_conflict() && tries < 40, "{e}");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// Routing topology on a real Neutron: an external flat network (its own physnet name, as the
/// loopback cloud's ML2 takes any: `flat_networks = *`) with a subnet, a private network + subnet,
/// a router with that gateway and an interface, extra routes added with If-Match, a security group
/// with rules (tcp 22, icmp type 0, any protocol from a remote group), a floating IP associated to
/// a port and disassociated; then everything is torn down and checked gone. Subnets and the port
/// go through the raw escape hatch (their handles live in other modules).
#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_routing_topology() {
    use stackclient::network::{
        CreateFloatingIp, CreateNetwork, CreateRouter, CreateSecurityGroup,
        CreateSecurityGroupRule, Direction, ExternalGateway, FloatingIpStatus, Protocol, Route,
        RouterInterface, UpdateRouter,
    };

    let client = client(config());
    let network = client.network();
    let started = Instant::now();
    let tag = format!("stackclient-live-routing-{}", std::process::id());
    let raw_post = |path: &'static str, body: serde_json::Value| {
        let client = client.clone();
        async move {
            client
                .request(ServiceType::NETWORK, Method::Post, path)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .unwrap()
        }
    };
    let mut ops = 0u32;

    // External network + subnet.
    let ext = network
        .networks()
        .create(
            &CreateNetwork::new()
                .name(format!("{tag}-ext"))
                .external(true)
                .provider_network_type("flat")
                .provider_physical_network(format!("phys{}", std::process::id())),
        )
        .await
        .unwrap();
    assert!(ext.external);
    let ext_subnet = raw_post(
        "subnets",
        json!({"subnet": {"network_id": ext.id, "ip_version": 4,
        "cidr": "198.51.100.0/24", "name": format!("{tag}-ext-sub")}}),
    )
    .await["subnet"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Private network + subnet + a port (stands in for a server's).
    let private = network
        .networks()
        .create(&CreateNetwork::new().name(format!("{tag}-private")))
        .await
        .unwrap();
    let subnet = raw_post(
        "subnets",
        json!({"subnet": {"network_id": private.id, "ip_version": 4,
        "cidr": "10.252.0.0/24", "name": format!("{tag}-sub")}}),
    )
    .await["subnet"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let port = raw_post(
        "ports",
        json!({"port": {"network_id": private.id, "name": format!("{tag}-port")}}),
    )
    .await;
    let port_id = port["port"]["id"].as_str().unwrap().to_string();
    let port_ip = port["port"]["fixed_ips"][0]["ip_address"]
        .as_str()
        .unwrap()
        .to_string();
    ops += 5;

    // Router with the gateway, an interface on the private subnet.
    let routers = network.routers();
    let router = routers
        .create(
            &CreateRouter::new()
                .name(format!("{tag}-router"))
                .external_gateway(ExternalGateway::new(&ext.id)),
        )
        .await
        .unwrap();
    let gw = router.external_gateway_info.clone().expect("gateway set");
    assert_eq!(gw.network_id, ext.id);
    assert_eq!(
        gw.external_fixed_ips[0].subnet_id.as_deref(),
        Some(ext_subnet.as_str())
    );
    let iface = routers
        .add_interface(&router.id, &RouterInterface::subnet(&subnet))
        .await
        .unwrap();
    assert_eq!(iface.id, router.id);
    assert_eq!(iface.subnet_ids, std::slice::from_ref(&subnet));
    let iface_port: serde_json::Value = client
        .request(
            ServiceType::NETWORK,
            Method::Get,
            &format!("ports/{}", iface.port_id),
        )
        .send()
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        iface_port["port"]["device_owner"],
        "network:router_interface"
    );
    assert_eq!(iface_port["port"]["device_id"], router.id.as_str());
    ops += 3;

    // Extra routes: atomic add, then a read-modify-write with If-Match; a stale revision is 412.
    let r = routers
        .add_extra_routes(&router.id, &[Route::new("10.253.0.0/24", "10.252.0.5")])
        .await
        .unwrap();
    assert_eq!(r.routes, [Route::new("10.253.0.0/24", "10.252.0.5")]);
    let stale = routers
        .update_if(
            &router.id,
            &UpdateRouter::new().description("stale"),
            router.revision_number.unwrap(),
        )
        .await
        .unwrap_err();
    assert!(stale.is_precondition_failed(), "{stale}");
    let r = routers
        .modify(&router.id, |r| {
            let mut routes = r.routes.clone();
            routes.push(Route::new("10.254.0.0/24", "10.252.0.6"));
            Some(UpdateRouter::new().routes(routes))
        })
        .await
        .unwrap();
    assert_eq!(r.routes.len(), 2);
    let in_use = routers.delete(&router.id).await.unwrap_err();
    assert!(in_use.is_conflict(), "{in_use}");
    assert_eq!(
        in_use.as_api().unwrap().code.as_deref(),
        Some("RouterInUse")
    );
    routers.add_tag(&router.id, "live").await.unwrap();
    assert!(routers.has_tag(&router.id, "live").await.unwrap());
    ops += 6;

    // Security group with rules.
    let sgs = network.security_groups();
    let rules = network.security_group_rules();
    let sg = sgs
        .create(&CreateSecurityGroup::new(format!("{tag}-sg")))
        .await
        .unwrap();
    assert_eq!(
        sg.security_group_rules.len(),
        2,
        "Neutron's two egress rules"
    );
    let ssh = rules
        .create(
            &CreateSecurityGroupRule::new(&sg.id, Direction::Ingress)
                .protocol(Protocol::Tcp)
                .port(22),
        )
        .await
        .unwrap();
    assert_eq!(
        (ssh.port_range_min, ssh.port_range_max),
        (Some(22), Some(22))
    );
    let pong = rules
        .create(
            &CreateSecurityGroupRule::new(&sg.id, Direction::Ingress)
                .protocol(Protocol::Icmp)
                .icmp_type(0),
        )
        .await
        .unwrap();
    assert_eq!(pong.protocol, Some(Protocol::Icmp));
    assert_eq!(
        (pong.port_range_min, pong.port_range_max),
        (Some(0), None),
        "type 0 kept"
    );
    let any = rules
        .create(
            &CreateSecurityGroupRule::new(&sg.id, Direction::Ingress)
                .any_protocol()
                .remote_group_id(&sg.id),
        )
        .await
        .unwrap();
    assert_eq!(
        (any.protocol.clone(), any.remote_group_id.as_deref()),
        (None, Some(sg.id.as_str()))
    );
    let dup = rules
        .create(
            &CreateSecurityGroupRule::new(&sg.id, Direction::Ingress)
                .protocol(Protocol::Tcp)
                .port(22),
        )
        .await
        .unwrap_err();
    assert!(dup.is_conflict(), "{dup}");
    let listed = rules
        .list()
        .security_group_id(&sg.id)
        .direction(Direction::Ingress)
        .all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    let sg = sgs.get(&sg.id).await.unwrap();
    assert_eq!(sg.security_group_rules.len(), 5);
    ops += 7;

    // Floating IP on the external network, associated with the port, then disassociated.
    let fips = network.floating_ips();
    let fip = fips.create(&CreateFloatingIp::new(&ext.id)).await.unwrap();
    assert_eq!(fip.port_id, None);
    assert_eq!(fip.floating_network_id, ext.id);
    let fip = fips.associate(&fip.id, &port_id, None).await.unwrap();
    assert_eq!(fip.port_id.as_deref(), Some(port_id.as_str()));
    assert_eq!(fip.fixed_ip_address.as_deref(), Some(port_ip.as_str()));
    assert_eq!(fip.router_id.as_deref(), Some(router.id.as_str()));
    let listed = fips.list().port_id(&port_id).all().await.unwrap();
    assert_eq!(listed.len(), 1);
    let fip = fips.disassociate(&fip.id).await.unwrap();
    assert_eq!((fip.port_id, fip.fixed_ip_address), (None, None));
    assert_ne!(fip.status, FloatingIpStatus::Error);
    ops += 5;

    // Teardown, in dependency order; each checked gone.
    fips.delete(&fip.id).await.unwrap();
    assert!(fips.get_opt(&fip.id).await.unwrap().is_none());
    sgs.delete(&sg.id).await.unwrap();
    assert!(
        rules.get_opt(&ssh.id).await.unwrap().is_none(),
        "rules go with the group"
    );
    routers
        .update(&router.id, &UpdateRouter::new().routes(vec![]))
        .await
        .unwrap();
    routers
        .remove_interface(&router.id, &RouterInterface::subnet(&subnet))
        .await
        .unwrap();
    let again = routers
        .remove_interface(&router.id, &RouterInterface::subnet(&subnet))
        .await
        .unwrap_err();
    assert!(again.is_not_found(), "{again}");
    let r = routers
        .update(&router.id, &UpdateRouter::new().clear_external_gateway())
        .await
        .unwrap();
    assert_eq!(r.external_gateway_info, None);
    routers.delete(&router.id).await.unwrap();
    assert!(!routers.delete_opt(&router.id).await.unwrap());
    for (path, id) in [("ports", &port_id)] {
        client
            .request(
                ServiceType::NETWORK,
                Method::Delete,
                &format!("{path}/{id}"),
            )
            .send()
            .await
            .unwrap();
    }
    network.networks().delete(&private.id).await.unwrap();
    network.networks().delete(&ext.id).await.unwrap();
    ops += 11;
    for (what, left) in [
        (
            "routers",
            routers
                .list()
                .name(&format!("{tag}-router"))
                .all()
                .await
                .unwrap()
                .len(),
        ),
        (
            "security groups",
            sgs.list()
                .name(&format!("{tag}-sg"))
                .all()
                .await
                .unwrap()
                .len(),
        ),
        (
            "floating IPs",
            fips.list()
                .floating_network_id(&ext.id)
                .all()
                .await
                .unwrap()
                .len(),
        ),
        (
            "networks",
            network
                .networks()
                .list()
                .all()
                .await
                .unwrap()
                .iter()
                .filter(|n| n.name.starts_with(&tag))
                .count(),
        ),
    ] {
        assert_eq!(left, 0, "{what} left behind");
    }
    println!(
        "routing topology: {ops} operations on routers, floating IPs, security groups and rules (+ networks, subnets, a port), nothing left behind, in {:?}",
        started.elapsed()
    );
}

#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_bulk_create_networks_subnets_ports() {
    use stackclient::network::{CreateNetwork, CreatePort, CreateSubnet, FixedIp};

    let client = client(config());
    let network = client.network();
    let started = Instant::now();
    let tag = format!("stackclient-live-bulk-{}", std::process::id());
    let nets = network
        .networks()
        .create_bulk(&[
            CreateNetwork::new().name(format!("{tag}-a")),
            CreateNetwork::new().name(format!("{tag}-b")),
        ])
        .await
        .unwrap();
    let names: Vec<String> = nets.iter().map(|n| n.name.clone()).collect();
    assert_eq!(
        names,
        [format!("{tag}-a"), format!("{tag}-b")],
        "request order"
    );
    let subnets = network
        .subnets()
        .create_bulk(&[
            CreateSubnet::new(&nets[0].id, 4).cidr("10.197.1.0/24"),
            CreateSubnet::new(&nets[1].id, 4).cidr("10.197.2.0/24"),
        ])
        .await
        .unwrap();
    assert_eq!(
        subnets
            .iter()
            .map(|s| (s.network_id.as_str(), s.gateway_ip.as_deref()))
            .collect::<Vec<_>>(),
        [
            (nets[0].id.as_str(), Some("10.197.1.1")),
            (nets[1].id.as_str(), Some("10.197.2.1"))
        ]
    );
    let ports = network
        .ports()
        .create_bulk(&[
            CreatePort::new(&nets[0].id).fixed_ip(FixedIp::new(&subnets[0].id, "10.197.1.50")),
            CreatePort::new(&nets[1].id).name(format!("{tag}-p")),
        ])
        .await
        .unwrap();
    assert_eq!(
        ports[0].fixed_ips,
        [FixedIp::new(&subnets[0].id, "10.197.1.50")]
    );
    assert_eq!(ports[1].name, format!("{tag}-p"));
    // All or none: the second port asks for the first one's address, so neither is made.
    let err = network
        .ports()
        .create_bulk(&[
            CreatePort::new(&nets[0].id).fixed_ip(FixedIp::new(&subnets[0].id, "10.197.1.60")),
            CreatePort::new(&nets[0].id).fixed_ip(FixedIp::new(&subnets[0].id, "10.197.1.50")),
        ])
        .await
        .unwrap_err();
    assert_eq!(
        err.as_api().and_then(|a| a.code.as_deref()),
        Some("IpAddressAlreadyAllocated"),
        "{err}"
    );
    assert!(
        network
            .ports()
            .list()
            .fixed_ip_address("10.197.1.60")
            .all()
            .await
            .unwrap()
            .is_empty(),
        "nothing of the refused request is kept"
    );
    for p in &ports {
        network.ports().delete(&p.id).await.unwrap();
    }
    for n in &nets {
        network.networks().delete(&n.id).await.unwrap();
        assert!(network.networks().get_opt(&n.id).await.unwrap().is_none());
    }
    for s in &subnets {
        assert!(network.subnets().get_opt(&s.id).await.unwrap().is_none());
    }
    println!(
        "bulk create: 2 networks, 2 subnets, 2 ports in 3 requests, a refused bulk kept nothing, all deleted, in {:?}",
        started.elapsed()
    );
}

/// The rest of a server's lifecycle on a real Nova: image lookup through the image API, a keypair
/// (Nova's own fingerprint of its API-sample key), a server group joined at boot (members,
/// `server_groups`, `scheduler_hints`), suspend/resume, lock/unlock (reason kept, admins pass),
/// Nova's 409 wording, resize (confirmed, or the reason the cloud gives when it cannot),
/// rebuild, createImage with its task states, and for a non-admin (`minicloud-demo`, when the
/// clouds.yaml has it) the lock refusing actions and deletion. Everything is deleted again.
#[tokio::test]
#[ignore = "needs OS_CLOUD"]
async fn live_server_actions_keypair_group_and_image() {
    use stackclient::WaitOptions;
    use stackclient::compute::{
        CreateImage, CreateKeypair, CreateServer, CreateServerGroup, RebuildServer, Resize,
        ServerGroupPolicy, ServerStatus,
    };
    use stackclient::image::ImageStatus;
    use std::collections::BTreeMap;
    use std::time::Duration;

    const SAMPLE_KEY: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova";

    let client = client(config());
    let compute = client.compute();
    let servers = compute.servers();
    let tag = format!("stackclient-act-{}", std::process::id());
    let opts = WaitOptions::default()
        .timeout(Duration::from_secs(180))
        .interval(Duration::from_millis(200), Duration::from_secs(2));
    for old in servers
        .list()
        .name("^stackclient-act-")
        .all()
        .await
        .unwrap()
    {
        servers.delete_opt(&old.id).await.unwrap();
        servers.wait_for_delete_with(&old.id, opts).await.unwrap();
        println!("cleaned up server {}", old.name);
    }

    // The image, found through the image API (the loopback cloud's is a Glance stub).
    let images = client.image().images();
    let active = images
        .list()
        .status(ImageStatus::Active)
        .all()
        .await
        .unwrap();
    let image = active
        .iter()
        .find(|i| i.name.as_deref().is_some_and(|n| n.contains("cirros")))
        .or(active.first())
        .expect("an active image")
        .clone();
    assert_eq!(images.get(&image.id).await.unwrap().id, image.id);
    let by_name = images
        .find_by_name(image.name.as_deref().unwrap())
        .await
        .unwrap();
    assert_eq!(by_name.map(|i| i.id), Some(image.id.clone()));
    println!("image {} ({:?})", image.id, image.name);

    let keypairs = compute.keypairs();
    let kp = keypairs
        .create(&CreateKeypair::import(&tag, SAMPLE_KEY))
        .await
        .unwrap();
    assert_eq!(
        kp.keypair.fingerprint,
        "1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c"
    );
    let groups = compute.server_groups();
    let group = groups
        .create(&CreateServerGroup::new(
            &tag,
            ServerGroupPolicy::AntiAffinity,
        ))
        .await
        .unwrap();
    let mut snapshot = None;

    let result = async {
        let created = servers
            .create(
                &CreateServer::new(&tag, "42")
                    .image(&image.id)
                    .networks_none()
                    .key_name(&tag)
                    .scheduler_hint("group", json!(group.id)),
            )
            .await?;
        let id = created.id.clone();
        let s = servers
            .wait_for_status_with(&id, ServerStatus::Active, opts)
            .await?;
        assert_eq!(s.key_name.as_deref(), Some(tag.as_str()));
        assert_eq!(s.server_groups, [group.id.as_str()]);
        assert_eq!(s.scheduler_hints["group"], json!([group.id]));
        assert_eq!(groups.get(&group.id).await?.members, [id.as_str()]);

        servers.suspend(&id).await?;
        let suspended = servers
            .wait_for_status_with(&id, ServerStatus::Suspended, opts)
            .await?;
        println!(
            "suspended: vm_state {:?}, power_state {:?}",
            suspended.vm_state, suspended.power_state
        );
        assert_eq!(suspended.vm_state.as_deref(), Some("suspended"));
        servers.resume(&id).await?;
        servers
            .wait_for_status_with(&id, ServerStatus::Active, opts)
            .await?;

        let not_resized = servers.confirm_resize(&id).await.unwrap_err();
        assert_eq!(
            not_resized.as_api().unwrap().message,
            format!("Cannot 'confirmResize' instance {id} while it is in vm_state active")
        );
        servers.pause(&id).await?;
        servers
            .wait_for_status_with(&id, ServerStatus::Paused, opts)
            .await?;
        let twice = servers.pause(&id).await.unwrap_err();
        assert_eq!(
            (twice.status(), twice.as_api().unwrap().message.clone()),
            (
                Some(409),
                format!("Cannot 'pause' instance {id} while it is in vm_state paused")
            )
        );
        servers.unpause(&id).await?;
        servers
            .wait_for_status_with(&id, ServerStatus::Active, opts)
            .await?;

        // Lock: the reason shows (2.73), a second lock by the owner keeps it, admins act anyway.
        servers.lock(&id, Some("maintenance")).await?;
        servers.lock(&id, Some("second")).await?;
        let locked = servers.get(&id).await?;
        assert_eq!(locked.locked, Some(true));
        assert_eq!(locked.locked_reason.as_deref(), Some("maintenance"));
        servers
            .reboot(&id, stackclient::compute::RebootType::Soft)
            .await?;
        servers
            .wait_for_status_with(&id, ServerStatus::Active, opts)
            .await?;
        servers.unlock(&id).await?;
        let unlocked = servers.get(&id).await?;
        assert_eq!(
            (unlocked.locked, unlocked.locked_reason),
            (Some(false), None)
        );

        // Resize: confirmed where the cloud can; else the instance action says why.
        servers.resize(&id, Resize::new("1")).await?;
        let first = servers.get(&id).await?;
        println!(
            "right after resize: {} / {:?}",
            first.status, first.task_state
        );
        let settled = loop {
            let s = servers.get(&id).await?;
            if s.task_state.is_none() && s.status != ServerStatus::Resize {
                break s;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        if settled.status == ServerStatus::VerifyResize {
            servers.confirm_resize(&id).await?;
            let done = servers
                .wait_for_status_with(&id, ServerStatus::Active, opts)
                .await?;
            let flavor = done.flavor.as_ref().and_then(|f| f.embedded()).unwrap();
            assert_eq!(flavor.original_name, "m1.tiny");
            println!("resize: confirmed on m1.tiny");
        } else {
            assert_eq!(settled.status, ServerStatus::Active);
            let actions = servers.instance_actions(&id)?.all().await?;
            let resize = actions.iter().find(|a| a.action == "resize").unwrap();
            assert_eq!(resize.message.as_deref(), Some("Error"));
            let detail = servers.instance_action(&id, &resize.request_id).await?;
            let why: Vec<&str> = detail
                .events
                .iter()
                .filter_map(|e| e.details.as_deref())
                .collect();
            println!("resize refused: {why:?}");
            assert!(why.iter().any(|w| w.starts_with("No valid host was found")));
            let flavor = settled.flavor.as_ref().and_then(|f| f.embedded()).unwrap();
            assert_eq!(flavor.original_name, "m1.nano");
        }

        // Rebuild: 202 with the server, REBUILD / rebuilding; name and metadata replaced.
        let rebuilt = servers
            .rebuild(
                &id,
                RebuildServer::new(&image.id)
                    .name(format!("{tag}-2"))
                    .metadata(BTreeMap::from([("os".to_string(), "cirros".to_string())])),
            )
            .await?;
        assert_eq!(rebuilt.status, ServerStatus::Rebuild);
        assert_eq!(rebuilt.task_state.as_deref(), Some("rebuilding"));
        assert_eq!(rebuilt.name, format!("{tag}-2"));
        let s = servers
            .wait_for_status_with(&id, ServerStatus::Active, opts)
            .await?;
        assert_eq!(s.metadata["os"], "cirros");

        // Snapshot: the id in the body (2.45+); ACTIVE throughout, the waiter waits the task out.
        let image_id = servers
            .create_image(&id, CreateImage::new(format!("{tag}-snap")))
            .await?;
        snapshot = Some(image_id.clone());
        let during = servers.get(&id).await?;
        println!(
            "right after createImage: {} / {:?}",
            during.status, during.task_state
        );
        assert_eq!(during.status, ServerStatus::Active);
        let s = servers
            .wait_for_status_with(&id, ServerStatus::Active, opts)
            .await?;
        assert_eq!(s.task_state, None);

        servers.delete(&id).await?;
        servers.wait_for_delete_with(&id, opts).await?;
        Ok::<_, stackclient::Error>(())
    }
    .await;

    if let Some(image_id) = &snapshot {
        images.delete_opt(image_id).await.unwrap();
    }
    for s in servers.list().name(&format!("^{tag}")).all().await.unwrap() {
        servers.delete_opt(&s.id).await.unwrap();
        servers.wait_for_delete_with(&s.id, opts).await.unwrap();
    }
    keypairs.delete(&tag).await.unwrap();
    groups.delete(&group.id).await.unwrap();
    result.unwrap();

    // A non-admin's locked server refuses actions and deletion.
    let Ok(demo_cfg) = stackclient::ConfigLoader::from_process()
        .cloud("minicloud-demo")
        .load()
    else {
        println!("no minicloud-demo cloud: skipping the non-admin lock checks");
        return;
    };
    let demo = self::client(demo_cfg);
    let demo_servers = demo.compute().servers();
    let created = demo_servers
        .create(
            &CreateServer::new(format!("{tag}-demo"), "42")
                .image(&image.id)
                .networks_none(),
        )
        .await
        .unwrap();
    let id = created.id.clone();
    let result = async {
        demo_servers
            .wait_for_status_with(&id, ServerStatus::Active, opts)
            .await?;
        demo_servers.lock(&id, Some("owner reason")).await?;
        let locked = format!("Instance {id} is locked");
        let e = demo_servers.pause(&id).await.unwrap_err();
        assert_eq!(
            (e.status(), e.as_api().unwrap().message.clone()),
            (Some(409), locked.clone())
        );
        let e = demo_servers.delete(&id).await.unwrap_err();
        assert_eq!(
            (e.status(), e.as_api().unwrap().message.clone()),
            (Some(409), locked)
        );
        demo_servers.add_tag(&id, "allowed").await?;
        demo_servers.unlock(&id).await?;
        Ok::<_, stackclient::Error>(())
    }
    .await;
    demo_servers.unlock(&id).await.ok();
    demo_servers.delete_opt(&id).await.unwrap();
    demo_servers.wait_for_delete_with(&id, opts).await.unwrap();
    result.unwrap();
    println!("non-admin: locked server refused pause and delete with 409");
}
