//! Compile-time proof that the client types are `Send + Sync + Clone` and the futures of the pipeline
//! and of the resource handles are `Send` (so they can be spawned on a multi-threaded runtime). The
//! function is never called: the test passes when this file compiles.

#![allow(clippy::unwrap_used)]

use stackclient::{Client, ClientOptions, Method, ServiceType, Session};

/// Compile-time proof that the client types are `Send + Sync + Clone` and their futures `Send`
/// (never called).
#[allow(dead_code)]
fn assert_send_sync(c: &Client) {
    fn send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    fn send<T: Send>(_: &T) {}
    send_sync_clone::<Client>();
    send_sync_clone::<ClientOptions>();
    send_sync_clone::<Session>();
    send(&c.authenticate());
    send(&c.endpoint_info(ServiceType::COMPUTE));
    send(
        &c.request(ServiceType::COMPUTE, Method::Get, "servers")
            .send(),
    );
    let servers = c.compute().servers();
    send(&servers.get("id"));
    send(&servers.get_opt("id"));
    send(&servers.list().send());
    send(&servers.list().into_stream());
    send(&servers.list().all());
    send(&servers.find_by_name("n"));
    send(&servers.delete("id"));
    send(&servers.stop("id"));
    send(&servers.wait_for_status("id", stackclient::compute::ServerStatus::Active));
    send(&servers.wait_for_delete("id"));
    let create = stackclient::compute::CreateServer::new("n", "f");
    send(&servers.create(&create));
    send(&c.compute().flavors().find_by_name("m1.small"));
    let networks = c.network().networks();
    send(&networks.get("id"));
    send(&networks.list().all());
    let net = stackclient::network::CreateNetwork::new();
    send(&networks.create(&net));
    send(&networks.delete("id"));
}

#[test]
fn client_types_and_futures_are_send_and_sync() {
    // The assertions above are checked by the compiler; reaching this line means they hold.
    let _ = assert_send_sync as fn(&Client);
}
