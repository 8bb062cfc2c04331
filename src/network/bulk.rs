//! Neutron's bulk create: `POST /v2.0/networks` with `{"networks": [...]}` (and the same for
//! subnets and ports), answered with `{"networks": [...]}` in request order. Neutron creates all of
//! them or none.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
//! # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
//! # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
//! use stackclient::network::{CreateNetwork, CreatePort};
//! let nets = client
//!     .network()
//!     .networks()
//!     .create_bulk(&[CreateNetwork::new().name("a"), CreateNetwork::new().name("b")])
//!     .await?;
//! assert_eq!(nets.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["a", "b"]); // in request order
//! let ports = client
//!     .network()
//!     .ports()
//!     .create_bulk(&[CreatePort::new(&nets[0].id), CreatePort::new(&nets[1].id)])
//!     .await?;
//! assert_eq!(ports[1].network_id, nets[1].id);
//! # Ok(()) }
//! ```

use serde_json::Value;

use super::{CreateNetwork, CreatePort, CreateSubnet, Network, Port, Subnet};
use crate::error::Error;
use crate::request::Method;
use crate::resource::{Api, Creatable, to_json};

/// The body `{"<plural>": [<inner object of each request>, …]}` for `requests`, each of which
/// serializes as `{"<singular>": {...}}`.
fn bulk_body<R: Creatable>(requests: &[R::Create]) -> Result<Value, Error> {
    if requests.is_empty() {
        return Err(Error::InvalidInput(format!(
            "bulk create of {}: no {} to create",
            R::PLURAL,
            R::PLURAL
        )));
    }
    let mut items = Vec::with_capacity(requests.len());
    for request in requests {
        let Value::Object(mut wrapped) = to_json(request, R::KIND)? else {
            return Err(Error::InvalidInput(format!(
                "{} request is not a JSON object",
                R::KIND
            )));
        };
        let inner = wrapped.remove(R::SINGULAR).ok_or_else(|| {
            Error::InvalidInput(format!("{} request has no `{}`", R::KIND, R::SINGULAR))
        })?;
        items.push(inner);
    }
    let mut body = serde_json::Map::new();
    body.insert(R::PLURAL.to_string(), Value::Array(items));
    Ok(Value::Object(body))
}

/// `POST {collection}` with the bulk body; the answer's list under the plural key.
async fn create_bulk<R: Creatable>(
    api: &Api<R>,
    requests: &[R::Create],
) -> Result<Vec<R::Created>, Error> {
    let call = api
        .call(Method::Post, &[])?
        .json_body(&bulk_body::<R>(requests)?);
    api.send_for(&call, R::PLURAL).await
}

impl Api<Network> {
    /// `POST /v2.0/networks` with `{"networks": [...]}`: creates every network in one call, all or
    /// none (Neutron's bulk create). Returns them in request order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::CreateNetwork;
    /// let networks = client.network().networks();
    /// let made = networks.create_bulk(&[CreateNetwork::new().name("a"), CreateNetwork::new().name("b").mtu(1400)]).await?;
    /// assert_eq!((made[1].name.as_str(), made[1].mtu), ("b", Some(1400)));
    /// // Nothing to create: refused before sending.
    /// assert!(matches!(networks.create_bulk(&[]).await, Err(stackclient::Error::InvalidInput(_))));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty list (nothing is sent); [`Error::Api`] for Neutron's
    /// refusal of any one of them (400, 403, 409, quota), in which case none was made.
    pub async fn create_bulk(&self, requests: &[CreateNetwork]) -> Result<Vec<Network>, Error> {
        create_bulk(self, requests).await
    }
}

impl Api<Subnet> {
    /// `POST /v2.0/subnets` with `{"subnets": [...]}`: creates every subnet in one call, all or
    /// none. Returns them in request order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreateNetwork, CreateSubnet};
    /// let net = client.network().networks().create(&CreateNetwork::new().name("backend")).await?;
    /// let subnets = client.network().subnets();
    /// let made = subnets
    ///     .create_bulk(&[CreateSubnet::new(&net.id, 4).cidr("192.168.1.0/24"), CreateSubnet::new(&net.id, 4).cidr("192.168.2.0/24")])
    ///     .await?;
    /// assert_eq!(made[1].cidr, "192.168.2.0/24");
    /// // All or none: an overlapping CIDR and neither is made.
    /// let clash = [CreateSubnet::new(&net.id, 4).cidr("192.168.3.0/24"), CreateSubnet::new(&net.id, 4).cidr("192.168.1.0/25")];
    /// assert_eq!(subnets.create_bulk(&clash).await.unwrap_err().status(), Some(400));
    /// assert!(subnets.list().cidr("192.168.3.0/24").all().await?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty list (nothing is sent); [`Error::Api`] for Neutron's
    /// refusal of any one of them (400 for a bad or overlapping CIDR, 404 for a missing network).
    pub async fn create_bulk(&self, requests: &[CreateSubnet]) -> Result<Vec<Subnet>, Error> {
        create_bulk(self, requests).await
    }
}

impl Api<Port> {
    /// `POST /v2.0/ports` with `{"ports": [...]}`: creates every port in one call, all or none.
    /// Returns them in request order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> stackclient::Result<()> {
    /// # let fake = stackclient::testing::FakeCloud::start().await.expect("fake cloud");
    /// # let client = stackclient::Client::new(stackclient::ClientOptions::new(stackclient::Session::new(fake.config())))?;
    /// use stackclient::network::{CreatePort, FixedIp};
    /// # let net = fake.network_id("private").expect("seeded");
    /// let ports = client.network().ports();
    /// let made = ports.create_bulk(&[CreatePort::new(&net).name("a"), CreatePort::new(&net).name("b")]).await?;
    /// assert_eq!(made.len(), 2);
    /// // All or none: a taken address and no port is made.
    /// let taken = made[0].fixed_ips[0].ip_address.clone().expect("an address");
    /// let clash = [CreatePort::new(&net).name("c"), CreatePort::new(&net).name("d").fixed_ip(FixedIp::address(taken))];
    /// assert!(ports.create_bulk(&clash).await.unwrap_err().is_conflict());
    /// assert!(ports.list().name("c").all().await?.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an empty list (nothing is sent); [`Error::Api`] for Neutron's
    /// refusal of any one of them (404 for a missing network, 409 for a taken address or an
    /// exhausted pool).
    pub async fn create_bulk(&self, requests: &[CreatePort]) -> Result<Vec<Port>, Error> {
        create_bulk(self, requests).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn bulk_bodies_unwrap_each_request() {
        let body =
            bulk_body::<Network>(&[CreateNetwork::new().name("a"), CreateNetwork::new()]).unwrap();
        assert_eq!(body, serde_json::json!({"networks": [{"name": "a"}, {}]}));
        let err = bulk_body::<Port>(&[]).unwrap_err();
        assert!(err.to_string().contains("no ports to create"), "{err}");
    }
}
