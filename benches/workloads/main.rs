//! stackclient against a raw reqwest client doing the same HTTP calls, side by side, interleaved
//! in one run, on a loopback cloud served by a child process (so the server's work is never the
//! client's CPU time, allocations or instructions).
//!
//! ```sh
//! cargo bench --bench workloads                   # every workload, medians of 5 rounds (≈ 1–2 min)
//! cargo bench --bench workloads -- --quick        # a reduced run with the checks CI makes
//! cargo bench --bench workloads -- --instructions # also instructions per operation (callgrind)
//! cargo bench --bench workloads -- --only W3,W5 --rounds 9   # some workloads, more rounds
//! ```
//!
//! Workloads:
//! - **W1** sequential `GET /servers/{id}` (full 2.100 server ≈ 2 KB), one warm client;
//! - **W2** the same from 64 tasks, each with its own client (stackclient: `Client::new` from
//!   cloned `ClientOptions`; raw: its own `reqwest::Client`), token shared;
//! - **W3** listing N = 10,000 and N = 100,000 servers (`GET /servers/detail`, 1000 per page,
//!   `servers_links`) through `into_stream()`; peak heap for both sides;
//! - **W4** a fresh authentication (new client + `POST /v3/auth/tokens` with a catalog of 8 services)
//!   from a loaded `CloudConfig` (W4a) and from `clouds.yaml` through `CloudConfig::load()` (W4b);
//! - **W5** 1,000 tasks, each with its own client, starting on a token the server has revoked: the
//!   number of token requests (must be 1) and the time to the first answer.
//!
//! Per operation it prints the median wall time, CPU time (the whole process: every runtime thread),
//! allocations, and the ratio to raw. With `--instructions` every workload is rerun under
//! `valgrind --tool=callgrind` at two sizes; instructions per operation are the difference divided
//! by the difference in operations, so setup cancels out.

// The counting allocator and the CPU clock need `unsafe`; the library itself forbids it.
#![allow(unsafe_code)]

mod raw;
mod server;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use stackclient::{Client, ClientOptions, CloudConfig, Session};

// ---------------------------------------------------------------- counting allocator

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = CURRENT.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_PROCESS_CPUTIME_ID always exists on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

// ---------------------------------------------------------------- measurement

/// What one measured run of a workload cost.
#[derive(Clone, Copy, Default)]
struct Sample {
    ops: u64,
    wall: Duration,
    cpu: Duration,
    allocs: u64,
    /// Peak heap above the level at `begin`, bytes.
    peak: usize,
}

/// Brackets the measured part of a workload (setup before `begin` is not counted).
#[derive(Default)]
struct Probe {
    wall: Option<Instant>,
    cpu: Duration,
    allocs: u64,
    base: usize,
    sample: Sample,
}

impl Probe {
    fn begin(&mut self) {
        self.base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(self.base, Ordering::Relaxed);
        self.allocs = ALLOCS.load(Ordering::Relaxed);
        self.cpu = cpu_time();
        self.wall = Some(Instant::now());
    }
    fn end(&mut self, ops: u64) {
        let wall = self.wall.map(|w| w.elapsed()).unwrap_or_default();
        self.sample = Sample {
            ops,
            wall,
            cpu: cpu_time().saturating_sub(self.cpu),
            allocs: ALLOCS.load(Ordering::Relaxed) - self.allocs,
            peak: PEAK.load(Ordering::Relaxed).saturating_sub(self.base),
        };
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Raw,
    Ours,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Work {
    W1,
    W2,
    W3,
    W4a,
    W4b,
}

impl Work {
    fn parse(s: &str) -> Option<Work> {
        Some(match s {
            "W1" => Work::W1,
            "W2" => Work::W2,
            "W3" => Work::W3,
            "W4a" => Work::W4a,
            "W4b" => Work::W4b,
            _ => return None,
        })
    }
    fn label(self) -> &'static str {
        match self {
            Work::W1 => "W1 sequential GET /servers/{id}",
            Work::W2 => "W2 64 tasks, a client each, GET",
            Work::W3 => "W3 list servers (per server)",
            Work::W4a => "W4a fresh auth, loaded CloudConfig",
            Work::W4b => "W4b fresh auth, from clouds.yaml",
        }
    }
}

/// The environment every run shares: the server and the config files.
struct Env {
    base: String,
    /// `clouds.yaml` for the bench cloud (also `OS_CLIENT_CONFIG_FILE`).
    clouds_yaml: std::path::PathBuf,
}

const TASKS: u64 = 64;

fn runtime(work: Work) -> tokio::runtime::Runtime {
    if work == Work::W2 {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime")
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }
}

fn loaded_config() -> CloudConfig {
    CloudConfig::load().expect("bench clouds.yaml loads")
}

fn raw_auth(env: &Env) -> raw::CloudAuth {
    let text = std::fs::read_to_string(&env.clouds_yaml).expect("clouds.yaml");
    let file: raw::CloudsFile = serde_norway::from_str(&text).expect("clouds.yaml parses");
    file.clouds.into_values().next().expect("one cloud").auth
}

async fn control(base: &str, method: reqwest::Method, path: &str) -> String {
    reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .send()
        .await
        .expect("control request")
        .text()
        .await
        .expect("control body")
}

/// Runs `work` on `side` for `n` operations (servers for W3) and returns what the measured part cost.
fn run(env: &Env, work: Work, side: Side, n: u64) -> Sample {
    let rt = runtime(work);
    let mut probe = Probe::default();
    rt.block_on(async {
        match (work, side) {
            (Work::W1, Side::Raw) => {
                let http = reqwest::Client::new();
                let (token, compute) = raw::authenticate(&http, &raw_auth(env)).await;
                let id = server::server_id(7);
                for _ in 0..20 {
                    raw_get(&http, &compute, &id, &token).await;
                }
                probe.begin();
                for _ in 0..n {
                    raw_get(&http, &compute, &id, &token).await;
                }
                probe.end(n);
            }
            (Work::W1, Side::Ours) => {
                let client =
                    Client::new(ClientOptions::new(Session::new(loaded_config()))).expect("client");
                let id = server::server_id(7);
                for _ in 0..20 {
                    ours_get(&client, &id).await;
                }
                probe.begin();
                for _ in 0..n {
                    ours_get(&client, &id).await;
                }
                probe.end(n);
            }
            (Work::W2, Side::Raw) => {
                let (token, compute) =
                    raw::authenticate(&reqwest::Client::new(), &raw_auth(env)).await;
                let shared = Arc::new((token, compute));
                let per_task = n.div_ceil(TASKS);
                probe.begin();
                let tasks: Vec<_> = (0..TASKS)
                    .map(|t| {
                        let shared = shared.clone();
                        tokio::spawn(async move {
                            let http = reqwest::Client::new();
                            let id = server::server_id(t as usize);
                            for _ in 0..per_task {
                                raw_get(&http, &shared.1, &id, &shared.0).await;
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.expect("task");
                }
                probe.end(per_task * TASKS);
            }
            (Work::W2, Side::Ours) => {
                let opts = ClientOptions::new(Session::new(loaded_config()));
                let first = Client::new(opts.clone()).expect("client");
                ours_get(&first, &server::server_id(1)).await;
                let per_task = n.div_ceil(TASKS);
                probe.begin();
                let tasks: Vec<_> = (0..TASKS)
                    .map(|t| {
                        let opts = opts.clone();
                        tokio::spawn(async move {
                            let client = Client::new(opts).expect("client");
                            let id = server::server_id(t as usize);
                            for _ in 0..per_task {
                                ours_get(&client, &id).await;
                            }
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.expect("task");
                }
                probe.end(per_task * TASKS);
            }
            (Work::W3, side) => {
                control(
                    &env.base,
                    reqwest::Method::PUT,
                    &format!("/control/total/{n}"),
                )
                .await;
                let seen = match side {
                    Side::Raw => {
                        let http = reqwest::Client::new();
                        let (token, compute) = raw::authenticate(&http, &raw_auth(env)).await;
                        probe.begin();
                        let mut url = format!("{compute}/servers/detail");
                        let mut seen = 0u64;
                        loop {
                            let bytes = raw::compute_get(&http, &url, &token)
                                .send()
                                .await
                                .expect("list")
                                .bytes()
                                .await
                                .expect("page");
                            let page: raw::Page = serde_json::from_slice(&bytes).expect("page");
                            drop(bytes);
                            seen += page.servers.len() as u64;
                            match page.servers_links.into_iter().find(|l| l.rel == "next") {
                                Some(next) => url = next.href,
                                None => break,
                            }
                        }
                        seen
                    }
                    Side::Ours => {
                        let client = Client::new(ClientOptions::new(Session::new(loaded_config())))
                            .expect("client");
                        client.authenticate().await.expect("auth");
                        probe.begin();
                        let mut stream = client.compute().servers().list().into_stream();
                        let mut seen = 0u64;
                        while let Some(s) = stream.try_next().await.expect("list") {
                            std::hint::black_box(&s);
                            seen += 1;
                        }
                        seen
                    }
                };
                probe.end(seen);
                assert_eq!(seen, n, "servers listed");
            }
            (Work::W4a, Side::Raw) => {
                let auth = raw_auth(env);
                probe.begin();
                for _ in 0..n {
                    let http = reqwest::Client::new();
                    std::hint::black_box(raw::authenticate(&http, &auth).await);
                }
                probe.end(n);
            }
            (Work::W4a, Side::Ours) => {
                let cfg = loaded_config();
                probe.begin();
                for _ in 0..n {
                    let client =
                        Client::new(ClientOptions::new(Session::new(cfg.clone()))).expect("client");
                    std::hint::black_box(client.authenticate().await.expect("auth"));
                }
                probe.end(n);
            }
            (Work::W4b, Side::Raw) => {
                probe.begin();
                for _ in 0..n {
                    let path = std::env::var("OS_CLIENT_CONFIG_FILE").expect("set");
                    let text = std::fs::read_to_string(path).expect("clouds.yaml");
                    let file: raw::CloudsFile = serde_norway::from_str(&text).expect("parses");
                    let cloud = std::env::var("OS_CLOUD").expect("set");
                    let auth = &file.clouds.get(&cloud).expect("cloud").auth;
                    let http = reqwest::Client::new();
                    std::hint::black_box(raw::authenticate(&http, auth).await);
                }
                probe.end(n);
            }
            (Work::W4b, Side::Ours) => {
                probe.begin();
                for _ in 0..n {
                    let cfg = CloudConfig::load().expect("config");
                    let client =
                        Client::new(ClientOptions::new(Session::new(cfg))).expect("client");
                    std::hint::black_box(client.authenticate().await.expect("auth"));
                }
                probe.end(n);
            }
        }
    });
    probe.sample
}

async fn raw_get(http: &reqwest::Client, compute: &str, id: &str, token: &str) {
    let bytes = raw::compute_get(http, &format!("{compute}/servers/{id}"), token)
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body");
    let one: raw::One = serde_json::from_slice(&bytes).expect("server");
    std::hint::black_box(one.server);
}

async fn ours_get(client: &Client, id: &str) {
    let server = client.compute().servers().get(id).await.expect("get");
    std::hint::black_box(server);
}

/// W5: 1,000 tasks on a revoked token. Returns (token requests, time to first answer, time to all).
fn w5(env: &Env, tasks: usize) -> (u64, Duration, Duration) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let opts = ClientOptions::new(Session::new(loaded_config()));
        let first = Client::new(opts.clone()).expect("client");
        ours_get(&first, &server::server_id(1)).await;
        control(&env.base, reqwest::Method::POST, "/control/expire").await;
        let before: u64 = control(&env.base, reqwest::Method::GET, "/control/tokens")
            .await
            .parse()
            .expect("count");
        let started = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|t| {
                let opts = opts.clone();
                tokio::spawn(async move {
                    let client = Client::new(opts).expect("client");
                    ours_get(&client, &server::server_id(t)).await;
                    started.elapsed()
                })
            })
            .collect();
        let mut first_answer = Duration::MAX;
        for h in handles {
            first_answer = first_answer.min(h.await.expect("task"));
        }
        let all = started.elapsed();
        let after: u64 = control(&env.base, reqwest::Method::GET, "/control/tokens")
            .await
            .parse()
            .expect("count");
        (after - before, first_answer, all)
    })
}

// ---------------------------------------------------------------- reporting

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v[v.len() / 2]
}

struct Row {
    wall_us: f64,
    cpu_us: f64,
    allocs: f64,
    peak: usize,
}

fn summarize(samples: &[Sample]) -> Row {
    Row {
        wall_us: median(
            samples
                .iter()
                .map(|s| s.wall.as_secs_f64() * 1e6 / s.ops as f64)
                .collect(),
        ),
        cpu_us: median(
            samples
                .iter()
                .map(|s| s.cpu.as_secs_f64() * 1e6 / s.ops as f64)
                .collect(),
        ),
        allocs: median(
            samples
                .iter()
                .map(|s| s.allocs as f64 / s.ops as f64)
                .collect(),
        ),
        peak: samples.iter().map(|s| s.peak).max().unwrap_or(0),
    }
}

fn print_pair(label: &str, raw: &Row, ours: &Row, heap: bool) {
    println!(
        "{label:<40} {:>9.2} {:>9.2} {:>6.3}x {:>9.2} {:>9.2} {:>6.3}x {:>8.1} {:>8.1}{}",
        raw.wall_us,
        ours.wall_us,
        ours.wall_us / raw.wall_us,
        raw.cpu_us,
        ours.cpu_us,
        ours.cpu_us / raw.cpu_us,
        raw.allocs,
        ours.allocs,
        if heap {
            format!(
                "   peak heap raw {:.1} MiB, ours {:.1} MiB",
                raw.peak as f64 / 1048576.0,
                ours.peak as f64 / 1048576.0
            )
        } else {
            String::new()
        }
    );
}

// ---------------------------------------------------------------- callgrind

fn callgrind_instructions(exe: &std::path::Path, env: &Env, work: Work, side: Side, n: u64) -> u64 {
    let out = std::env::temp_dir().join(format!(
        "stackclient-bench-{}-{work:?}-{side:?}-{n}.callgrind",
        std::process::id()
    ));
    let status = std::process::Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .args(["--worker", &format!("{work:?}"), "--side"])
        .arg(if side == Side::Raw { "raw" } else { "ours" })
        .args(["--iters", &n.to_string(), "--server", &env.base])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("valgrind runs");
    assert!(
        status.success(),
        "callgrind run of {work:?} {side:?} failed"
    );
    let text = std::fs::read_to_string(&out).expect("callgrind output");
    let _ = std::fs::remove_file(&out);
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("callgrind totals")
}

fn ensure_valgrind() {
    let ok = std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        println!("valgrind not found: installing it (apt-get install -y valgrind)");
        let _ = std::process::Command::new("apt-get")
            .args(["install", "-y", "valgrind"])
            .status();
    }
}

// ---------------------------------------------------------------- setup

fn write_config(base: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("stackclient-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("clouds.yaml");
    let yaml = format!(
        "clouds:\n  bench:\n    auth:\n      auth_url: {base}/identity/v3\n      username: admin\n      password: secret-password\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n    interface: public\n    identity_api_version: 3\n"
    );
    std::fs::write(&path, yaml).expect("write clouds.yaml");
    path
}

/// Starts the loopback cloud in a child process (`--serve`) and returns its base URL.
fn spawn_server() -> (std::process::Child, String) {
    use std::io::BufRead;
    let exe = std::env::current_exe().expect("current exe");
    let mut child = std::process::Command::new(exe)
        .arg("--serve")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("server process");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("server address");
    (child, line.trim().to_string())
}

fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let addr = server::start().await;
            println!("http://{addr}");
            // Serve until the parent exits (our stdin closes) or kills us.
            let _ = tokio::task::spawn_blocking(|| {
                let mut sink = Vec::new();
                let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
            })
            .await;
        });
        return;
    }

    let (child, base) = match arg_value(&args, "--server") {
        Some(base) => (None, base),
        None => {
            let (c, b) = spawn_server();
            (Some(c), b)
        }
    };
    let clouds_yaml = write_config(&base);
    // SAFETY: set before any other thread exists (no runtime has been built yet).
    unsafe {
        std::env::set_var("OS_CLIENT_CONFIG_FILE", &clouds_yaml);
        std::env::set_var("OS_CLOUD", "bench");
    }
    let env = Env { base, clouds_yaml };

    if let Some(work) = arg_value(&args, "--worker") {
        let work = Work::parse(&work).expect("--worker W1|W2|W3|W4a|W4b");
        let side = match arg_value(&args, "--side").as_deref() {
            Some("raw") => Side::Raw,
            _ => Side::Ours,
        };
        let n = arg_value(&args, "--iters")
            .and_then(|v| v.parse().ok())
            .unwrap_or(100);
        run(&env, work, side, n);
        return;
    }

    let quick = args.iter().any(|a| a == "--quick");
    let only: Option<Vec<String>> =
        arg_value(&args, "--only").map(|v| v.split(',').map(str::to_string).collect());
    let instructions = args.iter().any(|a| a == "--instructions");
    let rounds = if quick { 2 } else { 5 };
    let rounds = arg_value(&args, "--rounds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(rounds);
    let exit = bench(&env, quick, instructions, rounds, only.as_deref());
    if let Some(mut c) = child {
        let _ = c.kill();
        let _ = c.wait();
    }
    let _ = std::fs::remove_dir_all(env.clouds_yaml.parent().expect("dir"));
    std::process::exit(exit);
}

fn bench(
    env: &Env,
    quick: bool,
    instructions: bool,
    rounds: usize,
    only: Option<&[String]>,
) -> i32 {
    let wanted = |w: &str| only.is_none_or(|o| o.iter().any(|x| x == w));
    let mut failed = false;
    println!(
        "stackclient vs raw reqwest, {} round(s) interleaved, medians per operation; {} CPUs",
        rounds,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "{:<40} {:>9} {:>9} {:>7} {:>9} {:>9} {:>7} {:>8} {:>8}",
        "workload", "raw µs", "ours µs", "wall", "raw CPU", "ours CPU", "CPU", "raw al", "ours al"
    );
    let sizes: &[(Work, u64, &str)] = if quick {
        &[
            (Work::W1, 500, ""),
            (Work::W2, 64 * 10, ""),
            (Work::W3, 10_000, " N=10,000"),
            (Work::W3, 100_000, " N=100,000"),
            (Work::W4a, 50, ""),
            (Work::W4b, 50, ""),
        ]
    } else {
        &[
            (Work::W1, 5_000, ""),
            (Work::W2, 64 * 100, ""),
            (Work::W3, 10_000, " N=10,000"),
            (Work::W3, 100_000, " N=100,000"),
            (Work::W4a, 300, ""),
            (Work::W4b, 300, ""),
        ]
    };
    let mut peaks = Vec::new();
    for &(work, n, suffix) in sizes {
        if !wanted(&format!("{work:?}")) {
            continue;
        }
        let mut raw_s = Vec::new();
        let mut ours_s = Vec::new();
        // Warm-up round per side (page cache on the server, lazy statics), not counted.
        run(env, work, Side::Raw, n.min(1000));
        run(env, work, Side::Ours, n.min(1000));
        let r = if work == Work::W3 && n >= 100_000 {
            rounds.min(3)
        } else {
            rounds
        };
        for _ in 0..r {
            raw_s.push(run(env, work, Side::Raw, n));
            ours_s.push(run(env, work, Side::Ours, n));
        }
        let (raw_row, ours_row) = (summarize(&raw_s), summarize(&ours_s));
        print_pair(
            &format!("{}{suffix}", work.label()),
            &raw_row,
            &ours_row,
            work == Work::W3,
        );
        if work == Work::W3 {
            peaks.push((n, raw_row.peak, ours_row.peak));
        }
    }
    if let [(n1, _, small), (n2, _, large)] = peaks[..] {
        let growth = large as f64 / small as f64;
        println!(
            "W3 peak heap, ours: {:.1} MiB at N={n1}, {:.1} MiB at N={n2}: {growth:.3}x (target <= 1.1x)",
            small as f64 / 1048576.0,
            large as f64 / 1048576.0
        );
        if growth > 1.1 {
            println!("FAIL: the listing's peak heap grows with N");
            failed = true;
        }
    }
    if wanted("W5") {
        let (tokens, first, all) = w5(env, 1000);
        println!(
            "W5 1,000 tasks on a revoked token: {tokens} token request(s), first answer after {:.1} ms, all after {:.1} ms",
            first.as_secs_f64() * 1e3,
            all.as_secs_f64() * 1e3
        );
        if tokens != 1 {
            println!("FAIL: W5 needs exactly 1 token request");
            failed = true;
        }
    }

    if instructions {
        ensure_valgrind();
        let exe = std::env::current_exe().expect("exe");
        println!("\ninstructions per operation (callgrind, difference of two sizes)");
        println!(
            "{:<40} {:>12} {:>12} {:>7}",
            "workload", "raw", "ours", "ratio"
        );
        let pairs: &[(Work, u64, u64)] = &[
            (Work::W1, 100, 600),
            (Work::W2, 64 * 2, 64 * 8),
            (Work::W3, 2_000, 6_000),
            (Work::W4a, 5, 25),
            (Work::W4b, 5, 25),
        ];
        for &(work, a, b) in pairs {
            if !wanted(&format!("{work:?}")) {
                continue;
            }
            let mut per = [0f64; 2];
            for (i, side) in [Side::Raw, Side::Ours].into_iter().enumerate() {
                let ia = callgrind_instructions(&exe, env, work, side, a);
                let ib = callgrind_instructions(&exe, env, work, side, b);
                per[i] = (ib as f64 - ia as f64) / (b - a) as f64;
            }
            println!(
                "{:<40} {:>12.0} {:>12.0} {:>6.3}x",
                work.label(),
                per[0],
                per[1],
                per[1] / per[0]
            );
        }
    }
    i32::from(failed)
}
