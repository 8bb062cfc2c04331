//! The fake cloud with two projects: what a member of one sees and may change of the other's
//! resources. Expected statuses and messages are what Keystone 29, Nova 33 and Neutron 28
//! answered on the loopback minicloud for the same calls, made as `demo` (a member of project
//! `demo`) on resources of project `admin`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "testing")]

use stackclient::compute::{CreateServerGroup, ServerGroupPolicy};
use stackclient::network::{CreatePort, CreateSubnet, UpdateNetwork};
use stackclient::testing::{FakeCloud, FakeKeypair, FakeNetwork, FakeProject, FakeServer};
use stackclient::{Client, Error};

const SHARED_NET: &str = "5d2e3f40-1a2b-4c3d-8e9f-000000000001";

struct Env {
    fake: FakeCloud,
    admin: Client,
    bob: Client,
}

async fn env() -> Env {
    let fake = FakeCloud::builder()
        .with_project(
            FakeProject::new("tenant-b")
                .user("bob", "bob-secret")
                .user("carol", "carol-secret"),
        )
        .network(
            FakeNetwork::new("adm-shared")
                .id(SHARED_NET)
                .shared(true)
                .subnet("10.51.0.0/24"),
        )
        .network(
            FakeNetwork::new("bob-net")
                .project("tenant-b")
                .subnet("10.20.0.0/24"),
        )
        .keypair(FakeKeypair::new("deploy"))
        .keypair(FakeKeypair::new("deploy").user("bob"))
        .server(FakeServer::new("adm-vm"))
        .server(FakeServer::new("bob-vm").project("tenant-b"))
        .start()
        .await
        .unwrap();
    let admin = fake.client().unwrap();
    let bob = fake.client_as("bob").unwrap();
    Env { fake, admin, bob }
}

fn api(e: &Error) -> (u16, String) {
    let api = e
        .as_api()
        .unwrap_or_else(|| panic!("not an API error: {e}"));
    (api.status, api.message.clone())
}

fn neutron(e: &Error) -> (u16, String, String) {
    let api = e
        .as_api()
        .unwrap_or_else(|| panic!("not an API error: {e}"));
    (
        api.status,
        api.code.clone().unwrap_or_default(),
        api.message.clone(),
    )
}

#[tokio::test]
async fn each_user_gets_a_token_for_its_own_project_only() {
    let env = env().await;
    let info = env.bob.authenticate().await.unwrap();
    let tenant_b = env.fake.project_id_of("tenant-b").unwrap();
    assert_eq!(info.project_id.as_deref(), Some(tenant_b.as_str()));
    assert_eq!(info.user_id, env.fake.user_id_of("bob").unwrap());
    let roles: Vec<_> = info.roles.iter().map(String::as_str).collect();
    assert!(
        roles.contains(&"member") && !roles.contains(&"admin"),
        "{roles:?}"
    );

    // Bob asking for the admin project, and a wrong password: Keystone's 401.
    let http = reqwest::Client::new();
    let url = format!("{}/v3/auth/tokens", env.fake.auth_url());
    let body = |password: &str, project: &str| {
        serde_json::json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "bob", "domain": {"name": "Default"}, "password": password}}},
            "scope": {"project": {"name": project, "domain": {"name": "Default"}}}
        }})
    };
    for (password, project) in [("bob-secret", "admin"), ("wrong", "tenant-b")] {
        let resp = http
            .post(&url)
            .json(&body(password, project))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "{password} {project}");
    }
    let resp = http
        .post(&url)
        .json(&body("bob-secret", "tenant-b"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let token: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(token["token"]["project"]["name"], "tenant-b");
    assert_eq!(token["token"]["user"]["name"], "bob");
}

#[tokio::test]
async fn nova_shows_a_member_its_own_project_and_an_admin_all_with_all_tenants() {
    let env = env().await;
    let servers = env.bob.compute().servers();
    let mine = servers.list().all().await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].name, "bob-vm");
    let tenant_b = env.fake.project_id_of("tenant-b").unwrap();
    assert_eq!(mine[0].tenant_id.as_deref(), Some(tenant_b.as_str()));
    assert_eq!(mine[0].user_id, env.fake.user_id_of("bob"));
    // Nova puts the caller's project in place of a member's `project_id` filter.
    let filtered = servers
        .list()
        .project_id(env.fake.project_id())
        .all()
        .await
        .unwrap();
    assert_eq!(filtered.len(), 1);
    assert_eq!(filtered[0].name, "bob-vm");

    let adm_vm = env.fake.server_id("adm-vm").unwrap();
    let not_found = format!("Instance {adm_vm} could not be found.");
    assert_eq!(
        api(&servers.get(&adm_vm).await.unwrap_err()),
        (404, not_found.clone())
    );
    assert_eq!(
        api(&servers.stop(&adm_vm).await.unwrap_err()),
        (404, not_found.clone())
    );
    assert_eq!(
        api(&servers.delete(&adm_vm).await.unwrap_err()),
        (404, not_found)
    );

    let err = servers.list().all_tenants(true).all().await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            403,
            "Policy doesn't allow os_compute_api:servers:detail:get_all_tenants to be performed."
                .into()
        )
    );

    let admin = env.admin.compute().servers();
    let own: Vec<_> = admin
        .list()
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(own, ["adm-vm"]);
    let mut all: Vec<_> = admin
        .list()
        .all_tenants(true)
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    all.sort();
    assert_eq!(all, ["adm-vm", "bob-vm"]);
    let theirs = admin
        .list()
        .all_tenants(true)
        .project_id(&tenant_b)
        .all()
        .await
        .unwrap();
    assert_eq!(theirs.len(), 1);
    assert_eq!(theirs[0].name, "bob-vm");
    // An admin reaches any server by id.
    let bob_vm = env.fake.server_id("bob-vm").unwrap();
    assert_eq!(admin.get(&bob_vm).await.unwrap().name, "bob-vm");
}

#[tokio::test]
async fn keypairs_are_per_user_and_server_groups_per_project() {
    let env = env().await;
    let bob_keys = env.bob.compute().keypairs();
    let listed = bob_keys.list().all().await.unwrap();
    assert_eq!(listed.len(), 1);
    let deploy = bob_keys.get("deploy").await.unwrap();
    assert_eq!(deploy.user_id, env.fake.user_id_of("bob"));
    // The same name is free for another user; carol (same project) has no keypairs.
    let carol = env.fake.client_as("carol").unwrap();
    assert!(
        carol
            .compute()
            .keypairs()
            .list()
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    env.fake
        .add_keypair(FakeKeypair::new("deploy").user("carol"))
        .unwrap();
    let carols = carol.compute().keypairs().get("deploy").await.unwrap();
    assert_eq!(carols.user_id, env.fake.user_id_of("carol"));
    assert_ne!(carols.fingerprint, deploy.fingerprint);
    let admin_deploy = env.admin.compute().keypairs().get("deploy").await.unwrap();
    assert_eq!(admin_deploy.user_id.as_deref(), Some(env.fake.user_id()));

    let group = env
        .admin
        .compute()
        .server_groups()
        .create(&CreateServerGroup::new(
            "adm-group",
            ServerGroupPolicy::Affinity,
        ))
        .await
        .unwrap();
    let bob_groups = env.bob.compute().server_groups();
    assert!(bob_groups.list().all().await.unwrap().is_empty());
    let err = bob_groups.get(&group.id).await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            404,
            format!("Instance group {} could not be found.", group.id)
        )
    );
}

#[tokio::test]
async fn neutron_shows_a_member_its_own_shared_and_external_networks() {
    let env = env().await;
    let network = env.bob.network();
    let mut names: Vec<_> = network
        .networks()
        .list()
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
    names.sort();
    assert_eq!(names, ["adm-shared", "bob-net", "public"]);
    let mut subnets: Vec<_> = network
        .subnets()
        .list()
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.cidr)
        .collect();
    subnets.sort();
    assert_eq!(subnets, ["10.20.0.0/24", "10.51.0.0/24", "172.24.4.0/24"]);
    // The admin project's server port on `private` is not Bob's to see.
    let ports = network.ports().list().all().await.unwrap();
    let bob_vm = env.fake.server_id("bob-vm").unwrap();
    assert!(ports.iter().all(|p| p.device_id == bob_vm), "{ports:?}");

    let private = env.fake.network_id("private").unwrap();
    assert_eq!(
        neutron(&network.networks().get(&private).await.unwrap_err()),
        (
            404,
            "NetworkNotFound".into(),
            format!("Network {private} could not be found.")
        )
    );
    assert_eq!(
        neutron(&network.networks().delete(&private).await.unwrap_err()).0,
        404
    );
    let err = network
        .networks()
        .update(SHARED_NET, &UpdateNetwork::new().name("x"))
        .await
        .unwrap_err();
    assert_eq!(
        neutron(&err),
        (
            403,
            "PolicyNotAuthorized".into(),
            "rule:update_network is disallowed by policy".into()
        )
    );
    let err = network.networks().delete(SHARED_NET).await.unwrap_err();
    assert_eq!(
        neutron(&err).2,
        "rule:delete_network is disallowed by policy"
    );
    let err = network
        .ports()
        .create(&CreatePort::new(&private))
        .await
        .unwrap_err();
    assert_eq!(
        neutron(&err),
        (
            404,
            "NetworkNotFound".into(),
            format!("Network {private} could not be found.")
        )
    );
    let err = network
        .subnets()
        .create(&CreateSubnet::new(SHARED_NET, 4).cidr("10.77.0.0/24"))
        .await
        .unwrap_err();
    assert_eq!(
        neutron(&err),
        (
            403,
            "PolicyNotAuthorized".into(),
            "rule:create_subnet is disallowed by policy".into()
        )
    );
    // A port on a shared network is allowed, and belongs to Bob's project.
    let port = network
        .ports()
        .create(&CreatePort::new(SHARED_NET))
        .await
        .unwrap();
    assert_eq!(port.project_id, env.fake.project_id_of("tenant-b"));

    // The admin sees every project's networks.
    let all = env.admin.network().networks().list().all().await.unwrap();
    assert_eq!(all.len(), 4);
}

#[tokio::test]
async fn security_groups_and_images_of_another_project_are_not_found() {
    let env = env().await;
    let admin_groups = env
        .admin
        .network()
        .security_groups()
        .list()
        .all()
        .await
        .unwrap();
    // Neutron lists every project's groups to an admin.
    assert!(admin_groups.len() >= 2, "{admin_groups:?}");
    let admin_default = admin_groups
        .iter()
        .find(|g| g.name == "default" && g.project_id.as_deref() == Some(env.fake.project_id()))
        .expect("the admin project's default group");
    let bob_groups = env
        .bob
        .network()
        .security_groups()
        .list()
        .all()
        .await
        .unwrap();
    assert!(bob_groups.iter().all(|g| g.id != admin_default.id));
    let err = env
        .bob
        .network()
        .security_groups()
        .get(&admin_default.id)
        .await
        .unwrap_err();
    assert_eq!(
        neutron(&err),
        (
            404,
            "SecurityGroupNotFound".into(),
            format!("Security group {} does not exist", admin_default.id)
        )
    );

    // The seeded private Debian image belongs to the admin project.
    let debian = env.fake.image_id("debian-12-genericcloud-amd64").unwrap();
    let images = env.bob.image().images();
    assert_eq!(images.get(&debian).await.unwrap_err().status(), Some(404));
    let listed = images.list().all().await.unwrap();
    assert!(listed.iter().all(|i| i.id != debian));
    assert!(listed.iter().any(|i| i.id == FakeCloud::IMAGE_ID));
    assert_eq!(
        env.admin.image().images().get(&debian).await.unwrap().id,
        debian
    );
}

#[tokio::test]
async fn seeds_and_projects_are_refused_as_keystone_and_nova_refuse_them() {
    let env = env().await;
    let err = env
        .fake
        .add_project(FakeProject::new("other").user("bob", "x"))
        .unwrap_err();
    assert_eq!(err.status, 409);
    assert!(
        err.message.contains("Duplicate entry found with name bob"),
        "{err}"
    );
    assert!(env.fake.project_id_of("other").is_none(), "all or nothing");

    let err = env
        .fake
        .add_server(FakeServer::new("x").project("nowhere"))
        .unwrap_err();
    assert_eq!(
        (err.status, err.message.as_str()),
        (404, "Could not find project: nowhere.")
    );
    let err = env.fake.config_as("nobody").unwrap_err();
    assert_eq!(err.message, "Could not find user: nobody.");

    // An added admin user sees every project's servers by id.
    env.fake
        .add_project(FakeProject::new("ops").admin_user("root", "pw"))
        .unwrap();
    let root = env.fake.client_as("root").unwrap();
    let bob_vm = env.fake.server_id("bob-vm").unwrap();
    assert_eq!(
        root.compute().servers().get(&bob_vm).await.unwrap().name,
        "bob-vm"
    );
}

#[test]
fn a_projects_passwords_stay_out_of_debug() {
    let project = FakeProject::new("p")
        .user("u", "hunter2-secret")
        .admin_user("a", "s3cr3t-pw");
    let shown = format!("{project:?}");
    assert!(
        !shown.contains("hunter2-secret") && !shown.contains("s3cr3t-pw"),
        "{shown}"
    );
}

#[tokio::test]
async fn another_projects_server_still_scheduling_is_refused_by_policy_not_hidden() {
    // Nova answers a GET of a server it has not placed yet from the build request, where the
    // `servers:show` policy refuses another project (the minicloud answered the same).
    let fake = FakeCloud::builder()
        .build_delay(std::time::Duration::from_secs(60))
        .with_project(FakeProject::new("tenant-b").user("bob", "pw"))
        .start()
        .await
        .unwrap();
    let admin = fake.client().unwrap();
    let created = admin
        .compute()
        .servers()
        .create(
            &stackclient::compute::CreateServer::new("slow", "1")
                .image(FakeCloud::IMAGE_ID)
                .network(fake.network_id("private").unwrap()),
        )
        .await
        .unwrap();
    let bob = fake.client_as("bob").unwrap();
    let err = bob.compute().servers().get(&created.id).await.unwrap_err();
    assert_eq!(
        api(&err),
        (
            403,
            "Policy doesn't allow os_compute_api:servers:show to be performed.".into()
        )
    );
    let err = bob.compute().servers().stop(&created.id).await.unwrap_err();
    assert_eq!(api(&err).0, 404);
}

#[tokio::test]
async fn another_projects_external_network_takes_no_port_of_a_member() {
    let env = env().await;
    let public = env.fake.network_id("public").unwrap();
    let tenant_b = env.fake.project_id_of("tenant-b").unwrap();
    let err = env
        .bob
        .network()
        .ports()
        .create(&CreatePort::new(&public))
        .await
        .unwrap_err();
    assert_eq!(
        neutron(&err),
        (
            403,
            "HTTPForbidden".into(),
            format!("Tenant {tenant_b} not allowed to create port on this network")
        )
    );

    // Nova takes the request, then the build fails when Neutron refuses the port.
    let servers = env.bob.compute().servers();
    let create = |net: &str| {
        stackclient::compute::CreateServer::new("on-public", "1")
            .image(FakeCloud::IMAGE_ID)
            .network(net)
    };
    let created = servers.create(&create(&public)).await.unwrap();
    let failed = loop {
        let s = servers.get(&created.id).await.unwrap();
        if s.status != stackclient::compute::ServerStatus::Build {
            break s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(failed.status, stackclient::compute::ServerStatus::Error);
    let fault = failed.fault.expect("a fault");
    assert_eq!(fault.code, 500);
    assert_eq!(
        fault.message,
        format!(
            "Build of instance {} aborted: Failed to allocate the network(s), not rescheduling.",
            created.id
        )
    );
    assert!(failed.addresses.is_empty());

    // Another project's private network is not found at all.
    let private = env.fake.network_id("private").unwrap();
    let err = servers.create(&create(&private)).await.unwrap_err();
    assert_eq!(
        api(&err),
        (400, format!("Network {private} could not be found."))
    );
}

#[tokio::test]
async fn usage_and_quotas_are_counted_per_project() {
    let env = env().await;
    env.fake.add_server(FakeServer::new("adm-vm-2")).unwrap();
    let admin = env.admin.compute().limits().get().await.unwrap();
    let bob = env.bob.compute().limits().get().await.unwrap();
    assert_eq!(admin.absolute.total_instances_used, Some(2));
    assert_eq!(bob.absolute.total_instances_used, Some(1));
    assert_eq!(bob.absolute.total_cores_used, Some(1)); // one m1.tiny
}

#[tokio::test]
async fn a_member_attaches_no_interface_on_another_projects_network_or_port() {
    // The minicloud answered the same three refusals to `demo` on the admin project's network
    // and port.
    use stackclient::compute::{AttachInterface, CreateServer};
    let env = env().await;
    let private = env.fake.network_id("private").unwrap();
    let bob_vm = env.fake.server_id("bob-vm").unwrap();
    let servers = env.bob.compute().servers();
    let err = servers
        .attach_interface(&bob_vm, &AttachInterface::network(&private))
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (404, format!("Network {private} could not be found."))
    );

    let admin_port = env
        .admin
        .network()
        .ports()
        .create(&CreatePort::new(&private))
        .await
        .unwrap();
    let err = servers
        .attach_interface(&bob_vm, &AttachInterface::port(&admin_port.id))
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (
            404,
            format!("Port id {} could not be found.", admin_port.id)
        )
    );
    let err = servers
        .create(
            &CreateServer::new("on-their-port", "1")
                .image(FakeCloud::IMAGE_ID)
                .port(&admin_port.id),
        )
        .await
        .unwrap_err();
    assert_eq!(
        api(&err),
        (
            400,
            format!("Port id {} could not be found.", admin_port.id)
        )
    );
}

#[tokio::test]
async fn an_rbac_grant_shares_a_network_with_one_project() {
    use stackclient::network::{CreateRbacPolicy, RbacAction, RbacObjectType};
    let env = env().await;
    let private = env.fake.network_id("private").unwrap();
    let tenant_b = env.fake.project_id_of("tenant-b").unwrap();
    let bob_nets = env.bob.network().networks();
    assert_eq!(
        bob_nets.get(&private).await.unwrap_err().status(),
        Some(404)
    );

    let grant = env
        .admin
        .network()
        .rbac_policies()
        .create(&CreateRbacPolicy::new(
            RbacObjectType::Network,
            &private,
            RbacAction::AccessAsShared,
            &tenant_b,
        ))
        .await
        .unwrap();
    // As on Neutron 28: the target sees the network as shared, its owner does not.
    assert!(bob_nets.get(&private).await.unwrap().shared);
    assert!(
        !env.admin
            .network()
            .networks()
            .get(&private)
            .await
            .unwrap()
            .shared
    );
    let subnets = env.bob.network().subnets().list().all().await.unwrap();
    assert!(subnets.iter().any(|s| s.network_id == private));
    // The target does not see the policy itself.
    assert!(
        env.bob
            .network()
            .rbac_policies()
            .list()
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    let port = env
        .bob
        .network()
        .ports()
        .create(&CreatePort::new(&private))
        .await
        .unwrap();

    let policies = env.admin.network().rbac_policies();
    let err = policies.delete(&grant.id).await.unwrap_err();
    assert_eq!(neutron(&err).1, "RbacPolicyInUse");
    env.bob.network().ports().delete(&port.id).await.unwrap();
    policies.delete(&grant.id).await.unwrap();
    assert_eq!(
        bob_nets.get(&private).await.unwrap_err().status(),
        Some(404)
    );
}

#[tokio::test]
async fn a_member_reads_its_own_network_quotas_only() {
    let env = env().await;
    let tenant_b = env.fake.project_id_of("tenant-b").unwrap();
    let quotas = env.bob.network().quotas();
    assert_eq!(quotas.get(&tenant_b).await.unwrap().network, Some(100));
    // As Neutron 28 answered `demo` asking for the admin project's quotas, and for the list.
    let err = quotas.get(env.fake.project_id()).await.unwrap_err();
    assert_eq!(
        neutron(&err),
        (
            403,
            "PolicyNotAuthorized".into(),
            "rule:get_quota is disallowed by policy".into()
        )
    );
    assert_eq!(quotas.list().all().await.unwrap_err().status(), Some(403));
}
