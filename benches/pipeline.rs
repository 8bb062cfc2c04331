//! Measures what the request pipeline adds over a bare reqwest call: the same `GET /servers/detail`
//! page of 100 servers (the API reference's 2.100 server, ids varied) from a keep-alive loopback
//! server, decoded into `Vec<Server>` both ways.
//!
//! `cargo bench --bench pipeline` (release build). Prints microseconds per request.

use std::time::{Duration, Instant};

use serde::Deserialize;
use stackclient::compute::Server;
use stackclient::{Auth, AuthMethod, Client, ClientOptions, CloudConfig, Scope, Session, UserRef};
use tokio::net::TcpListener;

#[path = "../tests/common/raw_http.rs"]
mod raw_http;

fn page_body() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/compute/server_2.100.json"
    );
    let one: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let servers: Vec<serde_json::Value> = (0..100)
        .map(|i| {
            let mut s = one["server"].clone();
            s["id"] = serde_json::json!(format!("00000000-0000-4000-8000-{i:012}"));
            s
        })
        .collect();
    serde_json::json!({ "servers": servers }).to_string()
}

async fn serve(listener: TcpListener, page: String) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let page = page.clone();
        tokio::spawn(async move { raw_http::serve_connection(stream, &page, |_| {}).await });
    }
}

#[derive(Deserialize)]
struct Servers {
    servers: Vec<Server>,
}

fn report(name: &str, n: u32, took: Duration) -> f64 {
    let us = took.as_secs_f64() * 1e6 / f64::from(n);
    println!("{name:<44} {us:>9.1} µs/request ({n} requests)");
    us
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let page = page_body();
    println!("page: 100 servers, {} KiB", page.len() / 1024);
    tokio::spawn(serve(listener, page));
    let n: u32 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);

    // Bare reqwest + serde_json into the same model.
    let http = reqwest::Client::new();
    let url = format!("{base}/compute/v2.1/servers/detail");
    for _ in 0..100 {
        let _ = http.get(&url).send().await.expect("warm").bytes().await;
    }
    let started = Instant::now();
    for _ in 0..n {
        let bytes = http
            .get(&url)
            .header("x-auth-token", "tok")
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("body");
        let parsed: Servers = serde_json::from_slice(&bytes).expect("decode");
        assert_eq!(parsed.servers.len(), 100);
    }
    let bare = report("reqwest + serde_json (baseline)", n, started.elapsed());

    // The crate: token cache, endpoint cache, headers, retries policy, path-tracking page decode.
    let cfg = CloudConfig::new(Auth::new(
        base.clone(),
        AuthMethod::Password {
            user: UserRef::Id("u1".into()),
            password: "pw".to_string().into(),
        },
        Scope::Unscoped,
    ))
    .with_endpoint_override("compute", format!("{base}/compute/v2.1"))
    .with_api_version("compute", "2.100");
    let client = Client::new(ClientOptions::new(Session::new(cfg))).expect("client");
    // Discovery GET answers with the page (no version document): the pinned 2.100 is used as is.
    for _ in 0..100 {
        let _ = client.compute().servers().list().send().await;
    }
    let servers = client.compute().servers();
    let started = Instant::now();
    for _ in 0..n {
        let page = servers.list().send().await.expect("list");
        assert_eq!(page.items.len(), 100);
    }
    let ours = report("stackclient servers().list().send()", n, started.elapsed());
    println!(
        "pipeline overhead: {:+.1} µs/request ({:+.1} %)",
        ours - bare,
        (ours / bare - 1.0) * 100.0
    );
    println!(
        "Keystone token requests: {}",
        client.session().auth_requests()
    );
}
