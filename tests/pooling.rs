//! The pool contract, proved on the wire: a raw TCP server records which client (by User-Agent) sent
//! each request on each connection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use stackclient::{
    Auth, AuthMethod, Client, ClientOptions, CloudConfig, Method, Scope, ServiceType, Session,
    UserRef,
};
use tokio::net::TcpListener;

#[path = "common/raw_http.rs"]
mod raw_http;

/// connection number → user agents seen on it
type Log = Arc<Mutex<HashMap<usize, Vec<String>>>>;

async fn serve(listener: TcpListener, log: Log) {
    let mut conn_no = 0usize;
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        conn_no += 1;
        let (id, log) = (conn_no, log.clone());
        tokio::spawn(async move {
            raw_http::serve_connection(stream, "{}", |user_agent| {
                log.lock()
                    .unwrap()
                    .entry(id)
                    .or_default()
                    .push(user_agent.to_string());
            })
            .await;
        });
    }
}

async fn start() -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    tokio::spawn(serve(listener, log.clone()));
    (base, log)
}

fn session(base: &str) -> Session {
    // With `/v3`: no version discovery request, so the log holds only calls and the token request.
    let cfg = CloudConfig::new(Auth::new(
        format!("{base}/v3"),
        AuthMethod::Password {
            user: UserRef::Id("u1".into()),
            password: "pw".to_string().into(),
        },
        Scope::Unscoped,
    ))
    .with_endpoint_override("echo", format!("{base}/echo"));
    Session::new(cfg)
}

async fn call(client: &Client) {
    let r = client
        .request(ServiceType::new("echo"), Method::Get, "x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_clients_never_share_a_connection() {
    let (base, log) = start().await;
    let opts = ClientOptions::new(session(&base));
    let mut tasks = Vec::new();
    for i in 0..8 {
        let opts = opts.clone().user_agent(format!("client-{i}"));
        tasks.push(tokio::spawn(async move {
            let client = Client::new(opts).unwrap();
            for _ in 0..5 {
                call(&client).await;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let log = log.lock().unwrap();
    let mut clients_seen = BTreeSet::new();
    for (conn, agents) in log.iter() {
        let distinct: BTreeSet<_> = agents.iter().collect();
        assert_eq!(
            distinct.len(),
            1,
            "connection {conn} carried requests from {distinct:?}"
        );
        clients_seen.extend(distinct.into_iter().cloned());
    }
    assert_eq!(clients_seen.len(), 8);
    let total: usize = log.values().map(Vec::len).sum();
    assert_eq!(total, 8 * 5 + 1, "40 calls and one token request");
    assert_eq!(opts.session.auth_requests(), 1);
}

#[tokio::test]
async fn clones_of_one_client_reuse_one_connection() {
    let (base, log) = start().await;
    let client = Client::new(ClientOptions::new(session(&base)).user_agent("shared")).unwrap();
    let clone = client.clone();
    for _ in 0..3 {
        call(&client).await;
        call(&clone).await;
    }
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 1, "one connection: {log:?}");
    assert_eq!(log.values().next().unwrap().len(), 7);
}
