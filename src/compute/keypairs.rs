//! Keypairs: `GET /os-keypairs` (paging 2.35, `user_id` 2.10), `POST /os-keypairs` (import; generate
//! before 2.92), `GET /os-keypairs/{name}`, `DELETE /os-keypairs/{name}`. Keypairs are identified by
//! **name**, and the list wraps every item as `{"keypair": {...}}`.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::de::string_enum;
use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::pagination::List;
use crate::request::{Method, ServiceType};
use crate::resource::{Api, RequestBody, Resource, to_json};

string_enum! {
    /// A keypair's `type` (2.2+).
    pub enum KeyType {
        /// An SSH key (the default).
        Ssh = "ssh",
        /// An X.509 certificate (for Windows guests).
        X509 = "x509",
    }
}

/// A keypair as `GET /os-keypairs/{name}` returns it (the list holds `name`, `public_key`,
/// `fingerprint` and, from 2.2, `type`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct Keypair {
    /// The name: the keypair's identifier (unique per user).
    pub name: String,
    /// The public key (OpenSSH format, or a PEM certificate for `x509`).
    pub public_key: String,
    /// The key's fingerprint, e.g. `44:fe:29:…`.
    pub fingerprint: String,
    /// `type` (2.2+): `ssh` or `x509`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub key_type: Option<KeyType>,
    /// The owner (in `get` and `create` answers, not in lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// Nova's internal id (in `get` answers only).
    #[serde(
        default,
        deserialize_with = "super::de::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// When it was created (`get` only).
    #[serde(
        default,
        with = "super::types::timestamp::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<DateTime<Utc>>,
}

/// What `POST /os-keypairs` answers: the keypair, and the private key when Nova generated one
/// (before 2.92). The private key is shown only this once: keep it.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct CreatedKeypair {
    /// The keypair.
    #[serde(flatten)]
    pub keypair: Keypair,
    /// The generated private key (PEM), `None` for an imported key.
    #[serde(default)]
    pub private_key: Option<SecretString>,
}

/// `POST /os-keypairs` body `{"keypair": {...}}`: [`import`](Self::import) a public key, or
/// [`generate`](Self::generate) one (Nova generates keys only before 2.92).
///
/// ```
/// use stackclient::compute::{CreateKeypair, KeyType};
/// let req = CreateKeypair::import("laptop", "ssh-ed25519 AAAAC3Nza… me@laptop").key_type(KeyType::Ssh);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CreateKeypair {
    f: CreateKeypairFields,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct CreateKeypairFields {
    name: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    key_type: Option<KeyType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
}

impl CreateKeypair {
    /// Imports `public_key` under `name`.
    pub fn import(name: impl Into<String>, public_key: impl Into<String>) -> Self {
        CreateKeypair {
            f: CreateKeypairFields {
                name: name.into(),
                key_type: None,
                public_key: Some(public_key.into()),
                user_id: None,
            },
        }
    }

    /// Asks Nova to generate a keypair named `name` (its answer carries the private key). Refused
    /// locally from 2.92, where Nova no longer generates keys.
    pub fn generate(name: impl Into<String>) -> Self {
        CreateKeypair {
            f: CreateKeypairFields {
                name: name.into(),
                key_type: None,
                public_key: None,
                user_id: None,
            },
        }
    }

    /// `type` (2.2+): `ssh` (Nova's default) or `x509`.
    pub fn key_type(mut self, key_type: KeyType) -> Self {
        self.f.key_type = Some(key_type);
        self
    }

    /// `user_id` (2.10+, admin): create the keypair for another user.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.f.user_id = Some(user_id.into());
        self
    }

    /// `true` when Nova is asked to generate the key.
    pub fn is_generate(&self) -> bool {
        self.f.public_key.is_none()
    }
}

impl Serialize for CreateKeypair {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("keypair", &self.f)?;
        m.end()
    }
}

/// `type` needs 2.2, `user_id` 2.10.
impl RequestBody for CreateKeypair {
    fn min_microversion(&self) -> Option<ApiVersion> {
        if self.f.user_id.is_some() {
            Some(ApiVersion::new(2, 10))
        } else if self.f.key_type.is_some() {
            Some(ApiVersion::new(2, 2))
        } else {
            None
        }
    }
}

impl Resource for Keypair {
    const PAGING_FROM: Option<ApiVersion> = Some(ApiVersion::new(2, 35));
    const SERVICE: ServiceType = ServiceType::COMPUTE;
    const KIND: &'static str = "keypair";
    const COLLECTION: &'static [&'static str] = &["os-keypairs"];
    const SINGULAR: &'static str = "keypair";
    const PLURAL: &'static str = "keypairs";
    /// Each list item is `{"keypair": {...}}`.
    const LIST_ITEM: &'static str = "keypair";
    const LINKS: &'static str = "keypairs_links";
    /// Nova has no name filter for keypairs (the name is the id: `get` finds one by name).
    const NAME_FILTER: crate::resource::NameFilter = crate::resource::NameFilter::None;
    const UNIQUE_NAMES: bool = true;

    /// The name (keypairs have no other public identifier).
    fn id(&self) -> &str {
        &self.name
    }

    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
}

/// Keypair operations (`client.compute().keypairs()`): `get(name)`, `get_opt`, `list()`, `delete(name)`
/// through the generic [`Api`] verbs, and [`create`](Api::create).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::CreateKeypair;
/// let keypairs = client.compute().keypairs();
/// # let public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova";
/// let kp = keypairs.create(&CreateKeypair::import("laptop", public_key)).await?;
/// assert_eq!(kp.keypair.fingerprint, "1e:2c:9b:56:79:4b:45:77:f9:ca:7a:98:2c:b0:d5:3c"); // Nova's MD5
/// assert_eq!(keypairs.get("laptop").await?.public_key, public_key);
/// assert_eq!(keypairs.list().all().await?.len(), 1);
/// keypairs.delete("laptop").await?;
/// assert!(keypairs.get_opt("laptop").await?.is_none());
/// # Ok(()) }
/// ```
pub type Keypairs = Api<Keypair>;

impl Api<Keypair> {
    /// `POST /os-keypairs`: imports a public key, or (before 2.92) has Nova generate one.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// use stackclient::{Client, ClientOptions, Session};
    /// use stackclient::compute::{CreateKeypair, KeyType};
    /// // Nova generates keys only below 2.92: pin the compute microversion.
    /// let cfg = fake.config().with_api_version("compute", "2.91");
    /// let client = Client::new(ClientOptions::new(Session::new(cfg)))?;
    /// let created = client.compute().keypairs().create(&CreateKeypair::generate("ci")).await?;
    /// assert_eq!(created.keypair.key_type, Some(KeyType::Ssh));
    /// assert!(created.private_key.is_some()); // shown this once: keep it
    /// // From 2.92 the same request is refused before anything is sent.
    /// let latest = Client::new(ClientOptions::new(Session::new(fake.config())))?;
    /// let err = latest.compute().keypairs().create(&CreateKeypair::generate("ci-2")).await.unwrap_err();
    /// assert!(matches!(err, stackclient::Error::MicroversionUnsupported { .. }), "{err}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] before sending: for [`CreateKeypair::generate`] at 2.92 or
    /// later (Nova no longer generates keys: import one instead), for `type` below 2.2 and `user_id`
    /// below 2.10. [`Error::Api`] 409 when the name is taken, 400 for a bad public key, 403 over quota.
    pub async fn create(&self, request: &CreateKeypair) -> Result<CreatedKeypair, Error> {
        if request.is_generate() {
            self.require_below(ApiVersion::new(2, 92), "Nova generates keypairs")
                .await?;
        }
        let call = self
            .call(Method::Post, &[])?
            .json_body(&to_json(request, "keypair")?)
            .min_microversion(request.min_microversion());
        self.send_for(&call, "keypair").await
    }
}

/// Filters of `GET /os-keypairs`; `limit` and `marker` (a keypair name) page from 2.35.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
/// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
/// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
/// use stackclient::compute::CreateKeypair;
/// let keypairs = client.compute().keypairs();
/// # let public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDx8nkQv/zgGgB4rMYmIf+6A4l6Rr+o/6lHBQdW5aYd44bd8JttDCE/F/pNRr0lRE+PiqSPO8nDPHw0010JeMH9gYgnnFlyY3/OcJ02RhIPyyxYpv9FhY+2YiUkpwFOcLImyrxEsYXpD/0d3ac30bNH6Sw9JD9UZHYcpSxsIbECHw== Generated-by-Nova";
/// for name in ["a-key", "b-key", "c-key"] {
///     keypairs.create(&CreateKeypair::import(name, public_key)).await?;
/// }
/// // Paged by name from 2.35 (the microversion negotiated here is higher).
/// let page = keypairs.list().limit(2).send().await?;
/// let names: Vec<_> = page.items.iter().map(|k| k.name.as_str()).collect();
/// assert_eq!(names, ["a-key", "b-key"]);
/// let rest = keypairs.list().marker("b-key").all().await?;
/// assert_eq!(rest[0].name, "c-key");
/// # Ok(()) }
/// ```
pub type KeypairList = List<Keypair>;

impl List<Keypair> {
    /// `user_id` (2.10+, admin): another user's keypairs.
    pub fn user_id(self, user_id: &str) -> Self {
        self.requires(ApiVersion::new(2, 10))
            .param("user_id", user_id)
    }
}
