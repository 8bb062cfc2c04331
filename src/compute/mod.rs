//! Compute (Nova): servers, flavors.

mod types;
pub use types::*;
