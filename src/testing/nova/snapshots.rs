//! Images Nova makes of a server in the fake Glance: `createImage` and `createBackup`
//! snapshots and the image of a shelved server, uploaded (`queued` → `saving` → `active`) on
//! the action's clock.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::flavors;
use super::model::Pending;
use crate::testing::glance::images::{Image, Upload};
use crate::testing::ids;
use crate::testing::server::Ctx;
use crate::testing::state::State;

/// What to snapshot and how to label the image.
pub(crate) struct Snapshot<'a> {
    pub(crate) server_id: &'a str,
    /// The image the server was booted from (its properties are inherited).
    pub(crate) base_id: Option<&'a str>,
    pub(crate) flavor_id: &'a str,
    pub(crate) name: String,
    /// Properties asked for (`metadata` of the action).
    pub(crate) metadata: &'a BTreeMap<String, String>,
    /// `image_type`: `snapshot` or `backup`.
    pub(crate) image_type: &'static str,
    /// More properties (`backup_type`, …).
    pub(crate) extra: &'a [(&'static str, String)],
    /// The server's pending task: the upload is `saving` from its `image_uploading` stage and
    /// `active` when it is done.
    pub(crate) upload: &'a Pending,
}

/// Adds the snapshot image to the fake Glance (private, owned by the caller's project) and
/// returns its id.
pub(crate) fn push(ctx: &Ctx<'_>, state: &mut State, snap: Snapshot<'_>) -> String {
    let shared = ctx.shared;
    let base = snap
        .base_id
        .and_then(|b| state.images.iter().find(|i| i.id == b).cloned());
    let image_id = ids::uuid4();
    let now = chrono::Utc::now();
    let mut properties: Map<String, Value> = base
        .as_ref()
        .map(|b| b.properties.clone())
        .unwrap_or_default();
    for (k, v) in snap.metadata {
        properties.insert(k.clone(), json!(v));
    }
    let admin = ctx.is_admin();
    let roles: Vec<&str> = shared
        .identity
        .roles
        .iter()
        .map(|(_, r)| *r)
        .filter(|r| admin || *r != "admin")
        .collect();
    let user_name = state
        .users
        .iter()
        .find(|u| u.id == ctx.user_id())
        .map(|u| u.name.clone())
        .unwrap_or_default();
    let project_name = state
        .projects
        .iter()
        .find(|p| p.id == ctx.project_id())
        .map(|p| p.name.clone())
        .unwrap_or_default();
    for (k, v) in [
        ("image_type", snap.image_type.to_string()),
        ("instance_uuid", snap.server_id.to_string()),
        ("user_id", ctx.user_id().to_string()),
        ("owner_user_name", user_name),
        ("owner_project_name", project_name),
        ("boot_roles", roles.join(",")),
    ] {
        properties.insert(k.into(), json!(v));
    }
    for (k, v) in snap.extra {
        properties.insert((*k).into(), json!(v));
    }
    if let Some(b) = snap.base_id {
        properties.insert("base_image_ref".into(), json!(b));
    }
    let flavor_disk = flavors::find(state, snap.flavor_id).map_or(0, |f| f.disk);
    let size = base.as_ref().and_then(|b| b.size).unwrap_or(21_430_272);
    let pending = snap.upload;
    state.images.push(Image {
        id: image_id.clone(),
        name: Some(snap.name),
        status: "queued",
        visibility: "private",
        protected: false,
        os_hidden: false,
        owner: ctx.project_id().to_string(),
        checksum: None,
        os_hash_value: None,
        size: None,
        virtual_size: None,
        min_ram: base.as_ref().map_or(0, |b| b.min_ram),
        min_disk: base.as_ref().map_or(0, |b| b.min_disk).max(flavor_disk),
        disk_format: Some(
            base.as_ref()
                .and_then(|b| b.disk_format.clone())
                .unwrap_or_else(|| "qcow2".into()),
        ),
        container_format: Some("bare".into()),
        tags: Vec::new(),
        created_at: now,
        updated_at: now,
        properties,
        upload: Some(Upload {
            saving_at: pending
                .stage_start("image_uploading")
                .or_else(|| pending.stage_start("shelving_image_uploading"))
                .unwrap_or(pending.at),
            active_at: pending.at,
            active_wall: pending.at_wall,
            size,
        }),
    });
    image_id
}
