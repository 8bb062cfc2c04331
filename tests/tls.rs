//! TLS options on the wire: a CA file, mutual TLS with a client certificate, and
//! `danger_accept_invalid_certs`, against a rustls server on loopback (fixtures/tls).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::Arc;

use stackclient::{
    Auth, AuthMethod, Client, ClientOptions, CloudConfig, Error, Method, Scope, ServiceType,
    Session, TlsOptions, UserRef,
};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

#[path = "common/raw_http.rs"]
mod raw_http;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tls")
        .join(name)
}

/// An HTTPS server answering the token POST and `{}` to anything else; `mtls` requires a client
/// certificate signed by the test CA.
async fn start(mtls: bool) -> String {
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(fixture("server.pem"))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let config = if mtls {
        let mut roots = RootCertStore::empty();
        for c in CertificateDer::pem_file_iter(fixture("ca.pem")).unwrap() {
            roots.add(c.unwrap()).unwrap();
        }
        let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .unwrap();
        builder
            .with_client_cert_verifier(verifier)
            .with_single_cert(certs, key)
            .unwrap()
    } else {
        builder
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap()
    };
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                raw_http::serve_connection(tls, "{}", |_| {}).await;
            });
        }
    });
    format!("https://localhost:{port}")
}

fn options(base: &str) -> ClientOptions {
    let cfg = CloudConfig::new(Auth::new(
        format!("{base}/v3"),
        AuthMethod::Password {
            user: UserRef::Id("u1".into()),
            password: "pw".to_string().into(),
        },
        Scope::Unscoped,
    ))
    .with_endpoint_override("echo", format!("{base}/echo"));
    ClientOptions::new(Session::new(cfg))
}

async fn call(opts: ClientOptions) -> Result<u16, Error> {
    let client = Client::new(opts)?;
    Ok(client
        .request(ServiceType::new("echo"), Method::Get, "x")
        .send()
        .await?
        .status())
}

fn tls(ca: bool, client_cert: bool) -> TlsOptions {
    let mut t = TlsOptions::default();
    if ca {
        t.ca_file = Some(fixture("ca.pem"));
    }
    if client_cert {
        t.client_cert = Some(fixture("client.pem"));
        t.client_key = Some(fixture("client.key"));
    }
    t
}

#[tokio::test]
async fn ca_file_makes_the_private_ca_trusted() {
    let base = start(false).await;
    assert_eq!(
        call(options(&base).tls(tls(true, false))).await.unwrap(),
        200
    );
    let err = call(options(&base)).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("POST {base}/v3/auth/tokens: could not connect")),
        "{err}"
    );
}

#[tokio::test]
async fn danger_accept_invalid_certs_skips_verification() {
    let base = start(false).await;
    assert_eq!(
        call(options(&base).danger_accept_invalid_certs(true))
            .await
            .unwrap(),
        200
    );
}

#[tokio::test]
async fn verify_false_in_the_config_means_accept_invalid_certs() {
    let base = start(false).await;
    let mut opts = options(&base);
    assert!(!opts.tls.danger_accept_invalid_certs);
    let mut cfg = opts.session.config().clone();
    cfg.verify = false;
    opts = ClientOptions::new(Session::new(cfg));
    assert!(opts.tls.danger_accept_invalid_certs);
    assert_eq!(call(opts).await.unwrap(), 200);
}

#[tokio::test]
async fn client_certificate_for_mutual_tls() {
    let base = start(true).await;
    assert_eq!(
        call(options(&base).tls(tls(true, true))).await.unwrap(),
        200
    );
    let err = call(options(&base).tls(tls(true, false)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { .. }),
        "without a client certificate: {err:?}"
    );
}

#[test]
fn unreadable_or_malformed_tls_files_are_config_errors() {
    let opts = options("https://localhost:1");
    let mut t = TlsOptions::default();
    t.ca_file = Some(fixture("missing.pem"));
    let err = Client::new(opts.clone().tls(t)).unwrap_err();
    assert!(err.to_string().contains("cannot read CA file"), "{err}");

    let mut t = TlsOptions::default();
    t.ca_file = Some(PathBuf::from(file!()));
    let err = Client::new(opts.clone().tls(t)).unwrap_err();
    assert!(err.to_string().contains("has no PEM certificate"), "{err}");

    let mut t = TlsOptions::default();
    t.client_key = Some(fixture("client.key"));
    let err = Client::new(opts.tls(t)).unwrap_err();
    assert!(
        err.to_string().contains("given without a certificate"),
        "{err}"
    );
}
