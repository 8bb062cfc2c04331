//! Secrets never leak: not in Debug, Display, errors or tracing output.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

/// The examples' shared code, to test the lines they print.
#[path = "../examples/common/mod.rs"]
#[allow(dead_code)]
mod example_common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use stackclient::{
    AppCredentialRef, Auth, AuthMethod, AuthUrl, Client, ClientOptions, CloudConfig, ConfigLoader,
    DomainRef, Method, ProjectRef, Scope, ServiceType, Session, UserRef,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "TOPSECRET-7d1e";
const TOKEN: &str = "TOKENVALUE-91ab";

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn methods() -> Vec<AuthMethod> {
    vec![
        AuthMethod::Password {
            user: UserRef::Name {
                name: "admin".into(),
                domain: DomainRef::Name("Default".into()),
            },
            password: SECRET.to_string().into(),
        },
        AuthMethod::Token {
            token: SECRET.to_string().into(),
        },
        AuthMethod::ApplicationCredential {
            credential: AppCredentialRef::Id("ac".into()),
            secret: SECRET.to_string().into(),
        },
        AuthMethod::ApplicationCredential {
            credential: AppCredentialRef::Name {
                name: "ac".into(),
                user: UserRef::Id("u".into()),
            },
            secret: SECRET.to_string().into(),
        },
    ]
}

#[test]
fn debug_of_every_config_variant_is_redacted() {
    for m in methods() {
        for scope in [
            Scope::Unscoped,
            Scope::System,
            Scope::Domain(DomainRef::Id("d".into())),
            Scope::Project(ProjectRef::Id("p".into())),
        ] {
            let cfg = CloudConfig::new(Auth::new("http://127.0.0.1:1/identity", m.clone(), scope));
            let session = Session::new(cfg.clone());
            let opts = ClientOptions::new(session.clone());
            let client = Client::new(opts.clone()).unwrap();
            for shown in [
                format!("{cfg:?}"),
                format!("{cfg:#?}"),
                format!("{:?}", cfg.auth),
                format!("{m:?}"),
                format!("{session:?}"),
                format!("{opts:?}"),
                format!("{client:?}"),
            ] {
                assert!(!shown.contains(SECRET), "leaked in {shown}");
                assert!(shown.contains("REDACTED"), "{shown}");
            }
        }
    }
}

#[test]
fn traced_auth_round_and_failing_calls_never_show_secrets() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let errors = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/identity/v3/auth/tokens"))
            .respond_with(token_response(
                &server.uri(),
                TOKEN,
                Duration::from_secs(3600),
            ))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        // The re-auth fails, echoing the request as some proxies do.
        Mock::given(method("POST"))
            .and(path("/identity/v3/auth/tokens"))
            .respond_with(
                ResponseTemplate::new(401).set_body_string(format!("denied token {TOKEN}")),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/svc/x"))
            .respond_with(ResponseTemplate::new(401))
            .mount(&server)
            .await;
        // A service that echoes the request headers in its error page.
        Mock::given(method("GET"))
            .and(path("/svc/echo"))
            .respond_with(ResponseTemplate::new(500).set_body_string(format!(
                "<html><title>Error</title>X-Auth-Token: {TOKEN}</html>"
            )))
            .mount(&server)
            .await;
        let cfg = CloudConfig::new(Auth::new(
            format!("{}/identity", server.uri()),
            AuthMethod::Password {
                user: UserRef::Id("u".into()),
                password: SECRET.to_string().into(),
            },
            Scope::Project(ProjectRef::Id("p".into())),
        ))
        .with_endpoint_override("svc", format!("{}/svc", server.uri()));
        let client = Client::new(options(cfg)).unwrap();
        client.authenticate().await.unwrap();
        let e0 = client
            .request(ServiceType::new("svc"), Method::Get, "echo")
            .send()
            .await
            .unwrap_err();
        let api = e0.as_api().unwrap();
        assert!(
            api.body_snippet.contains("[REDACTED]"),
            "{}",
            api.body_snippet
        );
        let e1 = client
            .request(ServiceType::new("svc"), Method::Get, "x")
            .send()
            .await
            .unwrap_err();
        vec![
            format!("{e0}"),
            format!("{e0:?}"),
            format!("{e1}"),
            format!("{e1:?}"),
        ]
    });
    let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("openstack.request"),
        "spans were recorded: {log}"
    );
    assert!(!log.contains(SECRET), "password in log: {log}");
    assert!(!log.contains(TOKEN), "token in log: {log}");
    for e in errors {
        assert!(!e.contains(SECRET) && !e.contains(TOKEN), "{e}");
    }
}

#[tokio::test]
async fn credentials_in_auth_url_are_never_shown_nor_sent() {
    let server = MockServer::start().await;
    mount_keystone(&server, "tok").await;
    let auth_url = server
        .uri()
        .replace("http://", &format!("http://admin:{SECRET}@"))
        + "/identity";
    let cfg = CloudConfig::new(Auth::new(
        auth_url,
        AuthMethod::Password {
            user: UserRef::Id("u".into()),
            password: "pw".to_string().into(),
        },
        Scope::Unscoped,
    ));
    assert!(!format!("{cfg:?}").contains(SECRET), "{cfg:?}");
    let client = Client::new(options(cfg)).unwrap();
    client.authenticate().await.unwrap();
    let posts = received(&server, "POST", "/identity/v3/auth/tokens").await;
    assert!(
        header(&posts[0], "authorization").is_none(),
        "no Basic auth from URL credentials"
    );

    let bad = CloudConfig::new(Auth::new(
        format!("ftp://admin:{SECRET}@host/v3"),
        AuthMethod::Token {
            token: "t".to_string().into(),
        },
        Scope::Unscoped,
    ));
    let err = Client::new(options(bad))
        .unwrap()
        .authenticate()
        .await
        .unwrap_err();
    assert!(matches!(err, stackclient::Error::Config(_)));
    assert!(!format!("{err} {err:?}").contains(SECRET), "{err:?}");
}

#[test]
fn auth_urls_with_credentials_are_shown_redacted_by_default() {
    let raw = format!("http://admin:{SECRET}@keystone.example.com:5000/v3");
    let shown = "http://[REDACTED]@keystone.example.com:5000/v3";

    // The type.
    let url = AuthUrl::new(raw.clone());
    assert_eq!(url.to_string(), shown);
    assert_eq!(format!("{url:?}"), format!("AuthUrl({shown:?})"));
    assert_eq!(url.redacted(), shown);
    assert_eq!(url.expose_raw(), raw);
    assert!(url.has_userinfo());
    assert_eq!(url, raw.as_str());
    let plain = AuthUrl::from("https://keystone.example.com/v3");
    assert!(!plain.has_userinfo());
    assert_eq!(plain.to_string(), "https://keystone.example.com/v3");

    // Loaded from clouds.yaml and from OS_* variables.
    let dir = std::env::temp_dir().join(format!("stackclient-authurl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("clouds.yaml"),
        format!(
            "clouds:\n  prod:\n    auth:\n      auth_url: {raw}\n      username: u\n      \
             password: p\n      user_domain_name: Default\n      project_name: demo\n      \
             project_domain_name: Default\n"
        ),
    )
    .unwrap();
    let from_file = ConfigLoader::new()
        .current_dir(&dir)
        .system_config_dir(dir.join("etc"))
        .var("HOME", dir.join("home").to_string_lossy())
        .cloud("prod")
        .load()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let from_env = ConfigLoader::new()
        .current_dir(std::env::temp_dir().join("stackclient-authurl-none"))
        .vars([
            ("OS_AUTH_URL", raw.as_str()),
            ("OS_USERNAME", "u"),
            ("OS_PASSWORD", "p"),
            ("OS_USER_DOMAIN_NAME", "Default"),
            ("OS_PROJECT_NAME", "demo"),
            ("OS_PROJECT_DOMAIN_NAME", "Default"),
        ])
        .load()
        .unwrap();
    for (cfg, name) in [(&from_file, "prod"), (&from_env, "from OS_* variables")] {
        assert_eq!(cfg.auth.auth_url.expose_raw(), raw, "kept as configured");
        assert_eq!(cfg.auth.auth_url.to_string(), shown);
        let debug = format!("{cfg:?} {:?} {:?}", cfg.auth, cfg.auth.auth_url);
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(debug.contains(shown), "{debug}");
        // The line the examples print.
        assert_eq!(
            example_common::describe_cloud(cfg),
            format!("using cloud {name} (auth_url {shown})")
        );
    }
}
