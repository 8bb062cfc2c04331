//! Neutron's bulk create: `POST /v2.0/networks` with `{"networks": [...]}` (and the same for
//! subnets and ports), answered with `{"networks": [...]}` in request order. Neutron creates all of
//! them or none.
//!
//! ```no_run
//! # async fn run(client: stackclient::Client) -> stackclient::Result<()> {
//! use stackclient::network::{CreateNetwork, CreatePort};
//! let nets = client
//!     .network()
//!     .networks()
//!     .create_bulk(&[CreateNetwork::new().name("a"), CreateNetwork::new().name("b")])
//!     .await?;
//! let ports = client
//!     .network()
//!     .ports()
//!     .create_bulk(&[CreatePort::new(&nets[0].id), CreatePort::new(&nets[1].id)])
//!     .await?;
//! # let _ = ports; Ok(()) }
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
