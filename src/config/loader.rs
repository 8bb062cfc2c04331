//! Placeholder: replaced by the config loader.
use super::CloudConfig;
use crate::error::Error;

/// Loads a [`CloudConfig`] from injected variables and paths.
#[derive(Debug, Clone, Default)]
pub struct ConfigLoader {}

impl ConfigLoader {
    /// From the process environment.
    pub fn from_process() -> Self {
        ConfigLoader {}
    }
    /// Names the cloud.
    pub fn cloud(self, _name: &str) -> Self {
        self
    }
    /// Loads.
    pub fn load(&self) -> Result<CloudConfig, Error> {
        Err(Error::Config("not yet".into()))
    }
}
