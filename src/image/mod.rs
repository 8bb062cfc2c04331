//! Image (Glance v2): finding the images servers boot from (read-only).
//!
//! ```no_run
//! # async fn run(client: stackclient::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use stackclient::image::ImageStatus;
//! let images = client.image().images();
//! let cirros = images.find("cirros-0.6.2").await?.ok_or("no cirros")?;
//! for image in images.list().status(ImageStatus::Active).tag("base").all().await? {
//!     println!("{} {:?} {} MiB min RAM", image.id, image.name, image.min_ram);
//! }
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
