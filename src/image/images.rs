//! Images: `GET /v2/images` (paged through Glance's `next` link), `GET /v2/images/{id}`.
//!
//! Glance answers one image unwrapped (the object itself, not `{"image": {...}}`), pages with a
//! `next` URL string instead of a `*_links` list, and adds any image property the owner set
//! (`hw_disk_bus`, `os_distro`, …) as a top-level key: those land in [`Image::properties`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::pagination::List;
use crate::request::ServiceType;
use crate::resource::{Api, Resource};
use crate::timestamp;

/// An image's `status`; statuses this crate does not know are kept in [`ImageStatus::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ImageStatus {
    /// `queued`: the record exists, no data yet.
    Queued,
    /// `saving`: data is being uploaded.
    Saving,
    /// `uploading`: staged upload in progress (interoperable import).
    Uploading,
    /// `importing`: an import task is running.
    Importing,
    /// `active`: usable.
    Active,
    /// `deactivated`: data not readable by non-admins.
    Deactivated,
    /// `killed`: the upload failed.
    Killed,
    /// `deleted`.
    Deleted,
    /// `pending_delete`: deleted, data kept for a while.
    PendingDelete,
    /// A status this crate does not know, verbatim.
    #[serde(untagged)]
    Other(String),
}

impl ImageStatus {
    /// The status as the API writes it, e.g. `active`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Queued => "queued",
            Self::Saving => "saving",
            Self::Uploading => "uploading",
            Self::Importing => "importing",
            Self::Active => "active",
            Self::Deactivated => "deactivated",
            Self::Killed => "killed",
            Self::Deleted => "deleted",
            Self::PendingDelete => "pending_delete",
            Self::Other(s) => s,
        }
    }
}

impl fmt::Display for ImageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An image's `visibility`; unknown values are kept in [`ImageVisibility::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ImageVisibility {
    /// Every project sees it.
    Public,
    /// Only the owner.
    Private,
    /// The owner and the projects it was shared with (members).
    Shared,
    /// Every project may use it; it is listed only on request (`visibility=community`).
    Community,
    /// A visibility this crate does not know, verbatim.
    #[serde(untagged)]
    Other(String),
}

impl ImageVisibility {
    /// The visibility as the API writes it, e.g. `public`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Public => "public",
            Self::Private => "private",
            Self::Shared => "shared",
            Self::Community => "community",
            Self::Other(s) => s,
        }
    }
}

/// An image, as `GET /v2/images/{id}` answers it. Sizes: `size`/`virtual_size` in bytes, `min_ram`
/// in MiB, `min_disk` in GiB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Image {
    /// ID (UUID).
    pub id: String,
    /// Name; Glance allows none (`null`).
    #[serde(default)]
    pub name: Option<String>,
    /// Status.
    pub status: ImageStatus,
    /// Visibility (absent from very old clouds).
    #[serde(default)]
    pub visibility: Option<ImageVisibility>,
    /// Protected images cannot be deleted.
    #[serde(default)]
    pub protected: bool,
    /// Hidden from the default list (`os_hidden`, Rocky+).
    #[serde(default)]
    pub os_hidden: bool,
    /// Owning project.
    #[serde(default)]
    pub owner: Option<String>,
    /// MD5 of the data (`null` before upload).
    #[serde(default)]
    pub checksum: Option<String>,
    /// Multihash algorithm, e.g. `sha512`.
    #[serde(default)]
    pub os_hash_algo: Option<String>,
    /// Multihash value.
    #[serde(default)]
    pub os_hash_value: Option<String>,
    /// Data size in bytes (`null` before upload).
    #[serde(default)]
    pub size: Option<u64>,
    /// Virtual disk size in bytes, when known.
    #[serde(default)]
    pub virtual_size: Option<u64>,
    /// Minimum RAM to boot, MiB.
    #[serde(default)]
    pub min_ram: u64,
    /// Minimum disk to boot, GiB.
    #[serde(default)]
    pub min_disk: u64,
    /// `qcow2`, `raw`, `iso`, … (`null` before set).
    #[serde(default)]
    pub disk_format: Option<String>,
    /// `bare`, `ovf`, … (`null` before set).
    #[serde(default)]
    pub container_format: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Creation time.
    #[serde(default, with = "timestamp::option")]
    pub created_at: Option<DateTime<Utc>>,
    /// Last change.
    #[serde(default, with = "timestamp::option")]
    pub updated_at: Option<DateTime<Utc>>,
    /// `self`: the image's path, e.g. `/v2/images/{id}`.
    #[serde(rename = "self", default)]
    pub self_link: Option<String>,
    /// `file`: the data's path, e.g. `/v2/images/{id}/file`.
    #[serde(default)]
    pub file: Option<String>,
    /// `schema`: `/v2/schemas/image`.
    #[serde(default)]
    pub schema: Option<String>,
    /// Every other property (`hw_disk_bus`, `os_distro`, `os_type`, `locations`, …), as sent.
    #[serde(flatten)]
    pub properties: BTreeMap<String, serde_json::Value>,
}

impl Resource for Image {
    const SERVICE: ServiceType = ServiceType::IMAGE;
    const KIND: &'static str = "image";
    const COLLECTION: &'static [&'static str] = &["images"];
    /// Glance answers one image unwrapped.
    const SINGULAR: &'static str = "";
    const PLURAL: &'static str = "images";
    /// Glance's next page is the URL string under `next`.
    const LINKS: &'static str = "next";

    fn id(&self) -> &str {
        &self.id
    }

    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

/// Image operations (`client.image().images()`): `get`, `get_opt`, `list`, `find_by_name`, `find`
/// through the generic [`Api`] verbs. Glance's `name` filter is exact.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::image::{ImageStatus, ImageVisibility};
/// let images = client.image().images();
/// let ubuntu = images.find_by_name("ubuntu-24.04-server-cloudimg-amd64").await?.expect("seeded");
/// assert_eq!((ubuntu.min_disk, ubuntu.min_ram), (4, 512));
/// assert_eq!(ubuntu.properties.get("os_distro"), Some(&serde_json::json!("ubuntu")));
/// let same = images.get(&ubuntu.id).await?;
/// assert_eq!((same.status, same.visibility), (ImageStatus::Active, Some(ImageVisibility::Public)));
/// assert!(images.find("ubuntu").await?.is_none()); // exact names only
/// # Ok(()) }
/// ```
pub type Images = Api<Image>;

/// Filters of `GET /v2/images`; [`List`] gives `limit`, `marker`, `sort`, `param`, `send`,
/// `into_stream` and `all`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::SortDir;
/// use stackclient::image::{ImageStatus, ImageVisibility};
/// let images = client.image().images();
/// # let names = |list: Vec<stackclient::image::Image>| list.into_iter().filter_map(|i| i.name).collect::<Vec<_>>();
/// assert_eq!(names(images.list().tag("lts").all().await?), ["ubuntu-24.04-server-cloudimg-amd64"]); // hidden 22.04 not listed
/// assert_eq!(names(images.list().os_hidden(true).all().await?), ["ubuntu-22.04-server-cloudimg-amd64"]);
/// assert_eq!(names(images.list().visibility(ImageVisibility::Community).all().await?), ["cirros-0.5.2-x86_64-disk"]);
/// assert_eq!(names(images.list().status(ImageStatus::Queued).all().await?), ["my-upload"]);
/// // Image properties are filters too; sort with `sort`.
/// let ubuntu = images.list().param("os_distro", "ubuntu").all().await?;
/// assert_eq!(ubuntu.len(), 1);
/// let big_first = images.list().size_min(100_000_000).sort("size", SortDir::Desc).all().await?;
/// assert_eq!(names(big_first), ["ubuntu-24.04-server-cloudimg-amd64", "debian-12-genericcloud-amd64"]);
/// # Ok(()) }
/// ```
pub type ImageList = List<Image>;

impl List<Image> {
    /// `name` (exact match).
    pub fn name(self, name: &str) -> Self {
        self.param("name", name)
    }

    /// `status`.
    pub fn status(self, status: ImageStatus) -> Self {
        let s = status.as_str().to_string();
        self.param("status", s)
    }

    /// `visibility`: `community` images are only listed when asked for.
    pub fn visibility(self, visibility: ImageVisibility) -> Self {
        let v = visibility.as_str().to_string();
        self.param("visibility", v)
    }

    /// `tag`: images having this tag (repeat for all of several).
    pub fn tag(self, tag: &str) -> Self {
        self.param("tag", tag)
    }

    /// `owner`: project id.
    pub fn owner(self, project_id: &str) -> Self {
        self.param("owner", project_id)
    }

    /// `os_hidden`: `true` lists only hidden images.
    pub fn os_hidden(self, hidden: bool) -> Self {
        self.param("os_hidden", hidden)
    }

    /// `protected`.
    pub fn protected(self, protected: bool) -> Self {
        self.param("protected", protected)
    }

    /// `disk_format`, e.g. `qcow2`.
    pub fn disk_format(self, format: &str) -> Self {
        self.param("disk_format", format)
    }

    /// `container_format`, e.g. `bare`.
    pub fn container_format(self, format: &str) -> Self {
        self.param("container_format", format)
    }

    /// `size_min`: at least this many bytes.
    pub fn size_min(self, bytes: u64) -> Self {
        self.param("size_min", bytes)
    }

    /// `size_max`: at most this many bytes.
    pub fn size_max(self, bytes: u64) -> Self {
        self.param("size_max", bytes)
    }

    /// `member_status` (`accepted`, `pending`, `rejected`, `all`) for shared images.
    pub fn member_status(self, status: &str) -> Self {
        self.param("member_status", status)
    }
}
