//! Attachments: volumes (`/servers/{id}/os-volume_attachments`) and network interfaces
//! (`/servers/{id}/os-interface`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::compute::Server;
use crate::error::Error;
use crate::microversion::ApiVersion;
use crate::request::{Method, check_id};
use crate::resource::Api;

/// A volume attached to a server (`volumeAttachment`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct VolumeAttachment {
    /// The volume's id (until 2.88 also the attachment's `id`).
    #[serde(rename = "volumeId")]
    pub volume_id: String,
    /// The server's id.
    #[serde(rename = "serverId")]
    pub server_id: String,
    /// `id` (before 2.89): the volume's id again.
    #[serde(default)]
    pub id: Option<String>,
    /// The device name, e.g. `/dev/vdb` (a hint only: the guest may name it otherwise); `None` for
    /// some drivers.
    #[serde(default)]
    pub device: Option<String>,
    /// Device tag (2.70+).
    #[serde(default)]
    pub tag: Option<String>,
    /// Whether the volume is deleted with the server (2.79+).
    #[serde(default)]
    pub delete_on_termination: Option<bool>,
    /// The Cinder attachment id (2.89+).
    #[serde(default)]
    pub attachment_id: Option<String>,
    /// The block device mapping's uuid (2.89+, admin).
    #[serde(default)]
    pub bdm_uuid: Option<String>,
}

/// The body of `POST /servers/{id}/os-volume_attachments`: `{"volumeAttachment": {"volumeId",
/// "device"?, "tag"? (2.49+), "delete_on_termination"? (2.79+)}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachVolume {
    volume_id: String,
    device: Option<String>,
    tag: Option<String>,
    delete_on_termination: Option<bool>,
}

impl AttachVolume {
    /// Attach volume `volume_id`.
    pub fn new(volume_id: impl Into<String>) -> Self {
        AttachVolume {
            volume_id: volume_id.into(),
            device: None,
            tag: None,
            delete_on_termination: None,
        }
    }

    /// `device`: a device name hint, e.g. `/dev/vdb`.
    pub fn device(mut self, device: impl Into<String>) -> Self {
        self.device = Some(device.into());
        self
    }

    /// `tag` (2.49+): a device tag for the metadata service.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// `delete_on_termination` (2.79+).
    pub fn delete_on_termination(mut self, delete: bool) -> Self {
        self.delete_on_termination = Some(delete);
        self
    }

    /// The lowest microversion the fields set need.
    pub fn min_microversion(&self) -> Option<ApiVersion> {
        if self.delete_on_termination.is_some() {
            Some(ApiVersion::new(2, 79))
        } else if self.tag.is_some() {
            Some(ApiVersion::new(2, 49))
        } else {
            None
        }
    }
}

impl Serialize for AttachVolume {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = Map::new();
        m.insert("volumeId".into(), json!(self.volume_id));
        if let Some(d) = &self.device {
            m.insert("device".into(), json!(d));
        }
        if let Some(t) = &self.tag {
            m.insert("tag".into(), json!(t));
        }
        if let Some(d) = self.delete_on_termination {
            m.insert("delete_on_termination".into(), json!(d));
        }
        json!({ "volumeAttachment": m }).serialize(s)
    }
}

/// The body of `PUT /servers/{id}/os-volume_attachments/{volume_id}`: `{"volumeAttachment":
/// {"volumeId": <new>, ...}}`. A different `volumeId` swaps the volume (admin, Cinder's
/// migration); from 2.85 `delete_on_termination` can change too (then the other fields,
/// `id`/`serverId`/`device`/`tag`, must equal what is attached if given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateVolumeAttachment {
    fields: Map<String, Value>,
    min: Option<ApiVersion>,
}

impl UpdateVolumeAttachment {
    /// Swap to (or keep) volume `volume_id`.
    pub fn new(volume_id: impl Into<String>) -> Self {
        let mut fields = Map::new();
        fields.insert("volumeId".into(), json!(volume_id.into()));
        UpdateVolumeAttachment { fields, min: None }
    }

    fn set(mut self, key: &str, value: Value) -> Self {
        self.fields.insert(key.into(), value);
        self.min = self.min.max(Some(ApiVersion::new(2, 85)));
        self
    }

    /// `delete_on_termination` (2.85+).
    pub fn delete_on_termination(self, delete: bool) -> Self {
        self.set("delete_on_termination", json!(delete))
    }

    /// `id` (2.85+; must be the attached volume's id).
    pub fn id(self, id: impl Into<String>) -> Self {
        self.set("id", json!(id.into()))
    }

    /// `serverId` (2.85+; must be this server).
    pub fn server_id(self, server_id: impl Into<String>) -> Self {
        self.set("serverId", json!(server_id.into()))
    }

    /// `device` (2.85+; must be the attached device).
    pub fn device(self, device: impl Into<String>) -> Self {
        self.set("device", json!(device.into()))
    }

    /// `tag` (2.85+; must be the attachment's tag).
    pub fn tag(self, tag: impl Into<String>) -> Self {
        self.set("tag", json!(tag.into()))
    }

    /// The lowest microversion the fields set need.
    pub fn min_microversion(&self) -> Option<ApiVersion> {
        self.min
    }
}

impl Serialize for UpdateVolumeAttachment {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({ "volumeAttachment": self.fields }).serialize(s)
    }
}

/// A fixed IP of an [`InterfaceAttachment`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct FixedIp {
    /// The address.
    pub ip_address: String,
    /// The subnet it is on.
    #[serde(default)]
    pub subnet_id: Option<String>,
}

/// A port attached to a server (`interfaceAttachment`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InterfaceAttachment {
    /// The port's id.
    pub port_id: String,
    /// The network's id.
    #[serde(default)]
    pub net_id: Option<String>,
    /// The port's MAC address.
    #[serde(default)]
    pub mac_addr: Option<String>,
    /// The port's status, e.g. `ACTIVE`, `DOWN`.
    #[serde(default)]
    pub port_state: Option<String>,
    /// The port's addresses.
    #[serde(default)]
    pub fixed_ips: Vec<FixedIp>,
    /// Device tag (2.70+).
    #[serde(default)]
    pub tag: Option<String>,
}

/// The body of `POST /servers/{id}/os-interface`: `{"interfaceAttachment": {"port_id" | "net_id"
/// (+ "fixed_ips"), "tag"? (2.49+)}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachInterface {
    fields: Map<String, Value>,
    min: Option<ApiVersion>,
}

impl AttachInterface {
    /// Attach the existing port `port_id`.
    pub fn port(port_id: impl Into<String>) -> Self {
        let mut fields = Map::new();
        fields.insert("port_id".into(), json!(port_id.into()));
        AttachInterface { fields, min: None }
    }

    /// Create a port on network `net_id` and attach it.
    pub fn network(net_id: impl Into<String>) -> Self {
        let mut fields = Map::new();
        fields.insert("net_id".into(), json!(net_id.into()));
        AttachInterface { fields, min: None }
    }

    /// `fixed_ips`: ask for this address on the network (with [`network`](Self::network)).
    pub fn fixed_ip(mut self, ip: std::net::IpAddr) -> Self {
        let entry = json!({"ip_address": ip.to_string()});
        match self.fields.get_mut("fixed_ips") {
            Some(Value::Array(list)) => list.push(entry),
            _ => {
                self.fields.insert("fixed_ips".into(), json!([entry]));
            }
        }
        self
    }

    /// `tag` (2.49+).
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.fields.insert("tag".into(), json!(tag.into()));
        self.min = Some(ApiVersion::new(2, 49));
        self
    }

    /// The lowest microversion the fields set need.
    pub fn min_microversion(&self) -> Option<ApiVersion> {
        self.min
    }
}

impl Serialize for AttachInterface {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json!({ "interfaceAttachment": self.fields }).serialize(s)
    }
}

#[derive(Deserialize)]
struct VolumeAttachments {
    #[serde(rename = "volumeAttachments")]
    volume_attachments: Vec<VolumeAttachment>,
}

#[derive(Deserialize)]
struct InterfaceAttachments {
    #[serde(rename = "interfaceAttachments")]
    interface_attachments: Vec<InterfaceAttachment>,
}

fn body<T: Serialize>(value: &T, what: &str) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::InvalidInput(format!("{what}: {e}")))
}

impl Api<Server> {
    /// `GET /servers/{id}/os-volume_attachments`: the attached volumes.
    ///
    /// Not run as a test: the fake cloud has no Cinder, so there are no volumes to attach.
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client, id: &str) -> stackclient::Result<()> {
    /// for a in client.compute().servers().volume_attachments(id).await? {
    ///     println!("{} at {:?}", a.volume_id, a.device);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such server.
    pub async fn volume_attachments(&self, id: &str) -> Result<Vec<VolumeAttachment>, Error> {
        let call = self.item_call(Method::Get, id, &["os-volume_attachments"])?;
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<VolumeAttachments>()?
            .volume_attachments)
    }

    /// `POST /servers/{id}/os-volume_attachments`: attaches a volume. Up to 2.100 Nova answers
    /// `200` with the attachment (`Some`); from 2.101 the attachment is made asynchronously and
    /// Nova answers `202` without a body (`None`: poll
    /// [`volume_attachment`](Self::volume_attachment) or the volume's status).
    ///
    /// Not run as a test: the fake cloud has no Cinder, so there are no volumes to attach.
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client, id: &str, volume_id: &str) -> stackclient::Result<()> {
    /// use stackclient::compute::AttachVolume;
    /// let attach = AttachVolume::new(volume_id).device("/dev/vdb").delete_on_termination(true); // 2.79+
    /// match client.compute().servers().attach_volume(id, &attach).await? {
    ///     Some(a) => println!("attached at {:?}", a.device),
    ///     None => println!("attaching (2.101+: poll volume_attachment)"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] before sending for `tag` below 2.49 or
    /// `delete_on_termination` below 2.79; [`Error::Api`] 409 when the volume is in use or the
    /// server's state forbids it, 404 for an unknown volume.
    pub async fn attach_volume(
        &self,
        id: &str,
        attach: &AttachVolume,
    ) -> Result<Option<VolumeAttachment>, Error> {
        let call = self
            .item_call(Method::Post, id, &["os-volume_attachments"])?
            .json_body(&body(attach, "volume attachment")?)
            .min_microversion(attach.min_microversion());
        let raw = self.client().execute(&call).await?;
        if raw.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        crate::request::decode_seed(
            raw.method,
            &raw.url,
            &raw.body,
            crate::resource::Envelope::<VolumeAttachment>::new("volumeAttachment"),
        )
        .map(Some)
        .map_err(|e| raw.scrub_error(e))
    }

    /// `GET /servers/{id}/os-volume_attachments/{volume_id}`.
    ///
    /// Not run as a test: the fake cloud has no Cinder, so there are no volumes to attach.
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client, id: &str, volume_id: &str) -> stackclient::Result<()> {
    /// let a = client.compute().servers().volume_attachment(id, volume_id).await?;
    /// println!("{} at {:?}", a.volume_id, a.device);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the volume is not attached to the server.
    pub async fn volume_attachment(
        &self,
        id: &str,
        volume_id: &str,
    ) -> Result<VolumeAttachment, Error> {
        let vol = check_id("volume", volume_id)?;
        let call = self.item_call(Method::Get, id, &["os-volume_attachments", vol])?;
        self.send_for(&call, "volumeAttachment").await
    }

    /// `PUT /servers/{id}/os-volume_attachments/{volume_id}` (202): swaps the volume for another
    /// (admin) or, from 2.85, changes `delete_on_termination`.
    ///
    /// Not run as a test: the fake cloud has no Cinder, so there are no volumes to attach.
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client, id: &str, volume_id: &str) -> stackclient::Result<()> {
    /// use stackclient::compute::UpdateVolumeAttachment;
    /// // Keep the volume when the server is deleted (2.85+).
    /// let update = UpdateVolumeAttachment::new(volume_id).delete_on_termination(false);
    /// client.compute().servers().update_volume_attachment(id, volume_id, &update).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] before sending for 2.85 fields below it;
    /// [`Error::Api`] 404 when the volume is not attached, 400/409 when the swap is refused.
    pub async fn update_volume_attachment(
        &self,
        id: &str,
        volume_id: &str,
        update: &UpdateVolumeAttachment,
    ) -> Result<(), Error> {
        let vol = check_id("volume", volume_id)?;
        let call = self
            .item_call(Method::Put, id, &["os-volume_attachments", vol])?
            .json_body(&body(update, "volume attachment")?)
            .min_microversion(update.min_microversion());
        self.client().execute(&call).await?;
        Ok(())
    }

    /// `DELETE /servers/{id}/os-volume_attachments/{volume_id}` (202): starts the detach.
    ///
    /// Not run as a test: the fake cloud has no Cinder, so there are no volumes to attach.
    ///
    /// ```no_run
    /// # async fn run(client: stackclient::Client, id: &str, volume_id: &str) -> stackclient::Result<()> {
    /// client.compute().servers().detach_volume(id, volume_id).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the volume is not attached, 400 for the root volume.
    pub async fn detach_volume(&self, id: &str, volume_id: &str) -> Result<(), Error> {
        let vol = check_id("volume", volume_id)?;
        let call = self.item_call(Method::Delete, id, &["os-volume_attachments", vol])?;
        self.client().execute(&call).await?;
        Ok(())
    }

    /// `GET /servers/{id}/os-interface`: the attached ports.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// // Booted on `private` (10.0.0.0/24).
    /// let interfaces = servers.interfaces(&id).await?;
    /// assert_eq!(interfaces.len(), 1);
    /// assert_eq!(interfaces[0].net_id, fake.network_id("private"));
    /// assert!(interfaces[0].fixed_ips[0].ip_address.starts_with("10.0.0."));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when there is no such server.
    pub async fn interfaces(&self, id: &str) -> Result<Vec<InterfaceAttachment>, Error> {
        let call = self.item_call(Method::Get, id, &["os-interface"])?;
        Ok(self
            .client()
            .execute(&call)
            .await?
            .json::<InterfaceAttachments>()?
            .interface_attachments)
    }

    /// `POST /servers/{id}/os-interface` (200): attaches a port (or a new port on a network).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::AttachInterface;
    /// use stackclient::network::CreatePort;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// let net = client.network().networks().find("private").await?.expect("network");
    /// let port = client.network().ports().create(&CreatePort::new(&net.id).name("web-1-extra")).await?;
    /// let attached = servers.attach_interface(&id, &AttachInterface::port(&port.id)).await?;
    /// assert_eq!(attached.port_id, port.id);
    /// assert_eq!(client.network().ports().get(&port.id).await?.device_id, id); // the port is the server's now
    /// assert_eq!(servers.interfaces(&id).await?.len(), 2);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::MicroversionUnsupported`] before sending for `tag` below 2.49; [`Error::Api`] 409
    /// when the port is in use or the server's state forbids it, 404 for an unknown network/port.
    pub async fn attach_interface(
        &self,
        id: &str,
        attach: &AttachInterface,
    ) -> Result<InterfaceAttachment, Error> {
        let call = self
            .item_call(Method::Post, id, &["os-interface"])?
            .json_body(&body(attach, "interface attachment")?)
            .min_microversion(attach.min_microversion());
        self.send_for(&call, "interfaceAttachment").await
    }

    /// `GET /servers/{id}/os-interface/{port_id}`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// let first = servers.interfaces(&id).await?.remove(0);
    /// let same = servers.interface(&id, &first.port_id).await?;
    /// assert_eq!((same.port_id, same.mac_addr), (first.port_id, first.mac_addr));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the port is not attached to the server.
    pub async fn interface(&self, id: &str, port_id: &str) -> Result<InterfaceAttachment, Error> {
        let port = check_id("port", port_id)?;
        let call = self.item_call(Method::Get, id, &["os-interface", port])?;
        self.send_for(&call, "interfaceAttachment").await
    }

    /// `DELETE /servers/{id}/os-interface/{port_id}` (202): starts the detach (a port Nova
    /// created for [`AttachInterface::network`] is deleted with it).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let zero = std::time::Duration::ZERO; // builds and actions done on the next read
    /// # let fake = stackclient::testing::FakeCloud::builder().build_delay(zero).action_delay(zero).start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::compute::AttachInterface;
    /// let servers = client.compute().servers();
    /// # let id = servers.create(&stackclient::compute::CreateServer::new("web-1", "1").image(stackclient::testing::FakeCloud::IMAGE_ID).network(fake.network_id("private").expect("seeded"))).await?.id;
    /// let net = fake.network_id("private").expect("seeded");
    /// let extra = servers.attach_interface(&id, &AttachInterface::network(&net)).await?;
    /// servers.detach_interface(&id, &extra.port_id).await?;
    /// // The port Nova made for it goes too (detaching takes no time on this cloud).
    /// assert!(client.network().ports().get_opt(&extra.port_id).await?.is_none());
    /// assert_eq!(servers.interfaces(&id).await?.len(), 1);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Api`] 404 when the port is not attached.
    pub async fn detach_interface(&self, id: &str, port_id: &str) -> Result<(), Error> {
        let port = check_id("port", port_id)?;
        let call = self.item_call(Method::Delete, id, &["os-interface", port])?;
        self.client().execute(&call).await?;
        Ok(())
    }
}
