//! `/v2/images`: the seeded images and server snapshots; list (filters, sorting, paging with
//! Glance's `next` link), show, delete.

use std::cmp::Ordering;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::error;
use crate::testing::http::{Resp, encode_query};
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// Glance's `limit_param_default`: the page size when a request gives no `limit`.
const LIMIT_DEFAULT: usize = 25;
/// Glance's `api_limit_max`: the largest page served.
const LIMIT_MAX: usize = 1000;
/// The keys `sort_key` / `sort` accept, in Glance's order (its error message lists them so).
const SORT_KEYS: [&str; 8] = [
    "name",
    "status",
    "container_format",
    "disk_format",
    "size",
    "id",
    "created_at",
    "updated_at",
];

/// An upload in progress (a server snapshot): `queued` until `saving_at`, `saving` until
/// `active_at`, then `active` with its size and checksums.
#[derive(Clone, Debug)]
pub(crate) struct Upload {
    pub(crate) saving_at: Instant,
    pub(crate) active_at: Instant,
    pub(crate) active_wall: DateTime<Utc>,
    pub(crate) size: u64,
}

/// An image.
#[derive(Clone, Debug)]
pub(crate) struct Image {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) status: &'static str,
    pub(crate) visibility: &'static str,
    pub(crate) protected: bool,
    pub(crate) os_hidden: bool,
    pub(crate) owner: String,
    pub(crate) checksum: Option<String>,
    pub(crate) os_hash_value: Option<String>,
    pub(crate) size: Option<u64>,
    pub(crate) virtual_size: Option<u64>,
    /// MiB.
    pub(crate) min_ram: u64,
    /// GiB.
    pub(crate) min_disk: u64,
    pub(crate) disk_format: Option<String>,
    pub(crate) container_format: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// Extra properties (`os_distro`, `hw_disk_bus`, a snapshot's `instance_uuid`, …), all
    /// strings, shown as top-level keys.
    pub(crate) properties: Map<String, Value>,
    pub(crate) upload: Option<Upload>,
}

/// The seeded images' ids, fixed so tests and examples can name them.
pub(crate) const CIRROS_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";
const UBUNTU_ID: &str = "1bea47ed-f6a9-463b-b423-14b9cca9ad27";
const UBUNTU_OLD_ID: &str = "5d3f1c2a-9b1e-4f0a-8c55-3b7e2f4d9a10";
const DEBIAN_ID: &str = "c2b5a9e4-7d1f-4e8b-9a3c-6f0e1d2b4a58";
const CIRROS_OLD_ID: &str = "9e4c7b1a-2f3d-4c5e-8a6b-0d1f2e3c4b5a";
const QUEUED_ID: &str = "4a6b8c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d";

impl Image {
    fn seed(id: &str, name: &str, owner: &str, age_hours: i64, now: DateTime<Utc>) -> Image {
        Image::new(id, name, owner, now - Duration::hours(age_hours))
    }

    /// An active public `qcow2`/`bare` image without size, created at `created`.
    pub(crate) fn new(id: &str, name: &str, owner: &str, created: DateTime<Utc>) -> Image {
        Image {
            id: id.into(),
            name: Some(name.into()),
            status: "active",
            visibility: "public",
            protected: false,
            os_hidden: false,
            owner: owner.into(),
            checksum: Some(ids::hex_string(32)),
            os_hash_value: Some(ids::hex_string(128)),
            size: None,
            virtual_size: None,
            min_ram: 0,
            min_disk: 0,
            disk_format: Some("qcow2".into()),
            container_format: Some("bare".into()),
            tags: Vec::new(),
            created_at: created,
            updated_at: created,
            properties: Map::new(),
            upload: None,
        }
    }

    /// Six images, oldest first, as an operator's cloud might hold them: public Ubuntu 24.04
    /// (tags `lts`, `ubuntu`; min 4 GiB disk, 512 MiB RAM), a hidden Ubuntu 22.04, a private
    /// Debian 12 of the project, a community CirrOS 0.5.2 of another project (listed only with
    /// `visibility=community`), the public CirrOS 0.6.2 servers boot from
    /// ([`CIRROS_ID`], tag `base`; the newest active image) and a `queued` upload without data.
    pub(crate) fn seeds(project_id: &str) -> Vec<Image> {
        let now = Utc::now();
        let props = |pairs: &[(&str, &str)]| -> Map<String, Value> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), json!(v)))
                .collect()
        };

        let mut ubuntu = Image::seed(
            UBUNTU_ID,
            "ubuntu-24.04-server-cloudimg-amd64",
            project_id,
            96,
            now,
        );
        ubuntu.size = Some(602_931_200);
        ubuntu.virtual_size = Some(3_758_096_384);
        ubuntu.min_disk = 4;
        ubuntu.min_ram = 512;
        ubuntu.tags = vec!["lts".into(), "ubuntu".into()];
        ubuntu.properties = props(&[
            ("os_distro", "ubuntu"),
            ("os_version", "24.04"),
            ("hw_disk_bus", "virtio"),
            ("hw_vif_model", "virtio"),
        ]);

        let mut ubuntu_old = Image::seed(
            UBUNTU_OLD_ID,
            "ubuntu-22.04-server-cloudimg-amd64",
            project_id,
            90,
            now,
        );
        ubuntu_old.os_hidden = true;
        ubuntu_old.size = Some(660_865_024);
        ubuntu_old.virtual_size = Some(2_361_393_152);
        ubuntu_old.min_disk = 3;
        ubuntu_old.min_ram = 512;
        ubuntu_old.tags = vec!["lts".into(), "ubuntu".into()];
        ubuntu_old.properties = props(&[("os_distro", "ubuntu"), ("os_version", "22.04")]);

        let mut debian = Image::seed(
            DEBIAN_ID,
            "debian-12-genericcloud-amd64",
            project_id,
            72,
            now,
        );
        debian.visibility = "private";
        debian.size = Some(343_802_880);
        debian.virtual_size = Some(2_147_483_648);
        debian.min_disk = 2;
        debian.min_ram = 256;
        debian.properties = props(&[("os_distro", "debian"), ("os_version", "12")]);

        let mut cirros_old = Image::seed(
            CIRROS_OLD_ID,
            "cirros-0.5.2-x86_64-disk",
            &ids::hex_id(),
            48,
            now,
        );
        cirros_old.visibility = "community";
        cirros_old.size = Some(16_300_544);
        cirros_old.virtual_size = Some(117_440_512);
        cirros_old.tags = vec!["cirros".into()];
        cirros_old.properties = props(&[("os_distro", "cirros")]);

        let mut cirros = Image::seed(CIRROS_ID, "cirros-0.6.2-x86_64-disk", project_id, 24, now);
        cirros.size = Some(21_430_272);
        cirros.virtual_size = Some(117_440_512);
        cirros.tags = vec!["base".into(), "cirros".into()];
        cirros.properties = props(&[("os_distro", "cirros"), ("os_type", "linux")]);

        let mut queued = Image::seed(QUEUED_ID, "my-upload", project_id, 1, now);
        queued.status = "queued";
        queued.visibility = "private";
        queued.checksum = None;
        queued.os_hash_value = None;
        queued.disk_format = Some("raw".into());

        vec![ubuntu, ubuntu_old, debian, cirros_old, cirros, queued]
    }

    /// Advances a snapshot's upload by the clock: `queued` → `saving` → `active`.
    pub(crate) fn settle(&mut self, now: Instant) {
        let Some(up) = &self.upload else {
            return;
        };
        if now >= up.active_at {
            self.status = "active";
            self.size = Some(up.size);
            self.virtual_size = Some(up.size);
            self.checksum = Some(ids::hex_string(32));
            self.os_hash_value = Some(ids::hex_string(128));
            self.updated_at = up.active_wall;
            self.upload = None;
        } else if now >= up.saving_at && self.status == "queued" {
            self.status = "saving";
        }
    }

    /// The API body (`GET /v2/images/{id}`, one item of the list).
    pub(crate) fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("name".into(), json!(self.name));
        m.insert("status".into(), json!(self.status));
        m.insert("visibility".into(), json!(self.visibility));
        m.insert("protected".into(), json!(self.protected));
        m.insert("os_hidden".into(), json!(self.os_hidden));
        m.insert("owner".into(), json!(self.owner));
        m.insert("checksum".into(), json!(self.checksum));
        m.insert(
            "os_hash_algo".into(),
            json!(self.os_hash_value.as_ref().map(|_| "sha512")),
        );
        m.insert("os_hash_value".into(), json!(self.os_hash_value));
        m.insert("size".into(), json!(self.size));
        m.insert("virtual_size".into(), json!(self.virtual_size));
        m.insert("min_ram".into(), json!(self.min_ram));
        m.insert("min_disk".into(), json!(self.min_disk));
        m.insert("disk_format".into(), json!(self.disk_format));
        m.insert("container_format".into(), json!(self.container_format));
        m.insert("tags".into(), json!(self.tags));
        m.insert("created_at".into(), json!(ids::seconds_z(self.created_at)));
        m.insert("updated_at".into(), json!(ids::seconds_z(self.updated_at)));
        m.insert("self".into(), json!(format!("/v2/images/{}", self.id)));
        m.insert("file".into(), json!(format!("/v2/images/{}/file", self.id)));
        m.insert("schema".into(), json!("/v2/schemas/image"));
        for (k, v) in &self.properties {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(m)
    }

    /// The value an attribute sorts by.
    fn sort_value(&self, key: &str) -> SortValue {
        match key {
            "name" => SortValue::Text(self.name.clone()),
            "status" => SortValue::Text(Some(self.status.into())),
            "container_format" => SortValue::Text(self.container_format.clone()),
            "disk_format" => SortValue::Text(self.disk_format.clone()),
            "size" => SortValue::Number(self.size),
            "id" => SortValue::Text(Some(self.id.clone())),
            "updated_at" => SortValue::Time(self.updated_at),
            _ => SortValue::Time(self.created_at),
        }
    }
}

/// A sortable attribute value; `NULL` sorts first, as in MySQL.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Text(Option<String>),
    Number(Option<u64>),
    Time(DateTime<Utc>),
}

/// Settles every snapshot upload.
pub(crate) fn settle_all(state: &mut State) {
    let now = Instant::now();
    for image in &mut state.images {
        image.settle(now);
    }
}

/// `No image found with ID x` (404).
pub(crate) fn not_found(id: &str) -> Resp {
    error(404, &format!("No image found with ID {id}"))
}

fn bad_request(message: &str) -> Resp {
    error(400, message)
}

/// A filter on one of the columns Glance matches with `eq:` / `in:` operators.
fn column_filter(raw: &str) -> Result<Vec<String>, Resp> {
    let Some((op, rest)) = raw.split_once(':') else {
        return Ok(vec![raw.to_string()]);
    };
    match op {
        "eq" => Ok(vec![rest.to_string()]),
        "in" => Ok(rest.split(',').map(|s| s.trim().to_string()).collect()),
        // An ISO 8601 value has colons of its own and no operator.
        _ if ids::parse_time(raw).is_some() => Ok(vec![raw.to_string()]),
        other => Err(bad_request(&format!(
            "Unable to filter by unknown operator '{other}'."
        ))),
    }
}

fn bool_filter(name: &str, raw: &str) -> Result<bool, Resp> {
    match raw.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad_request(&format!(
            "Invalid value '{raw}' for '{name}' filter. Valid values are 'true' or 'false'."
        ))),
    }
}

/// What a list request asks for, validated as Glance's request deserializer does.
struct Query {
    limit: usize,
    marker: Option<String>,
    sort: Vec<(String, bool)>,
    visibility: Option<String>,
    os_hidden: bool,
    protected: Option<bool>,
    tags: Vec<String>,
    columns: Vec<(String, Vec<String>)>,
    size_min: Option<u64>,
    size_max: Option<u64>,
    owner: Option<String>,
    properties: Vec<(String, String)>,
}

fn parse_query(pairs: &[(String, String)]) -> Result<Query, Resp> {
    let first = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let all = |key: &str| {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .collect::<Vec<_>>()
    };
    let limit = match first("limit") {
        None => LIMIT_DEFAULT,
        Some(raw) => match raw.trim().parse::<i64>() {
            Ok(n) if n < 0 => return Err(bad_request("limit param must be positive")),
            Ok(n) => usize::try_from(n).unwrap_or(LIMIT_MAX).min(LIMIT_MAX),
            Err(_) => return Err(bad_request("limit param must be an integer")),
        },
    };
    if let Some(status) = first("member_status") {
        if !matches!(status, "pending" | "accepted" | "rejected" | "all") {
            return Err(bad_request(&format!("Invalid status: {status}")));
        }
    }
    let check_key = |key: &str| {
        if SORT_KEYS.contains(&key) {
            Ok(key.to_string())
        } else {
            Err(bad_request(&format!(
                "Invalid sort key: {key}. It must be one of the following: {}.",
                SORT_KEYS.join(", ")
            )))
        }
    };
    let check_dir = |dir: &str| match dir {
        "asc" => Ok(true),
        "desc" => Ok(false),
        other => Err(bad_request(&format!("Invalid sort direction: {other}"))),
    };
    let mut sort = Vec::new();
    if let Some(new) = first("sort") {
        if first("sort_key").is_some() || first("sort_dir").is_some() {
            return Err(bad_request("Old and new sorting syntax cannot be combined"));
        }
        for part in new.trim().split(',') {
            let (key, dir) = part.split_once(':').unwrap_or((part, "desc"));
            sort.push((check_key(key.trim())?, check_dir(dir.trim())?));
        }
    } else {
        let keys = all("sort_key");
        let dirs = all("sort_dir");
        let keys: Vec<String> = keys
            .iter()
            .map(|k| check_key(k))
            .collect::<Result<_, _>>()?;
        let dirs: Vec<bool> = dirs
            .iter()
            .map(|d| check_dir(d))
            .collect::<Result<_, _>>()?;
        if dirs.len() > 1 && dirs.len() != keys.len() {
            return Err(bad_request(
                "Number of sort dirs does not match the number of sort keys",
            ));
        }
        let keys = if keys.is_empty() {
            vec!["created_at".to_string()]
        } else {
            keys
        };
        for (i, key) in keys.into_iter().enumerate() {
            let asc = dirs.get(i).or(dirs.first()).copied().unwrap_or(false);
            sort.push((key, asc));
        }
    }
    // Glance appends `created_at` and `id` (in the first direction) for a stable order.
    let default_asc = sort.first().is_some_and(|(_, asc)| *asc);
    for key in ["created_at", "id"] {
        if !sort.iter().any(|(k, _)| k == key) {
            sort.push((key.to_string(), default_asc));
        }
    }

    let visibility = first("visibility").map(str::to_string);
    if let Some(v) = &visibility {
        if !matches!(
            v.as_str(),
            "community" | "public" | "private" | "shared" | "all"
        ) {
            return Err(bad_request(&format!("Invalid visibility value: {v}")));
        }
    }
    if first("changes-since").is_some() {
        return Err(bad_request(
            "The \"changes-since\" filter is no longer available on v2.",
        ));
    }
    let os_hidden = match first("os_hidden") {
        None => false,
        Some(raw) => bool_filter("os_hidden", raw)?,
    };
    let protected = first("protected")
        .map(|raw| bool_filter("protected", raw))
        .transpose()?;
    let range = |key: &str| -> Result<Option<u64>, Resp> {
        first(key)
            .map(|raw| {
                raw.trim().parse::<u64>().map_err(|_| {
                    bad_request("Unable to filter on a range with a non-numeric value.")
                })
            })
            .transpose()
    };
    let size_min = range("size_min")?;
    let size_max = range("size_max")?;

    let mut columns = Vec::new();
    for key in ["name", "id", "status", "container_format", "disk_format"] {
        if let Some(raw) = first(key) {
            columns.push((key.to_string(), column_filter(raw)?));
        }
    }
    let known = [
        "limit",
        "marker",
        "member_status",
        "sort",
        "sort_key",
        "sort_dir",
        "visibility",
        "os_hidden",
        "protected",
        "tag",
        "size_min",
        "size_max",
        "name",
        "id",
        "status",
        "container_format",
        "disk_format",
        "owner",
    ];
    let mut properties = Vec::new();
    for (k, v) in pairs {
        if !known.contains(&k.as_str())
            && !properties.iter().any(|(p, _): &(String, String)| p == k)
        {
            properties.push((k.clone(), v.clone()));
        }
    }
    Ok(Query {
        limit,
        marker: first("marker").map(str::to_string),
        sort,
        visibility,
        os_hidden,
        protected,
        tags: all("tag"),
        columns,
        size_min,
        size_max,
        owner: first("owner").map(str::to_string),
        properties,
    })
}

fn column(image: &Image, key: &str) -> Option<String> {
    match key {
        "name" => image.name.clone(),
        "id" => Some(image.id.clone()),
        "status" => Some(image.status.into()),
        "container_format" => image.container_format.clone(),
        "disk_format" => image.disk_format.clone(),
        _ => None,
    }
}

/// Whether `ctx`'s caller may see `image`: Glance shows public and community images to
/// everyone, the rest to their owner and to admins (the fake has no image members, so `shared`
/// images of other projects are not seen).
pub(crate) fn seen_by(image: &Image, ctx: &Ctx<'_>) -> bool {
    matches!(image.visibility, "public" | "community") || ctx.may_see(&image.owner)
}

fn matches(image: &Image, q: &Query, project_id: &str) -> bool {
    let visible = match q.visibility.as_deref() {
        Some("all") => true,
        Some(v) => image.visibility == v,
        // Community images are listed without a visibility filter only for their owner.
        None => image.visibility != "community" || image.owner == project_id,
    };
    visible
        && image.status != "killed"
        && image.os_hidden == q.os_hidden
        && q.protected.is_none_or(|p| image.protected == p)
        && q.owner.as_deref().is_none_or(|o| image.owner == o)
        && q.size_min
            .is_none_or(|m| image.size.is_some_and(|s| s >= m))
        && q.size_max
            .is_none_or(|m| image.size.is_some_and(|s| s <= m))
        && q.tags.iter().all(|t| image.tags.contains(t))
        && q.columns
            .iter()
            .all(|(key, values)| column(image, key).is_some_and(|v| values.contains(&v)))
        && q.properties
            .iter()
            .all(|(k, v)| image.properties.get(k).and_then(Value::as_str) == Some(v.as_str()))
}

fn compare(a: &Image, b: &Image, sort: &[(String, bool)]) -> Ordering {
    for (key, asc) in sort {
        let ord = a.sort_value(key).cmp(&b.sort_value(key));
        let ord = if *asc { ord } else { ord.reverse() };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// `GET /v2/images`: `name`, `id`, `status`, `container_format`, `disk_format` (with `in:`),
/// `visibility`, `os_hidden`, `protected`, `owner`, `tag` (repeated: all of them),
/// `size_min`/`size_max`, any other key as an image property; `sort_key`/`sort_dir` or `sort`;
/// `limit` (default 25, at most 1000) and `marker`, with `next` while a page is full.
pub(crate) fn list(ctx: &Ctx<'_>) -> Resp {
    let q = match parse_query(&ctx.req.query) {
        Ok(q) => q,
        Err(resp) => return resp,
    };
    let project_id = ctx.project_id();
    let mut state = ctx.shared.lock();
    settle_all(&mut state);
    let marker = match &q.marker {
        None => None,
        Some(m) => match state.images.iter().find(|i| &i.id == m) {
            Some(image) => Some(image.clone()),
            None => return bad_request(&format!("No image found with ID {m}")),
        },
    };
    let mut found: Vec<&Image> = state
        .images
        .iter()
        .filter(|i| seen_by(i, ctx) && matches(i, &q, project_id))
        .collect();
    found.sort_by(|a, b| compare(a, b, &q.sort));
    let page: Vec<&Image> = found
        .into_iter()
        .filter(|i| {
            marker
                .as_ref()
                .is_none_or(|m| compare(i, m, &q.sort) == Ordering::Greater)
        })
        .take(q.limit)
        .collect();

    // Glance echoes the request's parameters (one value per key, the last one given) in
    // `first` and `next`.
    let mut params: Vec<(&str, &str)> = Vec::new();
    for (k, v) in &ctx.req.query {
        if k == "marker" {
            continue;
        }
        match params.iter_mut().find(|(pk, _)| pk == k) {
            Some(entry) => entry.1 = v,
            None => params.push((k, v)),
        }
    }
    let mut body = Map::new();
    body.insert(
        "images".into(),
        Value::Array(page.iter().map(|i| i.to_json()).collect()),
    );
    let first = if params.is_empty() {
        "/v2/images".to_string()
    } else {
        format!("/v2/images?{}", encode_query(params.iter().copied()))
    };
    body.insert("first".into(), json!(first));
    body.insert("schema".into(), json!("/v2/schemas/images"));
    if let Some(last) = page.last().filter(|_| page.len() == q.limit && q.limit > 0) {
        let mut next = params.clone();
        next.push(("marker", &last.id));
        body.insert(
            "next".into(),
            json!(format!("/v2/images?{}", encode_query(next))),
        );
    }
    Resp::json(200, &Value::Object(body))
}

/// `GET /v2/images/{id}`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    settle_all(&mut state);
    match state.images.iter().find(|i| i.id == id && seen_by(i, ctx)) {
        Some(image) => Resp::json(200, &image.to_json()),
        None => not_found(id),
    }
}

/// `DELETE /v2/images/{id}`: 204; 403 for a protected image.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Resp {
    let mut state = ctx.shared.lock();
    let Some(pos) = state
        .images
        .iter()
        .position(|i| i.id == id && seen_by(i, ctx))
    else {
        return not_found(id);
    };
    if !ctx.may_see(&state.images[pos].owner) {
        return error(403, "You are not permitted to delete this image.");
    }
    if state.images[pos].protected {
        return error(
            403,
            &format!("Image {id} is protected and cannot be deleted."),
        );
    }
    state.images.remove(pos);
    Resp::empty(204)
}
