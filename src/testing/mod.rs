//! An in-process fake cloud (Keystone, Nova, Neutron, Glance) for examples and tests.
//!
//! [`FakeCloud`] is a real HTTP/1.1 server (keep-alive on) on `127.0.0.1` with an ephemeral
//! port and in-memory state. Bodies, headers and status codes follow the OpenStack API
//! references, so a client that works against it speaks the real protocol. Enable it with the
//! cargo feature `testing`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use stackclient::testing::FakeCloud;
//!
//! let fake = FakeCloud::start().await?;
//! let config = fake.config(); // password auth, project `admin`, region `RegionOne`
//! let http = reqwest::Client::new();
//! let resp = http
//!     .post(format!("{}/v3/auth/tokens", fake.auth_url()))
//!     .json(&serde_json::json!({"auth": {"identity": {"methods": ["password"], "password": {
//!         "user": {"name": "admin", "domain": {"name": "Default"}, "password": "secret"}}}}}))
//!     .send()
//!     .await?;
//! assert_eq!(resp.status(), 201);
//! assert_eq!(fake.token_requests(), 1);
//! # let _ = config;
//! # Ok(())
//! # }
//! ```
//!
//! # URL layout
//!
//! | Path | What |
//! | --- | --- |
//! | `GET /identity` | 300, `{"versions": {"values": [v3]}}` |
//! | `GET /identity/v3` | `{"version": {...}}` |
//! | `POST /identity/v3/auth/tokens` | 201, `X-Subject-Token`, `{"token": {...}}` with the catalog |
//! | `GET`, `DELETE /identity/v3/auth/tokens` | validate / revoke `X-Subject-Token` |
//! | `GET /compute/` | `{"versions": [v2.0, v2.1]}` |
//! | `GET /compute/v2.1` | `{"version": {..., "version": "2.100", "min_version": "2.1"}}` |
//! | `GET /compute/v2.1/flavors[/detail]`, `/flavors/{id}` | m1.tiny (`1`), m1.small (`2`), m1.nano (`42`) |
//! | `GET /compute/v2.1/servers[/detail]`, `/servers/{id}` | list (filters, paging), show |
//! | `POST /compute/v2.1/servers`, `DELETE /servers/{id}` | create (202), delete (204) |
//! | `POST /compute/v2.1/servers/{id}/action` | `reboot`, `os-start`, `os-stop`, `pause`, `unpause`, `suspend`, `resume`, `lock`, `unlock`, `resize`, `confirmResize`, `revertResize`, `rebuild`, `createImage` |
//! | `/compute/v2.1/servers/{id}/metadata[/{key}]` | `GET`, `POST` (merge), `PUT` (replace), `DELETE` |
//! | `/compute/v2.1/servers/{id}/tags[/{tag}]` | `GET`, `PUT`, `DELETE` (2.26+) |
//! | `/compute/v2.1/servers/{id}/os-interface[/{port_id}]` | list, attach (200), show, detach (202) |
//! | `/compute/v2.1/os-keypairs[/{name}]` | list, create (import; generate below 2.92), show, delete |
//! | `/compute/v2.1/os-server-groups[/{id}]` | list, create, show, delete |
//! | `GET /network/` | `{"versions": [v2.0]}` |
//! | `GET, POST /network/v2.0/networks`, `GET, PUT, DELETE /networks/{id}` | networks |
//! | `… /subnets[/{id}]`, `… /ports[/{id}]` | subnets (IPv4), ports |
//! | `… /routers[/{id}]`, `PUT /routers/{id}/add_router_interface` (`remove_…`, `add_extraroutes`, `remove_extraroutes`) | routers |
//! | `… /floatingips[/{id}]` | floating IPs |
//! | `… /security-groups[/{id}]`, `GET, POST /security-group-rules`, `GET, DELETE /security-group-rules/{id}` | security groups and rules |
//! | `GET /image/` | 300, `{"versions": [v2.17, …]}` |
//! | `GET /image/v2/images[/{id}]`, `DELETE /image/v2/images/{id}` | images |
//!
//! The catalog lists `identity` (`.../identity/v3`), `compute` (`.../compute/v2.1`),
//! `network` (`.../network`) and `image` (`.../image`) in `RegionOne`, each with public,
//! internal and admin endpoints pointing at this server.
//!
//! # Behaviour
//!
//! - **Auth.** Password (user by name + domain, or by id), application credential (by id, or by
//!   name + user) and token methods; project (by id, or by name + domain), domain and system
//!   scope. Bad credentials answer 401 with Keystone's `{"error": {...}}` body. Every compute and
//!   network call needs a valid, unexpired `X-Auth-Token` from this server, else 401 with the
//!   same body and `WWW-Authenticate: Keystone uri="..."`; a token not scoped to the project
//!   gets 403. Version documents need no token.
//! - **Headers.** Every answer carries `x-openstack-request-id: req-<uuid>`; compute answers also
//!   `x-compute-request-id` and the microversion (`OpenStack-API-Version`,
//!   `X-OpenStack-Nova-API-Version`, `Vary`).
//! - **Microversions.** `OpenStack-API-Version: compute X.Y` (wins) or
//!   `X-OpenStack-Nova-API-Version: X.Y`; `latest` is 2.100; none is 2.1; out of range is 406,
//!   malformed 400. Bodies change with the version as Nova's do (flavor embedded in servers from
//!   2.47, `description` 2.19, `tags` 2.26, `locked` 2.9, `networks` required from 2.37, ...).
//! - **Servers.** New servers are `BUILD` for the build delay, showing Nova's task states
//!   (`scheduling`, none, `networking`, `block_device_mapping`, `spawning`), then `ACTIVE`, or
//!   `ERROR` with a `fault` (see [`FakeCloud::fail_server_builds`] and
//!   [`FakeCloudBuilder::fail_builds_with_prefix`]). State advances lazily from timestamps on
//!   each read, using Tokio's clock (so paused-time tests work). Lists are newest first and
//!   filter on `name` (a regex subset: literals, `.`, `*`, `^`, `$`, `\`; unanchored),
//!   `status`, `flavor`, `image`, `changes-since` (also returns deleted servers) and
//!   `changes-before`. Paging follows Nova: `limit` is capped at `max_limit` (also the page
//!   size when no limit is given); a full page carries
//!   `servers_links: [{"rel": "next", "href": ".../servers/detail?limit=N&marker=LAST"}]`, so an
//!   exactly full last page is followed by an empty one; an unknown marker is 400
//!   `marker [x] not found`. `imageRef` must name an active image of the fake Glance
//!   (`400 Can not find requested image`; see [`FakeCloud::IMAGE_ID`]) that fits the flavor,
//!   `key_name` an existing keypair (`400 Invalid key_name provided.`), and
//!   `os:scheduler_hints.group` an existing server group, which the server joins; the one fake
//!   host takes one member of an `anti-affinity` group (or `max_server_per_host`), so the next
//!   build ends in `ERROR` with `No valid host was found`. Lists also filter on `tags`,
//!   `tags-any`, `not-tags`, `not-tags-any` (2.26) and `locked` (2.73).
//! - **Server actions.** Each takes the action delay and shows Nova's task states on the way
//!   (`rebooting` → `reboot_pending` → `reboot_started`; `pausing`; `resize_prep` →
//!   `resize_migrating` → `resize_migrated` → `resize_finish`, then `VERIFY_RESIZE` on the new
//!   flavor; `rebuilding` → `rebuild_block_device_mapping` → `rebuild_spawning`;
//!   `image_snapshot_pending` → `image_snapshot` → `image_uploading`; …). Nova's guards are
//!   applied in Nova's order, with its 409 messages: `Instance {id} is locked` (when the user
//!   is not admin, see [`FakeCloudBuilder::admin`]), `Instance {id} is not ready`, `Cannot
//!   'pause' instance {id} while it is in vm_state paused`, `... task_state rebooting`.
//!   `confirmResize` answers 204 and leaves the server `VERIFY_RESIZE` until done (a second
//!   confirm is `400 Instance has not been resized.`); `createImage` makes a private snapshot
//!   image (`queued` → `saving` → `active`) and names it in `Location` before 2.45, in
//!   `image_id` from 2.45; `lock` keeps `locked_reason` (2.73). A second `DELETE` of a server
//!   being deleted is 204, as Nova answers. Bodies are validated with Nova's messages
//!   (`Invalid input for field/attribute type. Value: GENTLE. 'GENTLE' is not one of [...]`).
//! - **Keypairs.** Imported OpenSSH keys get Nova's MD5 fingerprint (X.509 certificates a SHA-1
//!   one); below 2.92 a keypair without `public_key` is generated (Ed25519 in OpenSSH format,
//!   where Nova makes RSA keys) and its `private_key` returned once. 200/202 at 2.1, 201/204
//!   from 2.2; lists page by name from 2.35.
//! - **Server groups.** `policies` below 2.64, `policy` and `rules` from 2.64 (rules only for
//!   `anti-affinity`), `project_id`/`user_id` from 2.13, members as servers join and leave.
//! - **Images.** Six seeded images (CirrOS 0.6.2, Ubuntu 24.04 and a hidden 22.04, a private
//!   Debian 12, a community CirrOS 0.5.2, a `queued` upload) plus snapshots. Lists filter on
//!   `name`, `id`, `status`, `container_format`, `disk_format` (also `in:a,b`), `visibility`
//!   (`community` only when asked), `os_hidden`, `protected`, `owner`, `tag` (all of them),
//!   `size_min`/`size_max` and any other key as a property; sort with `sort_key`/`sort_dir` or
//!   `sort=key:dir` (default `created_at` descending); page with `limit` (default 25, at most
//!   1000) and `marker`, a full page carrying Glance's relative `next` link. Errors are
//!   webob's JSON (`{"message": "No image found with ID x<br /><br />\n\n\n", "code": "404 Not
//!   Found", "title": "Not Found"}`).
//! - **Networks.** Filters on any scalar attribute (`name`, `status`, `shared`,
//!   `router:external`, `project_id`/`tenant_id`, ...; unknown filters are 400), `tags`,
//!   `sort_key`/`sort_dir`, `fields`, and Neutron paging (`limit`, `marker`, `page_reverse`,
//!   `networks_links` with `next` and `previous`). Deleting a network a server uses is 409
//!   `NetworkInUse`. Seeded: `public` (external, subnet `172.24.4.0/24`) and `private`
//!   (`10.0.0.0/24`). Subnets, ports, routers, floating IPs and security groups list the same
//!   way; every Neutron resource has `revision_number` and honours `If-Match:
//!   revision_number=N` (412 `RevisionNumberConstraintFailed`), and faults are
//!   `{"NeutronError": {"type", "message", "detail"}}` with Neutron 28's types and messages.
//! - **Routers.** `external_gateway_info` on a `router:external` network makes a
//!   `network:router_gateway` port; `add_router_interface` by subnet makes a
//!   `network:router_interface` port on the subnet's gateway IP (by port, the port becomes the
//!   interface); next hops of extra routes must be on a connected subnet (400 `InvalidRoutes`).
//!   Deleting a router with interfaces is 409 `RouterInUse`, a subnet with one 409
//!   `SubnetInUse`, a router's or floating IP's port 409 `ServicePortInUse`.
//! - **Floating IPs.** Addresses come from the external network's subnet; association needs a
//!   router joining the port's subnet to that network (404 `ExternalGatewayForFloatingIPNotFound`)
//!   and fills `port_id`, `fixed_ip_address`, `router_id`, `port_details`; `status` is `ACTIVE`
//!   while associated (as with an L3 agent or OVN), else `DOWN`.
//! - **Security groups.** Each project's `default` group (ingress from itself and egress, IPv4
//!   and IPv6) is made on its first group list, group create or port create; new groups get the
//!   two egress rules; ports without `security_groups` get `default`. Rules are validated with
//!   Neutron's checks and errors (`SecurityGroupRuleExists` 409 for a duplicate, …). An admin
//!   may delete `default` (the next list makes a new one); without the admin role
//!   ([`FakeCloudBuilder::admin`]) it is 409 `SecurityGroupCannotRemoveDefault`.
//! - **Failures.** Malformed JSON is a 400 shaped like the service's faults; the server never
//!   panics on input. [`FakeCloud::fail_next`] and [`FakeCloud::inject_fault`] make the next
//!   requests fail; [`FakeCloud::expire_tokens`] revokes every token.
//!
//! Paths with an empty segment (`/servers/`, `/servers//action`) are 404, as a real cloud would
//! answer a URL built from an empty id.

mod builder;
mod cloud;
mod fault;
mod glance;
mod http;
mod ids;
mod keystone;
mod neutron;
mod nova;
mod record;
mod seed;
mod server;
mod state;

pub use builder::FakeCloudBuilder;
pub use cloud::FakeCloud;
pub use fault::InjectedFault;
pub use record::{REDACTED, RequestRecord};
pub use seed::{
    FakeFlavor, FakeImage, FakeKeypair, FakeNetwork, FakeServer, FakeSubnet, SeedError,
    SeededNetwork,
};
