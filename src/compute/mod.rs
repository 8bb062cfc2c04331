//! Compute (Nova): servers, flavors.

mod types;
pub use types::*;

/// The highest compute microversion whose responses this crate's models are known to read.
pub const MAX_MICROVERSION: crate::ApiVersion = crate::ApiVersion::new(2, 100);
