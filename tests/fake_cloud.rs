//! The fake cloud, driven with plain reqwest: bodies, headers and status codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "testing")]

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use stackclient::testing::{FakeCloud, FakeCloudBuilder, InjectedFault};
use stackclient::{AuthMethod, DomainRef, ProjectRef, Scope, UserRef};

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct Env {
    fake: FakeCloud,
    http: reqwest::Client,
    token: String,
}

fn password_auth(user: &str, password: &str, scope: Option<Value>) -> Value {
    let mut auth = json!({"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "domain": {"name": "Default"}, "password": password}}}});
    if let Some(scope) = scope {
        auth["scope"] = scope;
    }
    json!({ "auth": auth })
}

fn project_scope() -> Value {
    json!({"project": {"name": "admin", "domain": {"id": "default"}}})
}

async fn send(req: reqwest::RequestBuilder) -> Reply {
    let resp = req.send().await.expect("request sent");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("body read");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON body")
    };
    Reply {
        status,
        headers,
        body,
    }
}

async fn issue_token(http: &reqwest::Client, fake: &FakeCloud) -> Reply {
    send(
        http.post(format!("{}/v3/auth/tokens", fake.auth_url()))
            .json(&password_auth("admin", "secret", Some(project_scope()))),
    )
    .await
}

impl Env {
    async fn new() -> Env {
        Env::with(FakeCloud::builder()).await
    }

    async fn with(builder: FakeCloudBuilder) -> Env {
        let fake = builder.start().await.expect("fake cloud starts");
        let http = reqwest::Client::new();
        let reply = issue_token(&http, &fake).await;
        assert_eq!(reply.status, StatusCode::CREATED);
        let token = reply
            .header("x-subject-token")
            .expect("X-Subject-Token")
            .to_string();
        Env { fake, http, token }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.fake.url())
    }

    async fn get(&self, path: &str) -> Reply {
        send(
            self.http
                .get(self.url(path))
                .header("x-auth-token", &self.token),
        )
        .await
    }

    async fn get_mv(&self, path: &str, version: &str) -> Reply {
        send(
            self.http
                .get(self.url(path))
                .header("x-auth-token", &self.token)
                .header("openstack-api-version", format!("compute {version}")),
        )
        .await
    }

    async fn get_url(&self, url: &str) -> Reply {
        send(self.http.get(url).header("x-auth-token", &self.token)).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        send(
            self.http
                .post(self.url(path))
                .header("x-auth-token", &self.token)
                .json(body),
        )
        .await
    }

    async fn post_mv(&self, path: &str, version: &str, body: &Value) -> Reply {
        send(
            self.http
                .post(self.url(path))
                .header("x-auth-token", &self.token)
                .header("x-openstack-nova-api-version", version)
                .json(body),
        )
        .await
    }

    async fn delete(&self, path: &str) -> Reply {
        send(
            self.http
                .delete(self.url(path))
                .header("x-auth-token", &self.token),
        )
        .await
    }

    async fn create_server(&self, name: &str) -> String {
        let reply = self
            .post(
                "/compute/v2.1/servers",
                &json!({"server": {"name": name, "flavorRef": "2", "imageRef": FakeCloud::IMAGE_ID}}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
        reply.body["server"]["id"]
            .as_str()
            .expect("server id")
            .to_string()
    }

    async fn server(&self, id: &str) -> Value {
        let reply = self.get(&format!("/compute/v2.1/servers/{id}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["server"].clone()
    }

    async fn action(&self, id: &str, body: Value) -> Reply {
        self.post(&format!("/compute/v2.1/servers/{id}/action"), &body)
            .await
    }
}

fn assert_request_id(reply: &Reply) {
    let id = reply
        .header("x-openstack-request-id")
        .expect("x-openstack-request-id");
    assert!(id.starts_with("req-"), "{id}");
    assert_eq!(id.len(), 40, "{id}");
}

fn keystone_401() -> Value {
    json!({"error": {"code": 401, "title": "Unauthorized",
        "message": "The request you have made requires authentication."}})
}

fn is_keystone_time(s: &str) -> bool {
    // 2015-11-06T15:32:17.893769Z
    s.len() == 27 && s.ends_with('Z') && &s[19..20] == "." && &s[10..11] == "T"
}

#[test]
fn fake_cloud_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FakeCloud>();
    assert_send_sync::<FakeCloudBuilder>();
    assert_send_sync::<InjectedFault>();
}

#[tokio::test]
async fn version_documents_need_no_token() {
    let fake = FakeCloud::start().await.expect("starts");
    let http = reqwest::Client::new();
    let base = fake.url();

    let root = send(http.get(format!("{base}/identity"))).await;
    assert_eq!(root.status, StatusCode::MULTIPLE_CHOICES);
    assert_eq!(root.body["versions"]["values"][0]["id"], "v3.14");
    assert_eq!(root.body["versions"]["values"][0]["status"], "stable");
    assert_request_id(&root);

    let v3 = send(http.get(format!("{base}/identity/v3"))).await;
    assert_eq!(v3.status, StatusCode::OK);
    assert_eq!(
        v3.body["version"]["links"][0]["href"],
        format!("{base}/identity/v3/")
    );
    assert_eq!(
        v3.body["version"]["media-types"][0]["type"],
        "application/vnd.openstack.identity-v3+json"
    );

    let compute = send(http.get(format!("{base}/compute/"))).await;
    assert_eq!(compute.status, StatusCode::OK);
    assert_eq!(compute.body["versions"][1]["id"], "v2.1");
    assert_eq!(compute.body["versions"][1]["version"], "2.100");
    assert!(compute.header("x-compute-request-id").is_some());

    for path in ["/compute/v2.1", "/compute/v2.1/"] {
        let v21 = send(http.get(format!("{base}{path}"))).await;
        assert_eq!(v21.status, StatusCode::OK);
        let version = &v21.body["version"];
        assert_eq!(version["id"], "v2.1");
        assert_eq!(version["status"], "CURRENT");
        assert_eq!(version["version"], "2.100");
        assert_eq!(version["min_version"], "2.1");
        assert_eq!(version["links"][0]["href"], format!("{base}/compute/v2.1/"));
    }

    let network = send(http.get(format!("{base}/network/"))).await;
    assert_eq!(network.status, StatusCode::OK);
    assert_eq!(
        network.body,
        json!({"versions": [{"id": "v2.0", "status": "CURRENT",
            "links": [{"rel": "self", "href": format!("{base}/network/v2.0/")}]}]})
    );
}

#[tokio::test]
async fn password_auth_returns_token_and_catalog() {
    let fake = FakeCloud::start().await.expect("starts");
    let http = reqwest::Client::new();
    let reply = issue_token(&http, &fake).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_request_id(&reply);
    let token_id = reply.header("x-subject-token").expect("token header");
    assert!(token_id.starts_with("gAAAAA"), "{token_id}");
    assert_eq!(fake.token_requests(), 1);

    let token = &reply.body["token"];
    assert_eq!(token["methods"], json!(["password"]));
    assert_eq!(token["user"]["name"], "admin");
    assert_eq!(token["user"]["id"], fake.user_id());
    assert_eq!(
        token["user"]["domain"],
        json!({"id": "default", "name": "Default"})
    );
    assert_eq!(token["project"]["name"], "admin");
    assert_eq!(token["project"]["id"], fake.project_id());
    assert_eq!(
        token["project"]["domain"],
        json!({"id": "default", "name": "Default"})
    );
    let roles: Vec<&str> = token["roles"]
        .as_array()
        .expect("roles")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert!(
        roles.contains(&"admin") && roles.contains(&"member"),
        "{roles:?}"
    );

    let issued = token["issued_at"].as_str().expect("issued_at");
    let expires = token["expires_at"].as_str().expect("expires_at");
    assert!(
        is_keystone_time(issued) && is_keystone_time(expires),
        "{issued} {expires}"
    );
    let lifetime = chrono::DateTime::parse_from_rfc3339(expires).expect("expires")
        - chrono::DateTime::parse_from_rfc3339(issued).expect("issued");
    assert_eq!(lifetime.num_seconds(), 3600);

    let catalog = token["catalog"].as_array().expect("catalog");
    assert_eq!(catalog.len(), 4);
    let base = fake.url();
    for (service_type, name, url) in [
        ("identity", "keystone", format!("{base}/identity/v3")),
        ("compute", "nova", format!("{base}/compute/v2.1")),
        ("network", "neutron", format!("{base}/network")),
        ("image", "glance", format!("{base}/image")),
    ] {
        let entry = catalog
            .iter()
            .find(|e| e["type"] == service_type)
            .expect("service in catalog");
        assert_eq!(entry["name"], name);
        assert_eq!(entry["id"].as_str().map(str::len), Some(32));
        let endpoints = entry["endpoints"].as_array().expect("endpoints");
        let mut interfaces: Vec<&str> = endpoints
            .iter()
            .filter_map(|e| e["interface"].as_str())
            .collect();
        interfaces.sort_unstable();
        assert_eq!(interfaces, ["admin", "internal", "public"]);
        for e in endpoints {
            assert_eq!(e["region"], "RegionOne");
            assert_eq!(e["region_id"], "RegionOne");
            assert_eq!(e["url"], url.as_str());
        }
    }
    assert_eq!(fake.compute_url(), format!("{base}/compute/v2.1"));
    assert_eq!(fake.network_url(), format!("{base}/network"));
    assert_eq!(fake.image_url(), format!("{base}/image"));
}

#[tokio::test]
async fn password_auth_by_ids_and_other_scopes() {
    let fake = FakeCloud::start().await.expect("starts");
    let http = reqwest::Client::new();
    let url = format!("{}/v3/auth/tokens", fake.auth_url());
    let by_id = json!({"auth": {
        "identity": {"methods": ["password"],
            "password": {"user": {"id": fake.user_id(), "password": "secret"}}},
        "scope": {"project": {"id": fake.project_id()}}}});
    let reply = send(http.post(&url).json(&by_id)).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.body["token"]["project"]["id"], fake.project_id());

    let unscoped = send(
        http.post(&url)
            .json(&password_auth("admin", "secret", None)),
    )
    .await;
    assert_eq!(unscoped.status, StatusCode::CREATED);
    assert!(unscoped.body["token"].get("catalog").is_none());
    assert!(unscoped.body["token"].get("project").is_none());
    // An unscoped token is valid but may not use compute.
    let unscoped_token = unscoped.header("x-subject-token").expect("token");
    let forbidden = send(
        http.get(format!("{}/servers", fake.compute_url()))
            .header("x-auth-token", unscoped_token),
    )
    .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(forbidden.body["forbidden"]["code"], 403);

    let domain = send(http.post(&url).json(&password_auth(
        "admin",
        "secret",
        Some(json!({"domain": {"id": "default"}})),
    )))
    .await;
    assert_eq!(domain.status, StatusCode::CREATED);
    assert_eq!(domain.body["token"]["domain"]["name"], "Default");

    let system = send(http.post(&url).json(&password_auth(
        "admin",
        "secret",
        Some(json!({"system": {"all": true}})),
    )))
    .await;
    assert_eq!(system.body["token"]["system"], json!({"all": true}));
    assert_eq!(fake.token_requests(), 4);
}

#[tokio::test]
async fn bad_credentials_get_keystone_401() {
    let fake = FakeCloud::start().await.expect("starts");
    let http = reqwest::Client::new();
    let url = format!("{}/v3/auth/tokens", fake.auth_url());
    for body in [
        password_auth("admin", "wrong", Some(project_scope())),
        password_auth("nobody", "secret", Some(project_scope())),
        password_auth(
            "admin",
            "secret",
            Some(json!({"project": {"name": "other", "domain": {"name": "Default"}}})),
        ),
    ] {
        let reply = send(http.post(&url).json(&body)).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.body, keystone_401());
        assert!(reply.header("x-subject-token").is_none());
        assert_eq!(
            reply.header("www-authenticate"),
            Some(format!("Keystone uri=\"{}\"", fake.auth_url()).as_str())
        );
        assert_request_id(&reply);
    }
    let malformed = send(
        http.post(&url)
            .header("content-type", "application/json")
            .body("{\"auth\": "),
    )
    .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.body["error"]["code"], 400);
    assert_eq!(malformed.body["error"]["title"], "Bad Request");
    let missing = send(http.post(&url).json(&json!({"auth": {}}))).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(
        missing.body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Expecting to find identity in auth.")),
        "{}",
        missing.body
    );
    assert_eq!(fake.token_requests(), 5);
}

#[tokio::test]
async fn application_credentials() {
    let fake = FakeCloud::start().await.expect("starts");
    let http = reqwest::Client::new();
    let url = format!("{}/v3/auth/tokens", fake.auth_url());
    let by_id = json!({"auth": {"identity": {"methods": ["application_credential"],
        "application_credential": {"id": fake.app_credential_id(), "secret": fake.app_credential_secret()}}}});
    let reply = send(http.post(&url).json(&by_id)).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let token = &reply.body["token"];
    assert_eq!(token["methods"], json!(["application_credential"]));
    assert_eq!(token["project"]["id"], fake.project_id());
    assert_eq!(
        token["application_credential"]["id"],
        fake.app_credential_id()
    );
    assert_eq!(token["catalog"].as_array().map(Vec::len), Some(4));

    let by_name = json!({"auth": {"identity": {"methods": ["application_credential"],
        "application_credential": {"name": fake.app_credential_name(),
            "user": {"name": "admin", "domain": {"id": "default"}},
            "secret": fake.app_credential_secret()}}}});
    assert_eq!(
        send(http.post(&url).json(&by_name)).await.status,
        StatusCode::CREATED
    );

    let wrong_secret = json!({"auth": {"identity": {"methods": ["application_credential"],
        "application_credential": {"id": fake.app_credential_id(), "secret": "nope"}}}});
    let reply = send(http.post(&url).json(&wrong_secret)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body, keystone_401());

    let mut scoped = by_id.clone();
    scoped["auth"]["scope"] = project_scope();
    let reply = send(http.post(&url).json(&scoped)).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["error"]["code"], 401);
}

#[tokio::test]
async fn configs_describe_the_fake() {
    let fake = FakeCloud::builder()
        .username("alice")
        .password("pw")
        .project("demo")
        .start()
        .await
        .expect("starts");
    let config = fake.config();
    assert_eq!(config.auth.auth_url, fake.auth_url());
    assert_eq!(config.region_name.as_deref(), Some("RegionOne"));
    match &config.auth.method {
        AuthMethod::Password { user, .. } => assert_eq!(
            user,
            &UserRef::Name {
                name: "alice".into(),
                domain: DomainRef::Name("Default".into())
            }
        ),
        other => panic!("expected password auth, got {other:?}"),
    }
    assert_eq!(
        config.auth.scope,
        Scope::Project(ProjectRef::Name {
            name: "demo".into(),
            domain: DomainRef::Name("Default".into())
        })
    );
    let app = fake.app_credential_config();
    assert_eq!(app.auth.scope, Scope::Unscoped);
    assert!(matches!(
        app.auth.method,
        AuthMethod::ApplicationCredential { .. }
    ));

    let http = reqwest::Client::new();
    let reply = send(
        http.post(format!("{}/v3/auth/tokens", fake.auth_url()))
            .json(&password_auth(
                "alice",
                "pw",
                Some(json!({"project": {"name": "demo", "domain": {"name": "Default"}}})),
            )),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.body["token"]["project"]["name"], "demo");
}

#[tokio::test]
async fn services_require_a_valid_token() {
    let env = Env::new().await;
    for path in [
        "/compute/v2.1/servers",
        "/network/v2.0/networks",
        "/compute/v2.1/flavors",
    ] {
        let anonymous = send(env.http.get(env.url(path))).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(anonymous.body, keystone_401());
        assert_eq!(
            anonymous.header("www-authenticate"),
            Some(format!("Keystone uri=\"{}/identity\"", env.fake.url()).as_str())
        );
        assert_request_id(&anonymous);
        let bogus = send(
            env.http
                .get(env.url(path))
                .header("x-auth-token", "gAAAAAbogus"),
        )
        .await;
        assert_eq!(bogus.status, StatusCode::UNAUTHORIZED);
        assert_eq!(env.get(path).await.status, StatusCode::OK, "{path}");
    }
    let log = env.fake.requests();
    let anonymous: Vec<_> = log.iter().filter(|r| !r.authenticated).collect();
    assert_eq!(anonymous.len(), 7, "{log:#?}"); // the token POST and six 401s
    assert!(log.iter().all(|r| r.request_id.starts_with("req-")));
    let last = log.last().expect("logged");
    assert_eq!(
        (last.method.as_str(), last.path.as_str(), last.status),
        ("GET", "/compute/v2.1/flavors", 200)
    );
    assert!(last.authenticated);
}

#[tokio::test]
async fn expired_and_revoked_tokens_get_401() {
    let env = Env::with(FakeCloud::builder().token_lifetime(Duration::from_millis(300))).await;
    assert_eq!(
        env.get("/compute/v2.1/servers").await.status,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let reply = env.get("/compute/v2.1/servers").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body, keystone_401());

    let env = Env::new().await;
    assert_eq!(
        env.get("/network/v2.0/networks").await.status,
        StatusCode::OK
    );
    env.fake.expire_tokens();
    assert_eq!(
        env.get("/network/v2.0/networks").await.status,
        StatusCode::UNAUTHORIZED
    );
    let direct = env.fake.issue_token();
    let reply = send(
        env.http
            .get(env.url("/network/v2.0/networks"))
            .header("x-auth-token", direct),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(env.fake.token_requests(), 1);
}

#[tokio::test]
async fn token_validation_and_revocation() {
    let env = Env::new().await;
    let url = format!("{}/v3/auth/tokens", env.fake.auth_url());
    let reply = send(
        env.http
            .get(&url)
            .header("x-auth-token", &env.token)
            .header("x-subject-token", &env.token),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("x-subject-token"), Some(env.token.as_str()));
    assert_eq!(reply.body["token"]["project"]["name"], "admin");

    let other = issue_token(&env.http, &env.fake).await;
    let other = other.header("x-subject-token").expect("token").to_string();
    let revoked = send(
        env.http
            .delete(&url)
            .header("x-auth-token", &env.token)
            .header("x-subject-token", &other),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let gone = send(
        env.http
            .get(&url)
            .header("x-auth-token", &env.token)
            .header("x-subject-token", &other),
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        gone.body["error"]["message"],
        format!("Could not find token: {other}.")
    );
}

#[tokio::test]
async fn server_builds_then_becomes_active() {
    let env = Env::with(FakeCloud::builder().build_delay(Duration::from_millis(250))).await;
    // Nova checks `key_name` (400 `Invalid key_name provided.` for an unknown one): make it.
    let key = env
        .post(
            "/compute/v2.1/os-keypairs",
            &json!({"keypair": {"name": "mykey", "public_key": "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova"}}),
        )
        .await;
    assert_eq!(key.status, StatusCode::OK, "{:?}", key.body);
    let reply = env
        .post(
            "/compute/v2.1/servers",
            &json!({"server": {"name": "web-1", "flavorRef": "1", "imageRef": FakeCloud::IMAGE_ID,
                "metadata": {"role": "web"}, "key_name": "mykey"}}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert_request_id(&reply);
    assert_eq!(
        reply.header("x-compute-request-id"),
        reply.header("x-openstack-request-id")
    );
    let created = &reply.body["server"];
    let id = created["id"].as_str().expect("id");
    assert_eq!(id.len(), 36);
    assert_eq!(created["adminPass"].as_str().map(str::len), Some(12));
    assert_eq!(created["OS-DCF:diskConfig"], "MANUAL");
    assert_eq!(created["security_groups"], json!([{"name": "default"}]));
    let self_link = format!("{}/compute/v2.1/servers/{id}", env.fake.url());
    assert_eq!(
        created["links"][0],
        json!({"rel": "self", "href": self_link})
    );
    assert_eq!(
        created["links"][1]["href"],
        format!("{}/compute/servers/{id}", env.fake.url())
    );
    assert_eq!(reply.header("location"), Some(self_link.as_str()));
    assert_eq!(
        created.as_object().map(|o| o.len()),
        Some(5),
        "create body has exactly id, links, adminPass, OS-DCF:diskConfig, security_groups"
    );

    let building = env.server(id).await;
    assert_eq!(building["status"], "BUILD");
    // The first of Nova's build task states (then none, networking, block_device_mapping,
    // spawning).
    assert_eq!(building["OS-EXT-STS:task_state"], "scheduling");
    assert_eq!(building["OS-EXT-STS:vm_state"], "building");
    assert_eq!(building["OS-EXT-STS:power_state"], 0);
    assert_eq!(building["progress"], 0);
    assert_eq!(building["OS-SRV-USG:launched_at"], Value::Null);
    assert_eq!(building["name"], "web-1");
    assert_eq!(building["metadata"], json!({"role": "web"}));
    assert_eq!(building["key_name"], "mykey");
    assert_eq!(building["tenant_id"], env.fake.project_id());
    assert_eq!(building["user_id"], env.fake.user_id());
    assert_eq!(building["hostId"].as_str().map(str::len), Some(56));
    assert_eq!(building["image"]["id"], FakeCloud::IMAGE_ID);
    let private = &building["addresses"]["private"][0];
    assert_eq!(private["version"], 4);
    assert_eq!(private["OS-EXT-IPS:type"], "fixed");
    assert!(
        private["addr"]
            .as_str()
            .is_some_and(|a| a.starts_with("10.0.0.")),
        "{private}"
    );
    assert!(
        private["OS-EXT-IPS-MAC:mac_addr"]
            .as_str()
            .is_some_and(|m| m.starts_with("fa:16:3e:"))
    );
    let created_at = building["created"].as_str().expect("created");
    assert_eq!(created_at.len(), 20);
    assert!(created_at.ends_with('Z'));

    tokio::time::sleep(Duration::from_millis(350)).await;
    let active = env.server(id).await;
    assert_eq!(active["status"], "ACTIVE");
    assert_eq!(active["OS-EXT-STS:task_state"], Value::Null);
    assert_eq!(active["OS-EXT-STS:vm_state"], "active");
    assert_eq!(active["OS-EXT-STS:power_state"], 1);
    let launched = active["OS-SRV-USG:launched_at"]
        .as_str()
        .expect("launched_at");
    assert_eq!(launched.len(), 26, "{launched}");
    assert!(active.get("fault").is_none());
    assert_eq!(env.fake.server_count(), 1);
}

#[tokio::test]
async fn server_detail_shape_follows_microversion() {
    let env = Env::with(FakeCloud::builder().build_delay(Duration::ZERO)).await;
    let id = env.create_server("db-1").await;

    let old = env.get(&format!("/compute/v2.1/servers/{id}")).await;
    assert_eq!(old.header("x-openstack-nova-api-version"), Some("2.1"));
    assert_eq!(old.header("openstack-api-version"), Some("compute 2.1"));
    assert_eq!(
        old.header("vary"),
        Some("OpenStack-API-Version, X-OpenStack-Nova-API-Version")
    );
    let server = &old.body["server"];
    assert_eq!(
        server["flavor"],
        json!({"id": "2", "links": [{"rel": "bookmark",
            "href": format!("{}/compute/flavors/2", env.fake.url())}]})
    );
    for absent in [
        "description",
        "tags",
        "locked",
        "OS-EXT-SRV-ATTR:hostname",
        "host_status",
    ] {
        assert!(
            server.get(absent).is_none(),
            "{absent} must not appear at 2.1"
        );
    }
    assert_eq!(server["OS-DCF:diskConfig"], "MANUAL");
    assert_eq!(server["OS-EXT-AZ:availability_zone"], "nova");
    assert_eq!(server["os-extended-volumes:volumes_attached"], json!([]));
    assert_eq!(server["security_groups"], json!([{"name": "default"}]));

    let new = env
        .get_mv(&format!("/compute/v2.1/servers/{id}"), "2.47")
        .await;
    assert_eq!(new.header("openstack-api-version"), Some("compute 2.47"));
    assert_eq!(new.header("x-openstack-nova-api-version"), Some("2.47"));
    let server = &new.body["server"];
    assert_eq!(
        server["flavor"],
        json!({"original_name": "m1.small", "vcpus": 1, "ram": 2048, "disk": 20,
            "ephemeral": 0, "swap": 0, "extra_specs": {}})
    );
    assert_eq!(server["description"], Value::Null);
    assert_eq!(server["tags"], json!([]));
    assert_eq!(server["locked"], false);
    assert_eq!(server["OS-EXT-SRV-ATTR:hostname"], "db-1");
    assert!(server.get("locked_reason").is_none());

    let latest = env.get_mv("/compute/v2.1/servers/detail", "latest").await;
    assert_eq!(latest.header("x-openstack-nova-api-version"), Some("2.100"));
    let server = &latest.body["servers"][0];
    assert_eq!(server["locked_reason"], Value::Null);
    assert_eq!(server["scheduler_hints"], json!({}));
    assert_eq!(server["pinned_availability_zone"], Value::Null);
}

#[tokio::test]
async fn microversion_negotiation_errors() {
    let env = Env::new().await;
    let too_new = env.get_mv("/compute/v2.1/servers", "3.0").await;
    assert_eq!(too_new.status, StatusCode::NOT_ACCEPTABLE);
    assert_eq!(
        too_new.body,
        json!({"computeFault": {"code": 406, "message":
            "Version 3.0 is not supported by the API. Minimum is 2.1 and maximum is 2.100."}})
    );
    assert_request_id(&too_new);
    let too_old = send(
        env.http
            .get(env.url("/compute/v2.1/servers"))
            .header("x-auth-token", &env.token)
            .header("x-openstack-nova-api-version", "2.0"),
    )
    .await;
    assert_eq!(too_old.status, StatusCode::NOT_ACCEPTABLE);
    let malformed = env.get_mv("/compute/v2.1/servers", "2.x").await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.body["badRequest"]["code"], 400);
    let legacy = send(
        env.http
            .get(env.url("/compute/v2.1/servers"))
            .header("x-auth-token", &env.token)
            .header("x-openstack-nova-api-version", "2.60"),
    )
    .await;
    assert_eq!(legacy.status, StatusCode::OK);
    assert_eq!(legacy.header("openstack-api-version"), Some("compute 2.60"));
}

#[tokio::test]
async fn server_paging_follows_next_links() {
    let env = Env::with(FakeCloud::builder().build_delay(Duration::ZERO)).await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(env.create_server(&format!("node-{i}")).await);
    }
    created.reverse(); // newest first, as Nova lists

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut url = env.url("/compute/v2.1/servers/detail?limit=3");
    loop {
        let page = env.get_url(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let servers = page.body["servers"].as_array().expect("servers");
        sizes.push(servers.len());
        seen.extend(
            servers
                .iter()
                .filter_map(|s| s["id"].as_str().map(str::to_string)),
        );
        match page.body.get("servers_links") {
            Some(links) => {
                let last = servers
                    .last()
                    .and_then(|s| s["id"].as_str())
                    .expect("last id");
                assert_eq!(links[0]["rel"], "next");
                let href = links[0]["href"].as_str().expect("href");
                assert_eq!(
                    href,
                    format!(
                        "{}/compute/v2.1/servers/detail?limit=3&marker={last}",
                        env.fake.url()
                    )
                );
                url = href.to_string();
            }
            None => break,
        }
        assert!(sizes.len() < 10, "paging does not end");
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(seen, created);

    // The summary list pages the same way and links to /servers.
    let page = env.get("/compute/v2.1/servers?limit=2").await;
    let servers = page.body["servers"].as_array().expect("servers");
    assert_eq!(servers.len(), 2);
    assert_eq!(
        servers[0]
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec![
            "id".to_string(),
            "links".to_string(),
            "name".to_string()
        ])
    );
    let href = page.body["servers_links"][0]["href"]
        .as_str()
        .expect("href");
    assert!(href.starts_with(&format!(
        "{}/compute/v2.1/servers?limit=2&marker=",
        env.fake.url()
    )));

    let missing = env.get("/compute/v2.1/servers/detail?marker=nope").await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        missing.body,
        json!({"badRequest": {"code": 400, "message": "marker [nope] not found"}})
    );
    let bad_limit = env.get("/compute/v2.1/servers?limit=-1").await;
    assert_eq!(bad_limit.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn max_limit_caps_pages() {
    let env = Env::with(FakeCloud::builder().max_limit(2)).await;
    for i in 0..3 {
        env.create_server(&format!("s{i}")).await;
    }
    let page = env.get("/compute/v2.1/servers").await;
    assert_eq!(page.body["servers"].as_array().map(Vec::len), Some(2));
    let href = page.body["servers_links"][0]["href"]
        .as_str()
        .expect("next");
    let last = page.body["servers"][1]["id"].as_str().expect("id");
    assert_eq!(
        href,
        format!("{}/compute/v2.1/servers?marker={last}", env.fake.url())
    );
    let capped = env.get("/compute/v2.1/servers?limit=50").await;
    assert_eq!(capped.body["servers"].as_array().map(Vec::len), Some(2));
    let rest = env.get_url(href).await;
    assert_eq!(rest.body["servers"].as_array().map(Vec::len), Some(1));
    assert!(rest.body.get("servers_links").is_none());
}

#[tokio::test]
async fn server_filters() {
    let env = Env::with(FakeCloud::builder().build_delay(Duration::ZERO)).await;
    let web = env.create_server("web-1").await;
    env.create_server("db-1").await;
    let names = |reply: &Reply| -> Vec<String> {
        reply.body["servers"]
            .as_array()
            .expect("servers")
            .iter()
            .filter_map(|s| s["name"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        names(&env.get("/compute/v2.1/servers?name=web").await),
        ["web-1"]
    );
    assert_eq!(
        names(&env.get("/compute/v2.1/servers?name=%5Edb").await),
        ["db-1"]
    );
    assert_eq!(
        names(&env.get("/compute/v2.1/servers?name=-1%24").await),
        ["db-1", "web-1"]
    );
    assert_eq!(
        names(&env.get("/compute/v2.1/servers?status=ACTIVE").await).len(),
        2
    );
    assert!(names(&env.get("/compute/v2.1/servers?status=SHUTOFF").await).is_empty());
    assert_eq!(
        names(&env.get("/compute/v2.1/servers?flavor=2").await).len(),
        2
    );
    assert!(names(&env.get("/compute/v2.1/servers?flavor=1").await).is_empty());

    let since = (chrono::Utc::now() - chrono::Duration::minutes(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    assert_eq!(
        env.delete(&format!("/compute/v2.1/servers/{web}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let changed = env
        .get(&format!(
            "/compute/v2.1/servers/detail?changes-since={since}"
        ))
        .await;
    let statuses: Vec<&str> = changed.body["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|s| s["status"].as_str())
        .collect();
    assert_eq!(statuses, ["ACTIVE", "DELETED"]);
    let bad = env
        .get("/compute/v2.1/servers?changes-since=yesterday")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn delete_then_item_not_found() {
    let env = Env::new().await;
    let id = env.create_server("doomed").await;
    let reply = env.delete(&format!("/compute/v2.1/servers/{id}")).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(reply.body, Value::Null);
    let gone = env.get(&format!("/compute/v2.1/servers/{id}")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        gone.body,
        json!({"itemNotFound": {"code": 404, "message": format!("Instance {id} could not be found.")}})
    );
    assert_request_id(&gone);
    assert_eq!(
        env.delete(&format!("/compute/v2.1/servers/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(env.fake.server_count(), 0);

    // With a delete delay the server lingers in task_state "deleting".
    let env = Env::with(FakeCloud::builder().delete_delay(Duration::from_millis(200))).await;
    let id = env.create_server("slow").await;
    assert_eq!(
        env.delete(&format!("/compute/v2.1/servers/{id}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(env.server(&id).await["OS-EXT-STS:task_state"], "deleting");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        env.get(&format!("/compute/v2.1/servers/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    // An empty id is not a list request.
    assert_eq!(
        env.get("/compute/v2.1/servers/").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn stop_start_reboot() {
    let env = Env::with(
        FakeCloud::builder()
            .build_delay(Duration::ZERO)
            .action_delay(Duration::from_millis(150)),
    )
    .await;
    let id = env.create_server("vm").await;
    assert_eq!(env.server(&id).await["status"], "ACTIVE");

    let start_active = env.action(&id, json!({"os-start": null})).await;
    assert_eq!(start_active.status, StatusCode::CONFLICT);
    assert_eq!(
        start_active.body,
        json!({"conflictingRequest": {"code": 409, "message":
            format!("Cannot 'start' instance {id} while it is in vm_state active")}})
    );

    let stop = env.action(&id, json!({"os-stop": null})).await;
    assert_eq!(stop.status, StatusCode::ACCEPTED);
    assert_eq!(stop.body, Value::Null);
    let stopping = env.server(&id).await;
    assert_eq!(stopping["status"], "ACTIVE");
    assert_eq!(stopping["OS-EXT-STS:task_state"], "powering-off");
    let busy = env.action(&id, json!({"reboot": {"type": "HARD"}})).await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    tokio::time::sleep(Duration::from_millis(250)).await;
    let stopped = env.server(&id).await;
    assert_eq!(stopped["status"], "SHUTOFF");
    assert_eq!(stopped["OS-EXT-STS:power_state"], 4);
    assert_eq!(stopped["OS-EXT-STS:vm_state"], "stopped");
    assert!(stopped.get("progress").is_none());

    assert_eq!(
        env.action(&id, json!({"os-stop": null})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        env.action(&id, json!({"os-start": null})).await.status,
        StatusCode::ACCEPTED
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(env.server(&id).await["status"], "ACTIVE");

    assert_eq!(
        env.action(&id, json!({"reboot": {"type": "SOFT"}}))
            .await
            .status,
        StatusCode::ACCEPTED
    );
    assert_eq!(env.server(&id).await["status"], "REBOOT");
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(env.server(&id).await["status"], "ACTIVE");

    let bad_type = env.action(&id, json!({"reboot": {"type": "GENTLE"}})).await;
    assert_eq!(bad_type.status, StatusCode::BAD_REQUEST);
    let unknown = env.action(&id, json!({"levitate": null})).await;
    assert_eq!(
        unknown.body["badRequest"]["message"],
        "There is no such action: levitate"
    );
    let missing = env.action("0000", json!({"os-stop": null})).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn failing_builds_end_in_error_with_fault() {
    let env = Env::with(
        FakeCloud::builder()
            .build_delay(Duration::ZERO)
            .fail_builds_with_prefix("bad-"),
    )
    .await;
    let bad = env.create_server("bad-1").await;
    let good = env.create_server("good-1").await;
    let server = env.server(&bad).await;
    assert_eq!(server["status"], "ERROR");
    assert_eq!(server["fault"]["code"], 500);
    assert!(
        server["fault"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("No valid host was found"))
    );
    assert!(
        server["fault"]["created"]
            .as_str()
            .is_some_and(|c| c.ends_with('Z'))
    );
    assert_eq!(env.server(&good).await["status"], "ACTIVE");

    env.fake
        .fail_server_builds("Build of instance aborted: disk full");
    let id = env.create_server("any").await;
    let server = env.server(&id).await;
    assert_eq!(server["status"], "ERROR");
    assert_eq!(
        server["fault"]["message"],
        "Build of instance aborted: disk full"
    );
    env.fake.succeed_server_builds();
    let id = env.create_server("fine").await;
    assert_eq!(env.server(&id).await["status"], "ACTIVE");
}

#[tokio::test]
async fn create_validation() {
    let env = Env::new().await;
    let image = FakeCloud::IMAGE_ID;
    let cases = [
        (
            json!({"server": {"name": "x", "flavorRef": "999", "imageRef": image}}),
            "Flavor 999 could not be found.",
        ),
        (
            json!({"server": {"flavorRef": "1", "imageRef": image}}),
            "'name' is a required property",
        ),
        (
            json!({"server": {"name": "x", "flavorRef": "1", "imageRef": "not-a-uuid"}}),
            "Invalid imageRef provided.",
        ),
        (
            json!({"server": {"name": "x", "flavorRef": "1"}}),
            "Missing imageRef attribute",
        ),
        (
            json!({"server": {"name": "x", "flavorRef": "1", "imageRef": ""}}),
            "Can not find requested image",
        ),
        (
            json!({"server": {"name": "x", "flavorRef": "1", "imageRef": image,
            "networks": [{"uuid": "nope"}]}}),
            "Network nope could not be found.",
        ),
        (
            json!({"server": {"name": "x", "flavorRef": "1", "imageRef": image, "color": "red"}}),
            "Additional properties are not allowed ('color' was unexpected)",
        ),
        (
            json!({"server": {"name": "x", "flavorRef": "1", "imageRef": image, "user_data": "%%%"}}),
            "User data needs to be valid base 64.",
        ),
    ];
    for (body, message) in cases {
        let reply = env.post("/compute/v2.1/servers", &body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.body["badRequest"]["code"], 400);
        let got = reply.body["badRequest"]["message"]
            .as_str()
            .expect("message");
        assert!(got.contains(message), "{got:?} should contain {message:?}");
    }
    let malformed = send(
        env.http
            .post(env.url("/compute/v2.1/servers"))
            .header("x-auth-token", &env.token)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        malformed.body,
        json!({"badRequest": {"code": 400, "message": "Malformed request body"}})
    );

    // From 2.37 `networks` is required, and may be "none" or "auto".
    let base = json!({"server": {"name": "x", "flavorRef": "1", "imageRef": image}});
    let reply = env.post_mv("/compute/v2.1/servers", "2.37", &base).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let mut none = base.clone();
    none["server"]["networks"] = json!("none");
    let reply = env.post_mv("/compute/v2.1/servers", "2.37", &none).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let id = reply.body["server"]["id"].as_str().expect("id");
    assert_eq!(env.server(id).await["addresses"], json!({}));
    let mut public = base.clone();
    public["server"]["networks"] =
        json!([{"uuid": env.fake.network_id("public").expect("public")}]);
    let reply = env.post("/compute/v2.1/servers", &public).await;
    let id = reply.body["server"]["id"].as_str().expect("id");
    let addr = env.server(id).await["addresses"]["public"][0]["addr"].clone();
    assert!(
        addr.as_str().is_some_and(|a| a.starts_with("172.24.4.")),
        "{addr}"
    );
    // `description` needs 2.19.
    let mut described = base.clone();
    described["server"]["description"] = json!("hello");
    assert_eq!(
        env.post("/compute/v2.1/servers", &described).await.status,
        StatusCode::BAD_REQUEST
    );
    let reply = env
        .post_mv("/compute/v2.1/servers", "2.19", &described)
        .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let id = reply.body["server"]["id"].as_str().expect("id");
    let shown = env
        .get_mv(&format!("/compute/v2.1/servers/{id}"), "2.19")
        .await;
    assert_eq!(shown.body["server"]["description"], "hello");
}

#[tokio::test]
async fn flavors() {
    let env = Env::new().await;
    let list = env.get("/compute/v2.1/flavors").await;
    let names: Vec<&str> = list.body["flavors"]
        .as_array()
        .expect("flavors")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(names, ["m1.tiny", "m1.small", "m1.nano"]);

    let detail = env.get("/compute/v2.1/flavors/detail").await;
    let tiny = &detail.body["flavors"][0];
    assert_eq!(
        (
            tiny["id"].as_str(),
            tiny["ram"].as_u64(),
            tiny["disk"].as_u64(),
            tiny["vcpus"].as_u64()
        ),
        (Some("1"), Some(512), Some(1), Some(1))
    );
    assert_eq!(tiny["swap"], "");
    assert_eq!(tiny["os-flavor-access:is_public"], true);

    let nano = env.get("/compute/v2.1/flavors/42").await;
    assert_eq!(nano.body["flavor"]["name"], "m1.nano");
    assert_eq!(nano.body["flavor"]["ram"], 128);
    let small = env.get_mv("/compute/v2.1/flavors/2", "2.75").await;
    assert_eq!(small.body["flavor"]["swap"], 0);
    assert_eq!(small.body["flavor"]["disk"], 20);
    assert_eq!(small.body["flavor"]["extra_specs"], json!({}));
    assert_eq!(small.body["flavor"]["description"], Value::Null);

    let missing = env.get("/compute/v2.1/flavors/99").await;
    assert_eq!(
        missing.body,
        json!({"itemNotFound": {"code": 404, "message": "Flavor 99 could not be found."}})
    );
    let big = env.get("/compute/v2.1/flavors?minRam=1024").await;
    assert_eq!(big.body["flavors"].as_array().map(Vec::len), Some(1));
    let paged = env.get("/compute/v2.1/flavors?limit=2").await;
    assert_eq!(
        paged.body["flavors_links"][0]["href"],
        format!("{}/compute/v2.1/flavors?limit=2&marker=2", env.fake.url())
    );
}

#[tokio::test]
async fn network_crud() {
    let env = Env::with(FakeCloud::builder().build_delay(Duration::ZERO)).await;
    let list = env.get("/network/v2.0/networks").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_request_id(&list);
    assert!(list.body.get("networks_links").is_none());
    let seeds = list.body["networks"].as_array().expect("networks");
    let public = seeds
        .iter()
        .find(|n| n["name"] == "public")
        .expect("public");
    assert_eq!(public["router:external"], true);
    let private = seeds
        .iter()
        .find(|n| n["name"] == "private")
        .expect("private");
    assert_eq!(private["router:external"], false);

    let created = env
        .post(
            "/network/v2.0/networks",
            &json!({"network": {"name": "net1", "admin_state_up": true, "mtu": 1400}}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let net = &created.body["network"];
    let id = net["id"].as_str().expect("id").to_string();
    for field in [
        "admin_state_up",
        "availability_zone_hints",
        "availability_zones",
        "created_at",
        "dns_domain",
        "id",
        "ipv4_address_scope",
        "ipv6_address_scope",
        "l2_adjacency",
        "mtu",
        "name",
        "port_security_enabled",
        "project_id",
        "tenant_id",
        "qos_policy_id",
        "revision_number",
        "router:external",
        "shared",
        "status",
        "subnets",
        "tags",
        "updated_at",
        "is_default",
        "description",
        "provider:network_type",
        "provider:physical_network",
        "provider:segmentation_id",
    ] {
        assert!(net.get(field).is_some(), "missing {field}");
    }
    assert_eq!(net["name"], "net1");
    assert_eq!(net["mtu"], 1400);
    assert_eq!(net["status"], "ACTIVE");
    assert_eq!(net["project_id"], env.fake.project_id());
    assert_eq!(net["tenant_id"], env.fake.project_id());
    assert_eq!(net["revision_number"], 1);
    assert_eq!(net["availability_zones"], json!(["nova"]));
    let created_at = net["created_at"].as_str().expect("created_at");
    assert_eq!(created_at.len(), 20);
    assert!(created_at.ends_with('Z'));

    let shown = env.get(&format!("/network/v2.0/networks/{id}")).await;
    assert_eq!(shown.body["network"], *net);
    let fields = env
        .get(&format!(
            "/network/v2.0/networks/{id}?fields=id&fields=name"
        ))
        .await;
    assert_eq!(fields.body, json!({"network": {"id": id, "name": "net1"}}));

    let updated = send(
        env.http
            .put(env.url(&format!("/network/v2.0/networks/{id}")))
            .header("x-auth-token", &env.token)
            .json(&json!({"network": {"name": "net1-renamed"}})),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK);
    assert_eq!(updated.body["network"]["name"], "net1-renamed");
    assert_eq!(updated.body["network"]["revision_number"], 2);

    let other = env
        .post(
            "/network/v2.0/networks",
            &json!({"network": {"name": "theirs", "tenant_id": "0123456789abcdef0123456789abcdef"}}),
        )
        .await;
    assert_eq!(
        other.body["network"]["project_id"],
        "0123456789abcdef0123456789abcdef"
    );
    for filter in ["tenant_id", "project_id"] {
        let theirs = env
            .get(&format!(
                "/network/v2.0/networks?{filter}=0123456789abcdef0123456789abcdef"
            ))
            .await;
        let names: Vec<&str> = theirs.body["networks"]
            .as_array()
            .expect("networks")
            .iter()
            .filter_map(|n| n["name"].as_str())
            .collect();
        assert_eq!(names, ["theirs"]);
    }
    let external = env.get("/network/v2.0/networks?router:external=true").await;
    assert_eq!(external.body["networks"].as_array().map(Vec::len), Some(1));
    assert_eq!(external.body["networks"][0]["name"], "public");
    let by_name = env
        .get("/network/v2.0/networks?name=private&fields=name")
        .await;
    assert_eq!(by_name.body, json!({"networks": [{"name": "private"}]}));
    let unknown = env.get("/network/v2.0/networks?colour=red").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        unknown.body,
        json!({"NeutronError": {"type": "HTTPBadRequest",
            "message": "[colour] is invalid attribute for filtering", "detail": ""}})
    );

    assert_eq!(
        env.delete(&format!("/network/v2.0/networks/{id}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let gone = env.get(&format!("/network/v2.0/networks/{id}")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        gone.body,
        json!({"NeutronError": {"type": "NetworkNotFound",
            "message": format!("Network {id} could not be found."), "detail": ""}})
    );

    // A network with a server on it cannot go.
    env.create_server("uses-private").await;
    let private_id = env.fake.network_id("private").expect("private");
    let in_use = env
        .delete(&format!("/network/v2.0/networks/{private_id}"))
        .await;
    assert_eq!(in_use.status, StatusCode::CONFLICT);
    assert_eq!(in_use.body["NeutronError"]["type"], "NetworkInUse");

    let malformed = send(
        env.http
            .post(env.url("/network/v2.0/networks"))
            .header("x-auth-token", &env.token)
            .body("[[["),
    )
    .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.body["NeutronError"]["type"], "HTTPBadRequest");
    let bad_attr = env
        .post(
            "/network/v2.0/networks",
            &json!({"network": {"name": "x", "admin_state_up": "maybe"}}),
        )
        .await;
    assert_eq!(bad_attr.status, StatusCode::BAD_REQUEST);
    let read_only = env
        .post("/network/v2.0/networks", &json!({"network": {"id": "x"}}))
        .await;
    assert_eq!(
        read_only.body["NeutronError"]["message"],
        "Attribute 'id' not allowed in POST"
    );
}

#[tokio::test]
async fn network_paging() {
    let env = Env::with(FakeCloud::builder().seed_networks(false)).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let reply = env
            .post(
                "/network/v2.0/networks",
                &json!({"network": {"name": format!("n{i}")}}),
            )
            .await;
        ids.push(
            reply.body["network"]["id"]
                .as_str()
                .expect("id")
                .to_string(),
        );
    }
    ids.sort();

    let base = format!("{}/network/v2.0/networks", env.fake.url());
    let mut url = format!("{base}?limit=2");
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let page = env.get_url(&url).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let nets = page.body["networks"].as_array().expect("networks");
        sizes.push(nets.len());
        seen.extend(
            nets.iter()
                .filter_map(|n| n["id"].as_str().map(str::to_string)),
        );
        let links = page.body["networks_links"].as_array().expect("links");
        let previous = links
            .iter()
            .find(|l| l["rel"] == "previous")
            .expect("previous link");
        let first = nets.first().and_then(|n| n["id"].as_str()).expect("first");
        assert_eq!(
            previous["href"],
            format!("{base}?limit=2&marker={first}&page_reverse=True")
        );
        match links.iter().find(|l| l["rel"] == "next") {
            Some(next) => {
                let last = nets.last().and_then(|n| n["id"].as_str()).expect("last");
                assert_eq!(next["href"], format!("{base}?limit=2&marker={last}"));
                url = next["href"].as_str().expect("href").to_string();
            }
            None => break,
        }
        assert!(sizes.len() < 10, "paging does not end");
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(seen, ids);

    // Going back from the last page.
    let back = env
        .get(&format!(
            "/network/v2.0/networks?limit=2&marker={}&page_reverse=True",
            ids[4]
        ))
        .await;
    let back_ids: Vec<&str> = back.body["networks"]
        .as_array()
        .expect("networks")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert_eq!(back_ids, [ids[2].as_str(), ids[3].as_str()]);

    let missing = env.get("/network/v2.0/networks?limit=2&marker=nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["NeutronError"]["type"], "NetworkNotFound");
    let sorted = env
        .get("/network/v2.0/networks?sort_key=name&sort_dir=desc&fields=name")
        .await;
    assert_eq!(
        sorted.body["networks"],
        json!([{"name": "n4"}, {"name": "n3"}, {"name": "n2"}, {"name": "n1"}, {"name": "n0"}])
    );
}

#[tokio::test]
async fn fault_injection() {
    let env = Env::new().await;
    env.fake.fail_next(2, 503);
    for _ in 0..2 {
        let reply = env.get("/compute/v2.1/servers").await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(reply.body["serviceUnavailable"]["code"], 503);
        assert_request_id(&reply);
    }
    assert_eq!(
        env.get("/compute/v2.1/servers").await.status,
        StatusCode::OK
    );

    env.fake.inject_fault(
        InjectedFault::new(429)
            .path_prefix("/network/")
            .retry_after(Duration::from_secs(2)),
    );
    assert_eq!(
        env.get("/compute/v2.1/servers").await.status,
        StatusCode::OK
    );
    let limited = env.get("/network/v2.0/networks").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("retry-after"), Some("2"));
    assert_eq!(limited.body["NeutronError"]["type"], "HTTPTooManyRequests");
    assert_eq!(
        env.get("/network/v2.0/networks").await.status,
        StatusCode::OK
    );

    env.fake.fail_next(1, 500);
    let keystone = issue_token(&env.http, &env.fake).await;
    assert_eq!(keystone.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(keystone.body["error"]["code"], 500);
    assert_eq!(env.fake.token_requests(), 2);
}

#[tokio::test]
async fn dropping_stops_the_server() {
    let fake = FakeCloud::start().await.expect("starts");
    let url = format!("{}/compute/", fake.url());
    let http = reqwest::Client::new();
    assert_eq!(send(http.get(&url)).await.status, StatusCode::OK);
    drop(fake);
    tokio::task::yield_now().await;
    let fresh = reqwest::Client::new();
    assert!(fresh.get(&url).send().await.is_err());
}
