//! Image (Glance v2): finding the images servers boot from (read-only).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::image::ImageStatus;
//! let images = client.image().images();
//! let cirros = images.find("cirros-0.6.2-x86_64-disk").await?.ok_or("no cirros")?;
//! assert_eq!(cirros.min_ram, 0);
//! let base = images.list().status(ImageStatus::Active).tag("base").all().await?;
//! assert_eq!(base.len(), 1);
//! assert_eq!(base[0].id, cirros.id);
//! # Ok(()) }
//! ```

mod images;

pub use images::{Image, ImageList, ImageStatus, ImageVisibility, Images};

use crate::client::Client;

/// The image service (`client.image()`), API v2. The endpoint is the catalog's `image` entry with
/// `/v2` appended when it has no version.
#[derive(Clone, Debug)]
pub struct ImageService {
    client: Client,
}

impl ImageService {
    /// Image operations.
    pub fn images(&self) -> Images {
        Images::new(self.client.clone())
    }
}

impl Client {
    /// The image service (Glance).
    pub fn image(&self) -> ImageService {
        ImageService {
            client: self.clone(),
        }
    }
}
