//! Network (Neutron): networks.

mod types;
pub use types::*;
