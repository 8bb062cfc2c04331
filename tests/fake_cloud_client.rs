//! The crate's client end to end against the embedded fake cloud (a real HTTP server).

#![cfg(feature = "testing")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures_util::TryStreamExt;
use stackclient::compute::{CreateServer, ServerStatus};
use stackclient::network::CreateNetwork;
use stackclient::testing::{FakeCloud, InjectedFault};
use stackclient::{Client, ClientOptions, Error, RetryPolicy, Session, WaitOptions};

fn fast() -> WaitOptions {
    WaitOptions::default()
        .timeout(Duration::from_secs(20))
        .interval(Duration::from_millis(20), Duration::from_millis(100))
}

fn options(fake: &FakeCloud) -> ClientOptions {
    ClientOptions::new(Session::new(fake.config()))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(20)))
}

#[tokio::test]
async fn boot_wait_list_delete() {
    let fake = FakeCloud::builder()
        .build_delay(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let client = Client::new(options(&fake)).unwrap();
    let servers = client.compute().servers();
    let flavor = client
        .compute()
        .flavors()
        .find_by_name("m1.small")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (flavor.id.as_str(), flavor.ram, flavor.disk, flavor.vcpus),
        ("2", 2048, 20, 1)
    );
    let private = client
        .network()
        .networks()
        .find_by_name("private")
        .await
        .unwrap()
        .unwrap();

    let created = servers
        .create(
            &CreateServer::new("web-1", &flavor.id)
                .image(FakeCloud::IMAGE_ID)
                .network(&private.id)
                .metadata("role", "web"),
        )
        .await
        .unwrap();
    let building = servers.get(&created.id).await.unwrap();
    assert_eq!(building.status, ServerStatus::Build);
    let active = servers
        .wait_for_status_with(&created.id, ServerStatus::Active, fast())
        .await
        .unwrap();
    assert_eq!(active.name, "web-1");
    assert_eq!(active.metadata.get("role").map(String::as_str), Some("web"));
    // Microversion 2.100 is negotiated: the flavor is embedded.
    let embedded = active
        .flavor
        .as_ref()
        .and_then(|f| f.embedded())
        .expect("embedded flavor from 2.47");
    assert_eq!(
        (
            embedded.original_name.as_str(),
            embedded.ram,
            embedded.vcpus
        ),
        ("m1.small", 2048, 1)
    );
    assert_eq!(
        active.image.as_ref().map(|i| i.id.as_str()),
        Some(FakeCloud::IMAGE_ID)
    );
    assert!(
        active.addresses.contains_key("private"),
        "{:?}",
        active.addresses
    );

    assert_eq!(
        servers.find_by_name("web-1").await.unwrap().unwrap().id,
        created.id
    );
    servers.stop(&created.id).await.unwrap();
    servers
        .wait_for_status_with(&created.id, ServerStatus::Shutoff, fast())
        .await
        .unwrap();
    let err = servers.stop(&created.id).await.unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    servers.start(&created.id).await.unwrap();
    servers
        .wait_for_status_with(&created.id, ServerStatus::Active, fast())
        .await
        .unwrap();

    servers.delete(&created.id).await.unwrap();
    servers
        .wait_for_delete_with(&created.id, fast())
        .await
        .unwrap();
    assert!(servers.get_opt(&created.id).await.unwrap().is_none());
    let err = servers.get(&created.id).await.unwrap_err();
    assert!(err.is_not_found());
    assert!(err.request_id().is_some_and(|id| id.starts_with("req-")));
    assert_eq!(fake.token_requests(), 1);
}

#[tokio::test]
async fn paging_streams_every_server_once() {
    let fake = FakeCloud::builder()
        .build_delay(Duration::ZERO)
        .max_limit(3)
        .start()
        .await
        .unwrap();
    let client = Client::new(options(&fake)).unwrap();
    let servers = client.compute().servers();
    for i in 0..8 {
        servers
            .create(
                &CreateServer::new(format!("s-{i}"), "1")
                    .image(FakeCloud::IMAGE_ID)
                    .networks_none(),
            )
            .await
            .unwrap();
    }
    let page = servers.list().send().await.unwrap();
    assert_eq!(page.items.len(), 3);
    assert!(page.next_marker.is_some());
    let all: Vec<_> = servers
        .list()
        .limit(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let mut names: Vec<_> = all.iter().map(|s| s.name.clone()).collect();
    names.sort();
    assert_eq!(names, (0..8).map(|i| format!("s-{i}")).collect::<Vec<_>>());
    // limit 2 → 4 full pages and one empty page.
    let detail_gets = fake
        .requests()
        .iter()
        .filter(|r| {
            r.method == "GET"
                && r.path.ends_with("/servers/detail")
                && r.query.as_deref().is_some_and(|q| q.contains("limit=2"))
        })
        .count();
    assert_eq!(detail_gets, 5);

    let nets = client.network().networks();
    for i in 0..5 {
        nets.create(&CreateNetwork::new().name(format!("n-{i}")))
            .await
            .unwrap();
    }
    let all_nets = nets.list().limit(2).all().await.unwrap();
    assert_eq!(all_nets.len(), 7, "5 created + public + private");
}

#[tokio::test]
async fn build_failure_surfaces_the_fault() {
    let fake = FakeCloud::builder()
        .build_delay(Duration::from_millis(50))
        .start()
        .await
        .unwrap();
    fake.fail_server_builds("No valid host was found. There are not enough hosts available.");
    let client = Client::new(options(&fake)).unwrap();
    let servers = client.compute().servers();
    let created = servers
        .create(
            &CreateServer::new("doomed", "1")
                .image(FakeCloud::IMAGE_ID)
                .networks_none(),
        )
        .await
        .unwrap();
    let err = servers
        .wait_for_status_with(&created.id, ServerStatus::Active, fast())
        .await
        .unwrap_err();
    match &err {
        Error::WaitFailed { status, fault, .. } => {
            assert_eq!(status, "ERROR");
            assert_eq!(
                fault.as_deref(),
                Some("500 No valid host was found. There are not enough hosts available.")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn expired_tokens_cause_one_reauth_for_many_clients() {
    let fake = FakeCloud::start().await.unwrap();
    let opts = options(&fake);
    Client::new(opts.clone())
        .unwrap()
        .authenticate()
        .await
        .unwrap();
    fake.expire_tokens();
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let opts = opts.clone();
        tasks.push(tokio::spawn(async move {
            let client = Client::new(opts)?;
            client.network().networks().list().all().await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().len(), 2);
    }
    assert_eq!(
        fake.token_requests(),
        2,
        "one login + one re-auth after the 401s"
    );
    assert_eq!(opts.session.auth_requests(), 2);
}

#[tokio::test]
async fn application_credential_and_bad_password() {
    let fake = FakeCloud::start().await.unwrap();
    let client = Client::new(ClientOptions::new(Session::new(
        fake.app_credential_config(),
    )))
    .unwrap();
    let info = client.authenticate().await.unwrap();
    assert_eq!(info.project_id.as_deref(), Some(fake.project_id()));
    assert_eq!(info.methods, vec!["application_credential".to_string()]);
    assert_eq!(
        client.compute().flavors().list().all().await.unwrap().len(),
        3
    );

    let mut cfg = fake.config();
    if let stackclient::AuthMethod::Password { password, .. } = &mut cfg.auth.method {
        *password = "wrong-pw-7c1e".to_string().into();
    }
    let err = Client::new(ClientOptions::new(Session::new(cfg)))
        .unwrap()
        .authenticate()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (401) at {}/v3/auth/tokens: The request you have made requires \
             authentication. (likely causes: a wrong password, no username \"admin\" in \
             user_domain_name \"Default\", or no role for it on project_name \"admin\" in \
             project_domain_name \"Default\")",
            fake.auth_url()
        )
    );
    assert!(!format!("{err} {err:?}").contains("wrong-pw-7c1e"));
}

#[tokio::test]
async fn injected_503s_are_retried_for_gets_only() {
    let fake = FakeCloud::start().await.unwrap();
    let client = Client::new(options(&fake)).unwrap();
    client.authenticate().await.unwrap();
    fake.inject_fault(
        InjectedFault::new(503)
            .times(2)
            .path_prefix("/network/v2.0/networks"),
    );
    assert_eq!(
        client
            .network()
            .networks()
            .list()
            .all()
            .await
            .unwrap()
            .len(),
        2
    );
    fake.inject_fault(
        InjectedFault::new(503)
            .times(1)
            .path_prefix("/network/v2.0/networks"),
    );
    let err = client
        .network()
        .networks()
        .create(&CreateNetwork::new().name("x"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.as_api().unwrap().attempts, 1);
}

#[tokio::test]
async fn limit_zero_is_refused_before_sending() {
    let fake = FakeCloud::start().await.unwrap();
    let client = Client::new(options(&fake)).unwrap();
    let err = client
        .compute()
        .servers()
        .list()
        .limit(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "invalid input: limit must be at least 1");
    let err = client
        .network()
        .networks()
        .list()
        .limit(0)
        .all()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)));
    assert_eq!(fake.token_requests(), 0, "nothing was sent");
}
