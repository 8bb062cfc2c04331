//! Keystone v3 authentication: request bodies, token URL forms, responses and errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use stackclient::{
    AppCredentialRef, Auth, AuthMethod, Client, CloudConfig, DomainRef, Error, ProjectRef, Scope,
    UserRef,
};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn auth_with(
    server: &MockServer,
    auth_url: &str,
    m: AuthMethod,
    scope: Scope,
    expected: serde_json::Value,
) {
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .and(body_json(expected))
        .respond_with(token_response(
            &server.uri(),
            "tok-1",
            Duration::from_secs(3600),
        ))
        .expect(1)
        .mount(server)
        .await;
    let cfg = CloudConfig::new(Auth::new(auth_url, m, scope));
    let client = Client::new(options(cfg)).unwrap();
    let info = client.authenticate().await.unwrap();
    assert_eq!(info.user_id, "ee4dfb6e5540447cb3741905149d9b6e");
    server.verify().await;
}

fn pw(user: UserRef) -> AuthMethod {
    AuthMethod::Password {
        user,
        password: "pw".to_string().into(),
    }
}

#[tokio::test]
async fn password_by_name_with_separate_domains_and_project_name() {
    let server = MockServer::start().await;
    let url = format!("{}/identity/v3", server.uri());
    auth_with(
        &server,
        &url,
        pw(UserRef::Name {
            name: "alice".into(),
            domain: DomainRef::Name("Users".into()),
        }),
        Scope::Project(ProjectRef::Name {
            name: "web".into(),
            domain: DomainRef::Id("proj-dom".into()),
        }),
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "alice", "domain": {"name": "Users"}, "password": "pw"}}},
            "scope": {"project": {"name": "web", "domain": {"id": "proj-dom"}}}}}),
    )
    .await;
}

#[tokio::test]
async fn password_by_user_id_project_id() {
    let server = MockServer::start().await;
    let url = format!("{}/identity/", server.uri());
    auth_with(
        &server,
        &url,
        pw(UserRef::Id("u-1".into())),
        Scope::Project(ProjectRef::Id("p-1".into())),
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {"id": "u-1", "password": "pw"}}},
            "scope": {"project": {"id": "p-1"}}}}),
    )
    .await;
}

#[tokio::test]
async fn token_method_domain_scope() {
    let server = MockServer::start().await;
    let url = format!("{}/identity/v3/", server.uri());
    auth_with(
        &server,
        &url,
        AuthMethod::Token {
            token: "old-token".to_string().into(),
        },
        Scope::Domain(DomainRef::Name("Default".into())),
        json!({"auth": {
            "identity": {"methods": ["token"], "token": {"id": "old-token"}},
            "scope": {"domain": {"name": "Default"}}}}),
    )
    .await;
}

#[tokio::test]
async fn system_scope_and_unscoped() {
    let server = MockServer::start().await;
    let url = format!("{}/identity", server.uri());
    auth_with(
        &server,
        &url,
        pw(UserRef::Id("u-1".into())),
        Scope::System,
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {"id": "u-1", "password": "pw"}}},
            "scope": {"system": {"all": true}}}}),
    )
    .await;
    let server = MockServer::start().await;
    let url = format!("{}/identity", server.uri());
    auth_with(
        &server,
        &url,
        pw(UserRef::Id("u-1".into())),
        Scope::Unscoped,
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {"id": "u-1", "password": "pw"}}}}}),
    )
    .await;
}

#[tokio::test]
async fn application_credentials_by_id_and_by_name_never_scoped() {
    let server = MockServer::start().await;
    let url = format!("{}/identity", server.uri());
    auth_with(
        &server,
        &url,
        AuthMethod::ApplicationCredential {
            credential: AppCredentialRef::Id("ac-1".into()),
            secret: "acs".to_string().into(),
        },
        Scope::Project(ProjectRef::Id("ignored".into())),
        json!({"auth": {"identity": {"methods": ["application_credential"],
            "application_credential": {"id": "ac-1", "secret": "acs"}}}}),
    )
    .await;
    let server = MockServer::start().await;
    let url = format!("{}/identity", server.uri());
    auth_with(
        &server,
        &url,
        AuthMethod::ApplicationCredential {
            credential: AppCredentialRef::Name {
                name: "ci".into(),
                user: UserRef::Name { name: "bob".into(), domain: DomainRef::Id("default".into()) },
            },
            secret: "acs".to_string().into(),
        },
        Scope::Unscoped,
        json!({"auth": {"identity": {"methods": ["application_credential"],
            "application_credential": {"name": "ci", "user": {"name": "bob", "domain": {"id": "default"}},
                "secret": "acs"}}}}),
    )
    .await;
}

#[tokio::test]
async fn token_response_is_parsed() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok-abc").await;
    let client = client(&server);
    let info = client.authenticate().await.unwrap();
    assert_eq!(info.user_name.as_deref(), Some("admin"));
    assert_eq!(
        info.project_id.as_deref(),
        Some("a6944d763bf64ee6a275f1263fae0352")
    );
    assert_eq!(info.project_name.as_deref(), Some("admin"));
    assert_eq!(info.roles, vec!["admin".to_string(), "member".to_string()]);
    assert_eq!(info.methods, vec!["password".to_string()]);
    let left = info.expires_at - chrono::Utc::now();
    assert!(left > chrono::Duration::seconds(3500) && left <= chrono::Duration::seconds(3600));
    let catalog = client.session().catalog().unwrap();
    assert_eq!(catalog.services().len(), 3);
    assert_eq!(client.session().auth_requests(), 1);
    // Cached: no second POST.
    client.authenticate().await.unwrap();
    assert_eq!(
        received(&server, "POST", "/identity/v3/auth/tokens")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn keystone_error_becomes_auth_error_with_message() {
    let server = MockServer::start().await;
    let body: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/identity/error_401.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("x-openstack-request-id", "req-k-401")
                .set_body_json(body),
        )
        .mount(&server)
        .await;
    let err = client(&server).authenticate().await.unwrap_err();
    match &err {
        Error::Auth {
            status,
            url,
            message,
            request_id,
        } => {
            assert_eq!(url, &format!("{}/identity/v3/auth/tokens", server.uri()));
            assert_eq!(*status, Some(401));
            assert_eq!(
                message,
                "The request you have made requires authentication."
            );
            assert_eq!(request_id.as_deref(), Some("req-k-401"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (401) at {}/identity/v3/auth/tokens: The request you have made requires authentication.",
            server.uri()
        )
    );
    assert_eq!(err.status(), Some(401));
    assert!(!err.to_string().contains(PASSWORD));
}

#[tokio::test]
async fn missing_subject_token_and_garbage_bodies_are_auth_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(ResponseTemplate::new(201).set_body_string("{}"))
        .mount(&server)
        .await;
    let err = client(&server).authenticate().await.unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert!(err.to_string().contains("X-Subject-Token"), "{err}");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("X-Subject-Token", "t")
                .set_body_string("{\"token\": {"),
        )
        .mount(&server)
        .await;
    let err = client(&server).authenticate().await.unwrap_err();
    assert!(
        err.to_string().contains("unreadable token response"),
        "{err}"
    );
}

#[tokio::test]
async fn bad_auth_url_is_a_config_error() {
    let cfg = CloudConfig::new(Auth::new(
        "not a url",
        pw(UserRef::Id("u".into())),
        Scope::Unscoped,
    ));
    let err = Client::new(options(cfg))
        .unwrap()
        .authenticate()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
}
