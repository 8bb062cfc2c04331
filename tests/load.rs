//! Load under faults (ignored by default; `.ci/run` runs it at a modest size):
//! `LOAD_TASKS` tasks (default 500) × `LOAD_CALLS` GETs (default 40), each task with its own `Client`
//! from cloned options, against a raw server that answers 5 % of requests `503`, resets 2 % after
//! reading them, and drops 2 % of requests that arrive on an idle keep-alive connection unread.
//! Every call must succeed, with at most 2 token requests. Prints calls/s and peak RSS.
//!
//! `cargo test --release --all-features --test load -- --ignored --nocapture`

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/wire.rs"]
mod wire;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::{mount_keystone, password_config, received};
use stackclient::{Client, ClientOptions, Method, RetryPolicy, ServiceType, Session};
use wire::{Act, Before, json};
use wiremock::MockServer;

/// A deterministic stream of numbers in 0..100 (splitmix64 over a counter).
fn percent(counter: &AtomicU64) -> u64 {
    let mut z = counter
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % 100
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load test: run by .ci/run at a modest size"]
async fn load_with_injected_faults_every_idempotent_call_succeeds() {
    let tasks = env("LOAD_TASKS", 500);
    let calls = env("LOAD_CALLS", 40);
    static ANSWERS: AtomicU64 = AtomicU64::new(1);
    static IDLE: AtomicU64 = AtomicU64::new(7);
    static FAULTS: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];
    let wire = wire::start_with(
        |_, nth| {
            if nth >= 2 && percent(&IDLE) < 2 {
                FAULTS[2].fetch_add(1, Ordering::Relaxed);
                Before::CloseUnread
            } else {
                Before::Read
            }
        },
        |_| match percent(&ANSWERS) {
            0..=4 => {
                FAULTS[0].fetch_add(1, Ordering::Relaxed);
                Act::Answer(json(
                    "503 Service Unavailable",
                    r#"{"message": "busy", "code": "503 Service Unavailable", "title": "Service Unavailable"}"#,
                ))
            }
            5..=6 => {
                FAULTS[1].fetch_add(1, Ordering::Relaxed);
                Act::Reset
            }
            _ => Act::Answer(json(
                "200 OK",
                r#"{"server": {"id": "9a3c4e6f-1b2d-4c8e-9f00-aa11bb22cc33", "name": "web-1", "status": "ACTIVE"}}"#,
            )),
        },
    )
    .await;
    let keystone = MockServer::start().await;
    mount_keystone(&keystone, "tok-load").await;
    let cfg =
        password_config(&keystone).with_endpoint_override("svc", format!("{}/svc", wire.base));
    // Eight attempts: with 7 % of answers failing, eight failures in a row are a 6e-10 chance per call.
    let opts = ClientOptions::new(Session::new(cfg)).retry(
        RetryPolicy::default()
            .max_attempts(8)
            .backoff(Duration::from_millis(2), Duration::from_millis(50)),
    );
    let started = Instant::now();
    let mut handles = Vec::with_capacity(tasks);
    for _ in 0..tasks {
        let opts = opts.clone();
        handles.push(tokio::spawn(async move {
            let client = Client::new(opts).unwrap();
            let mut failures = Vec::new();
            for _ in 0..calls {
                match client
                    .request(ServiceType::new("svc"), Method::Get, "servers/9a3c4e6f")
                    .send()
                    .await
                {
                    Ok(r) => assert_eq!(r.status(), 200),
                    Err(e) => failures.push(e.to_string()),
                }
            }
            failures
        }));
    }
    let mut failures = Vec::new();
    for h in handles {
        failures.extend(h.await.unwrap());
    }
    let elapsed = started.elapsed();
    let total = tasks * calls;
    let tokens = received(&keystone, "POST", "/identity/v3/auth/tokens")
        .await
        .len();
    println!(
        "load: {tasks} tasks x {calls} GETs = {total} calls in {elapsed:.2?} = {:.0} calls/s; \
         faults injected: {} x 503, {} resets after reading, {} idle connections dropped; \
         {} requests read on {} connections; token requests {tokens}; peak RSS {} MiB; failures {}",
        total as f64 / elapsed.as_secs_f64(),
        FAULTS[0].load(Ordering::Relaxed),
        FAULTS[1].load(Ordering::Relaxed),
        FAULTS[2].load(Ordering::Relaxed),
        wire.requests().len(),
        wire.connection_count(),
        peak_rss_kib() / 1024,
        failures.len(),
    );
    assert!(
        failures.is_empty(),
        "{} failed, e.g. {:?}",
        failures.len(),
        failures.first()
    );
    assert!(tokens <= 2, "{tokens} token requests");
    assert!(
        FAULTS.iter().all(|f| f.load(Ordering::Relaxed) > 0),
        "every fault was injected"
    );
}
