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
                "The request you have made requires authentication. (likely causes: a wrong \
                 password, no username \"admin\" in user_domain_name \"Default\", or no role for it \
                 on project_name \"admin\" in project_domain_id \"default\")"
            );
            assert_eq!(request_id.as_deref(), Some("req-k-401"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (401) at {}/identity/v3/auth/tokens: The request you have made \
             requires authentication. (likely causes: a wrong password, no username \"admin\" in \
             user_domain_name \"Default\", or no role for it on project_name \"admin\" in \
             project_domain_id \"default\")",
            server.uri()
        )
    );
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.request_id(), Some("req-k-401"));
    assert!(!format!("{err} {err:?}").contains(PASSWORD));
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

/// Keystone's 401 to a login, at `{server}/identity/v3/auth/tokens`.
async fn mount_keystone_401(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {"code": 401,
            "title": "Unauthorized", "message": "The request you have made requires authentication."}})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn login_401_hints_name_the_configured_user_domain_and_project_never_the_secret() {
    let server = MockServer::start().await;
    mount_keystone_401(&server).await;
    let url = format!("{}/identity/v3", server.uri());
    let cases = [
        (
            pw(UserRef::Id("u-1".into())),
            Scope::Project(ProjectRef::Id("p-1".into())),
            "likely causes: a wrong password, no user_id \"u-1\", or no role for it on project_id \"p-1\"",
        ),
        (
            pw(UserRef::Name {
                name: "alice".into(),
                domain: DomainRef::Id("dom-1".into()),
            }),
            Scope::Domain(DomainRef::Name("Users".into())),
            "likely causes: a wrong password, no username \"alice\" in user_domain_id \"dom-1\", or no \
             role for it on domain_name \"Users\"",
        ),
        (
            pw(UserRef::Id("u-1".into())),
            Scope::Unscoped,
            "likely causes: a wrong password, no user_id \"u-1\"",
        ),
        (
            AuthMethod::Token {
                token: "old-token-secret".to_string().into(),
            },
            Scope::System,
            "likely causes: the token given is expired or revoked, or no role for it on the system scope",
        ),
        (
            AuthMethod::ApplicationCredential {
                credential: AppCredentialRef::Name {
                    name: "ci".into(),
                    user: UserRef::Name {
                        name: "bob".into(),
                        domain: DomainRef::Name("Default".into()),
                    },
                },
                secret: "app-secret-xyz".to_string().into(),
            },
            Scope::Project(ProjectRef::Id("ignored".into())),
            "likely causes: a wrong secret, or no application_credential_name \"ci\" of username \
             \"bob\" in user_domain_name \"Default\" (deleted or expired)",
        ),
    ];
    for (m, scope, hint) in cases {
        let cfg = CloudConfig::new(Auth::new(url.clone(), m, scope));
        let err = Client::new(options(cfg))
            .unwrap()
            .authenticate()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(401));
        assert_eq!(
            err.to_string(),
            format!(
                "authentication failed (401) at {url}/auth/tokens: The request you have made \
                 requires authentication. ({hint})"
            )
        );
        let shown = format!("{err} {err:?}");
        for secret in ["pw", "old-token-secret", "app-secret-xyz"] {
            assert!(
                !shown.contains(&format!("\"{secret}\"")) && !shown.contains(&format!("{secret} ")),
                "{shown}"
            );
        }
        assert!(
            !shown.contains("old-token-secret") && !shown.contains("app-secret-xyz"),
            "{shown}"
        );
    }
    // A URL with a version: no discovery request, one POST per login.
    assert_eq!(
        received(&server, "POST", "/identity/v3/auth/tokens")
            .await
            .len(),
        5
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 5);
}

/// Nova's `GET /` version list (api-ref "List All Major Versions"), links under `base`.
fn nova_versions(base: &str) -> serde_json::Value {
    json!({"versions": [
        {"id": "v2.0", "status": "SUPPORTED", "version": "", "min_version": "",
         "updated": "2011-01-21T11:33:21Z", "links": [{"rel": "self", "href": format!("{base}/v2/")}]},
        {"id": "v2.1", "status": "CURRENT", "version": "2.90", "min_version": "2.1",
         "updated": "2013-07-23T11:33:21Z", "links": [{"rel": "self", "href": format!("{base}/v2.1/")}]}
    ]})
}

#[tokio::test]
async fn auth_url_at_a_compute_root_is_named_not_keystone() {
    let server = MockServer::start().await;
    let base = format!("{}/compute", server.uri());
    Mock::given(method("GET"))
        .and(path("/compute"))
        .respond_with(ResponseTemplate::new(200).set_body_json(nova_versions(&base)))
        .mount(&server)
        .await;
    let cfg = CloudConfig::new(Auth::new(
        &base,
        pw(UserRef::Id("u".into())),
        Scope::Unscoped,
    ));
    let err = Client::new(options(cfg))
        .unwrap()
        .authenticate()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Auth {
                status: Some(200),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (200) at {base}: auth_url is not Keystone: its version document \
             lists v2.0, v2.1 and no identity v3 (a compute or network endpoint?)"
        )
    );
    assert_eq!(received(&server, "GET", "/compute").await.len(), 1);
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "no POST with the password"
    );
}

#[tokio::test]
async fn auth_url_at_a_compute_v3_path_is_named_not_keystone() {
    let server = MockServer::start().await;
    // Nova answers an unknown path with webob's 404.
    Mock::given(method("POST"))
        .and(path("/compute/v3/auth/tokens"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "message": "The resource could not be found.<br /><br />\n\n\n",
            "code": "404 Not Found", "title": "Not Found"})))
        .mount(&server)
        .await;
    let auth_url = format!("{}/compute/v3", server.uri());
    let cfg = CloudConfig::new(Auth::new(
        &auth_url,
        pw(UserRef::Id("u".into())),
        Scope::Unscoped,
    ));
    let err = Client::new(options(cfg))
        .unwrap()
        .authenticate()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (404) at {auth_url}/auth/tokens: not Keystone: the token request \
             was answered 404: The resource could not be found.; check auth_url {auth_url}"
        )
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_2xx_json_that_is_not_a_token_is_named_not_keystone() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/identity/v3/auth/tokens"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"servers": []})))
        .mount(&server)
        .await;
    let err = client(&server).authenticate().await.unwrap_err();
    let auth_url = format!("{}/identity", server.uri());
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (200) at {auth_url}/v3/auth/tokens: not Keystone: the answer (200) \
             is JSON without a \"token\" object and no X-Subject-Token header; check auth_url \
             {auth_url} (version discovery at {auth_url} found no version document (404 answer), so \
             {auth_url}/v3/auth/tokens was used)"
        )
    );
    assert!(!format!("{err:?}").contains(PASSWORD));
}

/// Keystone's `GET /` answer (`300 Multiple Choices`, `versions.values`), v3 at `href`.
fn keystone_versions(href: &str) -> serde_json::Value {
    json!({"versions": {"values": [{"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": href}],
        "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}]}})
}

async fn mount_token_at(server: &MockServer, p: &str) {
    Mock::given(method("POST"))
        .and(path(p))
        .respond_with(token_response(
            &server.uri(),
            "tok",
            Duration::from_secs(3600),
        ))
        .mount(server)
        .await;
}

#[tokio::test]
async fn bare_keystone_root_is_resolved_through_its_version_document_once() {
    let server = MockServer::start().await;
    let root = server.uri();
    // Keystone lives under a path the root's document names: appending /v3 to the root would miss it.
    Mock::given(method("GET"))
        .and(path("/"))
        .respond_with(
            ResponseTemplate::new(300)
                .set_body_json(keystone_versions(&format!("{root}/keystone/v3/"))),
        )
        .mount(&server)
        .await;
    mount_token_at(&server, "/keystone/v3/auth/tokens").await;
    let cfg = CloudConfig::new(Auth::new(
        &root,
        pw(UserRef::Id("u".into())),
        Scope::Unscoped,
    ));
    let opts = options(cfg);
    let client = Client::new(opts.clone()).unwrap();
    client.authenticate().await.unwrap();
    opts.session.invalidate_token();
    Client::new(opts.clone())
        .unwrap()
        .authenticate()
        .await
        .unwrap();
    assert_eq!(
        received(&server, "GET", "/").await.len(),
        1,
        "discovered once per session"
    );
    assert_eq!(
        received(&server, "POST", "/keystone/v3/auth/tokens")
            .await
            .len(),
        2
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(opts.session.auth_requests(), 2);
}

#[tokio::test]
async fn plain_versions_list_and_a_self_link_to_another_host() {
    let server = MockServer::start().await;
    let base = format!("{}/identity", server.uri());
    // A plain list; the stable v3 entry advertises an internal host: the configured host is kept.
    Mock::given(method("GET"))
        .and(path("/identity"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"versions": [
            {"id": "v2.0", "status": "deprecated", "links": [{"rel": "self", "href": "http://10.0.0.5:5000/v2.0/"}]},
            {"id": "v3.14", "status": "stable", "links": [{"rel": "self", "href": "http://10.0.0.5:5000/v3/"}]}
        ]})))
        .mount(&server)
        .await;
    mount_token_at(&server, "/identity/v3/auth/tokens").await;
    let cfg = CloudConfig::new(Auth::new(
        &base,
        pw(UserRef::Id("u".into())),
        Scope::Unscoped,
    ));
    let client = Client::new(options(cfg)).unwrap();
    client.authenticate().await.unwrap();
    assert_eq!(received(&server, "GET", "/identity").await.len(), 1);
    assert_eq!(
        received(&server, "POST", "/identity/v3/auth/tokens")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn failed_discovery_falls_back_to_v3_and_says_so_when_the_login_fails() {
    let server = MockServer::start().await;
    let auth_url = format!("{}/nothing", server.uri());
    Mock::given(method("POST"))
        .and(path("/nothing/v3/auth/tokens"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("content-type", "text/html")
                .set_body_string("<html><head><title>404 Not Found</title></head></html>"),
        )
        .mount(&server)
        .await;
    let cfg = CloudConfig::new(Auth::new(
        &auth_url,
        pw(UserRef::Id("u".into())),
        Scope::Unscoped,
    ));
    let err = Client::new(options(cfg))
        .unwrap()
        .authenticate()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(
        err.to_string(),
        format!(
            "authentication failed (404) at {auth_url}/v3/auth/tokens: not Keystone: the token request \
             was answered 404: 404 Not Found; check auth_url {auth_url} (version discovery at \
             {auth_url} found no version document (404 answer), so {auth_url}/v3/auth/tokens was used)"
        )
    );
    assert_eq!(received(&server, "GET", "/nothing").await.len(), 1);
    assert_eq!(
        received(&server, "POST", "/nothing/v3/auth/tokens")
            .await
            .len(),
        1
    );
}
