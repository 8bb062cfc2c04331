//! stackclient: an async Rust SDK for OpenStack clouds.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod compute;
pub mod config;
pub mod error;
pub mod network;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use config::{
    AppCredentialRef, Auth, AuthMethod, CloudConfig, ConfigLoader, DomainRef, Interface,
    ProjectRef, Scope, SecretString, UserRef,
};
pub use error::{ApiError, Error};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
