//! stackclient: an async Rust SDK for OpenStack clouds.
//!
//! * [`CloudConfig`]: `clouds.yaml` / `OS_*` configuration, read as openstacksdk reads it.
//! * [`Session`]: the shared token, service catalog and endpoints (no I/O when built).
//! * [`Client`]: one HTTP connection pool per `Client::new`; build one per task from cloned
//!   [`ClientOptions`], and every task shares the session's token.
//! * [`compute`], [`network`] and [`image`]: typed resources; [`Client::request`] for anything else.
//!
//! Against your cloud (not run as a test: it reads your `clouds.yaml` or `OS_*` variables; the
//! other examples in these docs run against the fake cloud of the `testing` feature, all but the
//! volume attachments, for which the fake has no Cinder):
//!
//! ```no_run
//! use stackclient::{Client, ClientOptions, CloudConfig, Session};
//!
//! # async fn run() -> stackclient::Result<()> {
//! let cfg = CloudConfig::load()?; // OS_CLOUD + clouds.yaml, else OS_*
//! let opts = ClientOptions::new(Session::new(cfg));
//! let client = Client::new(opts.clone())?; // this task's own pool
//! let info = client.authenticate().await?;
//! println!("project {:?}", info.project_name);
//! let compute = client.endpoint_info("compute").await?;
//! println!("compute at {} (microversion {:?})", compute.url, compute.microversion);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
pub mod catalog;
pub mod client;
pub mod clock;
pub mod compute;
pub mod config;
pub mod endpoint;
pub mod error;
pub mod field;
pub mod image;
pub mod microversion;
pub mod network;
pub mod pagination;
pub mod request;
pub mod resource;
pub mod retry;
pub mod session;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
pub(crate) mod timestamp;
pub(crate) mod transport;
pub mod wait;

pub use auth::AuthInfo;
pub use catalog::Catalog;
pub use client::{Client, ClientOptions, TlsOptions};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{
    AppCredentialRef, Auth, AuthMethod, AuthUrl, CloudConfig, ConfigLoader, DomainRef, Interface,
    ProjectRef, Scope, SecretString, UserRef,
};
pub use endpoint::EndpointInfo;
pub use error::{ApiError, Error, TransportPhase};
pub use field::Field;
pub use microversion::ApiVersion;
pub use pagination::{List, Page, SortDir};
pub use request::{Method, RequestBuilder, Response, ServiceType};
pub use resource::{
    Api, Creatable, NameFilter, RequestBody, Resource, Revisioned, Taggable, Updatable,
};
pub use retry::RetryPolicy;
pub use session::Session;
pub use wait::WaitOptions;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The README's examples, compiled as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
