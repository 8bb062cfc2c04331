//! A test kit: an in-process fake OpenStack cloud (Keystone, Nova, Neutron, Glance) to test
//! your own code against, without a cloud, mocks or network access.
//!
//! [`FakeCloud`] is a real HTTP/1.1 server (keep-alive on) on `127.0.0.1` with in-memory state.
//! Bodies, headers and status codes follow the services (Keystone 29, Nova 33, Neutron 28,
//! Glance v2), checked against real ones (see [Faithfulness](#faithfulness)), so code that works
//! against it speaks the real protocol: through this crate's [`Client`](crate::Client), through
//! any other HTTP client, or from another process (the openstack CLI, openstacksdk, Terraform)
//! with `examples/fakecloud.rs`. Enable it with the cargo feature `testing`, usually only for
//! tests:
//!
//! ```toml
//! [dev-dependencies]
//! stackclient = { version = "0.1", features = ["testing"] }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! A test starts a fake, seeds what it needs, runs the code under test with a client for the
//! fake, injects faults, and asserts on the state and on the requests the fake received:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use stackclient::compute::ServerStatus;
//! use stackclient::testing::{FakeCloud, FakeFlavor, FakeServer, InjectedFault};
//!
//! // Start (a free port) with a flavor of our own and a server that is already ACTIVE.
//! let fake = FakeCloud::builder()
//!     .flavor(FakeFlavor::new("c1.large").id("100").ram(16384).vcpus(8))
//!     .server(FakeServer::new("db-1").flavor("100"))
//!     .start()
//!     .await?;
//! let client = fake.client()?; // password auth as the fake's admin user
//!
//! // Nova fails twice, then answers: the GET is retried.
//! fake.inject_fault(
//!     InjectedFault::new(503).path_prefix("/compute/v2.1/servers").times(2).retry_after(Duration::ZERO),
//! );
//! let active = client.compute().servers().list().status(ServerStatus::Active).all().await?;
//! assert_eq!(active.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["db-1"]);
//!
//! let lists: Vec<_> = fake
//!     .requests()
//!     .into_iter()
//!     .filter(|r| r.path == "/compute/v2.1/servers/detail")
//!     .collect();
//! assert_eq!(lists.iter().map(|r| r.status).collect::<Vec<_>>(), [503, 503, 200]);
//! assert_eq!(lists[2].query_param("status").as_deref(), Some("ACTIVE"));
//! # Ok(())
//! # }
//! ```
//!
//! # Starting
//!
//! - [`FakeCloud::start`] starts one with the defaults: user `admin` / password `secret` in
//!   project `admin` (domain `Default`), region `RegionOne`, tokens valid an hour, builds and
//!   actions taking 300 ms, the seeds below; [`FakeCloud::builder`] changes any of that
//!   ([`FakeCloudBuilder`]: timings, user, project, admin role, `max_limit`, which seeds, a fixed
//!   [`port`](FakeCloudBuilder::port)). Each fake is independent, so tests run in parallel; it
//!   stops when dropped. It runs on the test's Tokio runtime (current-thread runtimes work) and
//!   uses Tokio's clock, so tests with paused time do not wait for builds.
//! - [`FakeCloud::client`] gives a [`Client`](crate::Client) for it,
//!   [`FakeCloud::options`] the [`ClientOptions`](crate::ClientOptions) to build clients from
//!   (e.g. with a timeout), [`FakeCloud::config`] the [`CloudConfig`](crate::CloudConfig)
//!   (password auth; [`FakeCloud::app_credential_config`] an application credential), and
//!   [`FakeCloud::clouds_yaml`] a `clouds.yaml` for other processes. [`FakeCloud::url`],
//!   [`FakeCloud::auth_url`], [`FakeCloud::compute_url`] and the others give the endpoints;
//!   [`FakeCloud::issue_token`] a token without a login.
//!
//! # Seeding
//!
//! | what | default seeds | add your own (builder, or at runtime; the ids are returned) |
//! | --- | --- | --- |
//! | flavors | m1.tiny (`1`), m1.small (`2`), m1.nano (`42`) | [`FakeFlavor`]: [`FakeCloudBuilder::flavor`], [`FakeCloud::add_flavor`] |
//! | images | six, among them CirrOS 0.6.2 ([`FakeCloud::IMAGE_ID`]) | [`FakeImage`]: [`FakeCloudBuilder::image`], [`FakeCloud::add_image`] |
//! | networks, subnets | `public` (external, `172.24.4.0/24`), `private` (`10.0.0.0/24`) | [`FakeNetwork`], [`FakeSubnet`]: [`FakeCloudBuilder::network`], [`FakeCloud::add_network`] ([`SeededNetwork`]) |
//! | keypairs | none | [`FakeKeypair`]: [`FakeCloudBuilder::keypair`], [`FakeCloud::add_keypair`] |
//! | servers | none | [`FakeServer`] (already `ACTIVE`): [`FakeCloudBuilder::server`], [`FakeCloud::add_server`] |
//! | projects, users | `admin` with the user `admin` | [`FakeProject`] (its users, member or admin): [`FakeCloudBuilder::with_project`], [`FakeCloud::add_project`] |
//!
//! [`FakeCloudBuilder::seed_flavors`], [`seed_images`](FakeCloudBuilder::seed_images) and
//! [`seed_networks`](FakeCloudBuilder::seed_networks) leave the defaults out. Networks, subnets,
//! keypairs and servers are made through the fake's own API, so a seed the real service would
//! refuse fails with its answer ([`SeedError`]: `400 Flavor 9 could not be found.`). Look seeds
//! up by name with [`FakeCloud::flavor_id`], [`image_id`](FakeCloud::image_id),
//! [`network_id`](FakeCloud::network_id), [`subnet_id`](FakeCloud::subnet_id),
//! [`server_id`](FakeCloud::server_id). Anything else (routers, security groups, ports, server
//! groups, …) a test creates through the API as a client would.
//!
//! **Projects.** The fake's own user has its roles in the fake's own project (name set with
//! [`FakeCloudBuilder::project`]; its tokens may also be scoped to the domain or the system),
//! where resources go by default. [`FakeProject`] adds projects with users of their own;
//! seeds name their project with [`FakeServer::project`], [`FakeNetwork::project`],
//! [`FakeImage::project`] (and a keypair its user, [`FakeKeypair::user`]); a test acts as a user
//! with [`FakeCloud::client_as`] (or [`config_as`](FakeCloud::config_as)). Each service then
//! shows each project what its default policy does: a member sees its own project's servers
//! and the shared and external networks, another project's resources answer 404, changing a
//! visible one that is not its own 403 (see [`FakeProject`]). [`FakeCloudBuilder::admin`]`(false)`
//! makes the fake's own user a plain member, for the policy checks the fake models.
//!
//! # Injecting faults
//!
//! [`FakeCloud::inject_fault`] queues an [`InjectedFault`] for the next matching requests,
//! matched by service ([`on_compute`](InjectedFault::on_compute), `on_network`, `on_identity`,
//! `on_image`), [`path_prefix`](InjectedFault::path_prefix), [`method`](InjectedFault::method),
//! [`times`](InjectedFault::times):
//!
//! | fault | the client sees |
//! | --- | --- |
//! | [`InjectedFault::new`]`(503)` | that status, with the service's fault body and request id (`Retry-After` with [`retry_after`](InjectedFault::retry_after)) |
//! | [`InjectedFault::rate_limit`]`(d)` | `429` with `Retry-After` |
//! | [`InjectedFault::delay`]`(d)` | the real answer, late (for timeouts) |
//! | [`InjectedFault::reset`]`()` | the connection closed without an answer (the request is not applied) |
//!
//! [`FakeCloud::fail_next`]`(n, status)` (count first) is `new(status).times(n)` for any path; [`FakeCloud::clear_faults`]
//! drops what is queued. [`FakeCloud::expire_tokens`] revokes every token (the next request is
//! 401 and a client re-authenticates); [`FakeCloudBuilder::token_lifetime`] makes them expire on
//! their own. [`FakeCloud::fail_server_builds`] and
//! [`FakeCloudBuilder::fail_builds_with_prefix`] make builds end in `ERROR` with a fault.
//!
//! # Reading the requests
//!
//! [`FakeCloud::requests`] returns every request received, oldest first, as a
//! [`RequestRecord`]: method, path, query ([`query_param`](RequestRecord::query_param)),
//! headers ([`header`](RequestRecord::header)), JSON body, status answered, request id,
//! microversion asked for, whether the token was valid and whether a fault was injected.
//! Tokens, passwords and secrets read [`REDACTED`]. [`FakeCloud::clear_requests`] starts a new
//! log; [`FakeCloud::token_requests`] counts logins.
//!
//! # For other processes
//!
//! `cargo run --example fakecloud -- --port 5999` serves a fake until Ctrl-C and writes a
//! `clouds.yaml` for it (`--clouds-yaml PATH`, default `./fakecloud-clouds.yaml`, cloud
//! `fakecloud`); it prints the `export OS_CLIENT_CONFIG_FILE=… OS_CLOUD=fakecloud` to use it.
//! `tests/fakecloud_cli.rs` runs python-openstackclient 9 against it: `token issue`,
//! `flavor list`, `network list`, `image list`, `server list`, `server create --wait` (by
//! names), `port list --device-id`, `console log show`, `server delete --wait`. By hand, these
//! work as well: `server show`, `reboot [--hard] --wait`, `stop`, `start`, `pause`,
//! `unpause`, `lock`, `unlock`, `resize --wait` and `resize confirm`, `server image create
//! --wait`, `server set --property`, `server add port` / `remove port`, `keypair create`
//! (generated or `--public-key`), `keypair list`, `flavor show`, `image show`, `image delete`,
//! `network create`/`delete`, `subnet create`/`list`/`show`, `port create`/`list`, `router
//! create`/`set --external-gateway`/`add subnet`/`show`, `floating ip create`/`list`,
//! `security group create`/`list`, `security group rule create`/`list`, `server group
//! create`/`list`, `limits show --absolute`, `quota show`, `availability zone list --compute`
//! / `--network`, `catalog list`, `versions show`; and (`tests/fakecloud_cli_admin.rs`)
//! `server event list`/`show`, `hypervisor list`, `compute service list`/`set --down`, `server
//! evacuate`, `server migration list`, `aggregate create`/`add host`, `flavor create --private`,
//! `flavor set --property`, `console url show`. Not served (404): Keystone's admin API
//! (`project list`, `user list`, `endpoint list`), volumes (and so volume attachments), and
//! image upload or create (`image create`).
//!
//! # Faithfulness
//!
//! `tests/fake_vs_real.rs` runs one scenario against the fake and, when `OS_CLOUD` is set,
//! against a real cloud (`.ci/run` uses the loopback minicloud: Keystone 29, Nova 33, Neutron
//! 28 under uWSGI) and compares what a client observes: 401 bodies and `WWW-Authenticate`, 404
//! bodies of Nova and Neutron, the typed errors, `limit=1` paging links of Nova and Neutron,
//! network, subnet and port bodies, booting on a port, the task states of a build and of a
//! reboot, a second delete while deleting (204) and after (404), the port unbound after the
//! server is gone; 43 observations are the same. A second scenario runs as an admin and as a
//! member of another project (the minicloud's `demo`): the member's 404s and 403s on the
//! admin's private and shared networks, server, server group and keypairs, and what its lists
//! show; its 21 observations are the same. The differences kept, and why:
//!
//! - **`Date`.** The fake's answers carry a `Date` header; Nova and Neutron under uWSGI without
//!   a web server in front (the minicloud) send none. Deployments behind Apache, nginx or
//!   HAProxy send it, and it is what a client estimates clock skew from.
//! - **Optional Neutron extensions.** Networks show `dns_domain`, `l2_adjacency` and
//!   `qos_policy_id`, as in the API reference (a deployment with DNS integration, segments and
//!   QoS); the minicloud's ML2 shows `vlan_transparent` and `qinq` instead. Which fields a
//!   network has depends on the deployment's extensions either way; `GET /v2.0/extensions`
//!   lists the 43 whose behaviour the fake models.
//! - **Image service.** The minicloud's image service is a stub; the fake answers as Glance
//!   does (webob's JSON errors, Glance's list filters and paging).
//! - **Timing.** Builds, actions and deletes take the builder's delays (300 ms, 300 ms, none),
//!   where a loopback Nova takes seconds; a deleted server is gone at once unless
//!   [`FakeCloudBuilder::delete_delay`] is set, so a second `DELETE` is then 404, not 204.
//!   Task states are shown in Nova's order, each for an equal share of the delay.
//! - **One host**, and no Keystone admin API (projects and users are seeded, not created
//!   through `/v3/projects`); images are read-only through the API (seed them instead).
//!   Glance's per-project visibility follows its documentation (the minicloud has no Glance to
//!   compare with), without image members. With one compute host (`fake-host`, node
//!   `fake-host.localdomain`, the only hypervisor and service host) a cold migration is refused
//!   (`400 No valid host was found. No valid host found for cold migrate`) and a live migration
//!   or an evacuation is accepted and then fails in the conductor (migration `error`; an
//!   evacuated server `ERROR`), as on a real one-host cloud.
//!
//! Malformed JSON is a 400 shaped like the service's faults and the server never panics on
//! input. Nova's faults are `application/json; charset=UTF-8`, as webob sends them.
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
//! | `POST /compute/v2.1/servers/{id}/action` | `reboot`, `os-start`, `os-stop`, `pause`, `unpause`, `suspend`, `resume`, `lock`, `unlock`, `resize`, `confirmResize`, `revertResize`, `rebuild`, `createImage`, `os-getConsoleOutput`, `rescue`, `unrescue`, `shelve`, `shelveOffload`, `unshelve`, `createBackup`, `changePassword`, `trigger_crash_dump` (2.17), `addSecurityGroup`, `removeSecurityGroup`, `restore`, `forceDelete`, and for admins `migrate`, `os-migrateLive`, `evacuate`, `os-resetState` |
//! | `POST /compute/v2.1/servers/{id}/remote-consoles` | a noVNC URL (2.6+; other consoles are disabled, 400) |
//! | `GET /compute/v2.1/servers/{id}/os-instance-actions[/{request_id}]` | every action recorded with its request id and events (paged from 2.58) |
//! | `GET /compute/v2.1/servers/{id}/ips[/{label}]`, `/diagnostics` (admin), `/topology` (2.78), `GET`, `DELETE …/os-server-password` | addresses, the fake driver's diagnostics, no NUMA topology, the guest's password ([`FakeCloud::post_server_password`]) |
//! | `/compute/v2.1/servers/{id}/metadata[/{key}]` | `GET`, `POST` (merge), `PUT` (replace), `DELETE` |
//! | `/compute/v2.1/servers/{id}/tags[/{tag}]` | `GET`, `PUT`, `DELETE` (2.26+) |
//! | `/compute/v2.1/servers/{id}/os-interface[/{port_id}]` | list, attach (200), show, detach (202) |
//! | `/compute/v2.1/os-keypairs[/{name}]` | list, create (import; generate below 2.92), show, delete |
//! | `/compute/v2.1/os-server-groups[/{id}]` | list, create, show, delete |
//! | `POST /compute/v2.1/flavors`, `PUT`, `DELETE /flavors/{id}` | flavor management (admin) |
//! | `/compute/v2.1/flavors/{id}/os-extra_specs[/{key}]` | a flavor's extra specs: `GET`, `POST` (merge), `PUT`, `DELETE` (admin; checked from 2.86) |
//! | `GET /compute/v2.1/flavors/{id}/os-flavor-access`, `POST /flavors/{id}/action` | private flavors' access (`addTenantAccess`, `removeTenantAccess`) |
//! | `GET /compute/v2.1/limits`, `/os-quota-sets/{project}[/detail\|/defaults]`, `PUT`, `DELETE /os-quota-sets/{project}` | Nova's default quotas unless set, usage counted |
//! | `GET /compute/v2.1/os-availability-zone[/detail]` | `nova` (or the host's aggregate zone) and `internal` on the one host |
//! | `/compute/v2.1/os-aggregates[/{id}]`, `POST /os-aggregates/{id}/action` | host aggregates (admin): `add_host`, `remove_host`, `set_metadata` |
//! | `GET /compute/v2.1/os-hypervisors[/detail]`, `/os-hypervisors/{id}` | the one compute node (admin) |
//! | `GET /compute/v2.1/os-services`, `PUT /os-services/{id}` (2.53) | conductor, scheduler, compute; disable, force down (admin) |
//! | `GET /compute/v2.1/os-migrations` | resize, migration, live-migration and evacuation records (admin) |
//! | `GET /network/` | `{"versions": [v2.0]}` |
//! | `GET, POST /network/v2.0/networks`, `GET, PUT, DELETE /networks/{id}` | networks |
//! | `… /subnets[/{id}]`, `… /ports[/{id}]` | subnets (IPv4), ports |
//! | `… /routers[/{id}]`, `PUT /routers/{id}/add_router_interface` (`remove_…`, `add_extraroutes`, `remove_extraroutes`) | routers |
//! | `… /floatingips[/{id}]` | floating IPs |
//! | `… /security-groups[/{id}]`, `GET, POST /security-group-rules`, `GET, DELETE /security-group-rules/{id}` | security groups and rules |
//! | `GET, PUT, DELETE …/{networks,subnets,ports,routers,floatingips,security-groups}/{id}/tags[/{tag}]` | tags (list, replace, clear, check, add, remove) |
//! | `GET /network/v2.0/extensions[/{alias}]` | the extensions modelled |
//! | `… /quotas[/{project}[/details\|/default]]` (`GET`, `PUT`, `DELETE`) | Neutron's defaults, a project's own limits, usage |
//! | `GET /network/v2.0/availability_zones`, `… /agents[/{id}]` (`GET`, `PUT`, `DELETE`) | `nova` for networks and routers; the agents of one ML2/OVS node (admin) |
//! | `GET /network/v2.0/network-ip-availabilities[/{network_id}]` | IP availability (admin) |
//! | `… /subnetpools[/{id}]`, `PUT /subnetpools/{id}/add_prefixes` (`remove_prefixes`), `… /address-scopes[/{id}]` | subnet pools (IPv4), address scopes |
//! | `… /rbac-policies[/{id}]` | RBAC policies (`network`, `qos_policy`, `address_scope`, `subnetpool`, `security_group`) |
//! | `… /trunks[/{id}]`, `PUT /trunks/{id}/add_subports` (`remove_subports`), `GET /trunks/{id}/get_subports` | trunks |
//! | `… /floatingips/{id}/port_forwardings[/{pf_id}]` | port forwardings (single ports) |
//! | `… /qos/policies[/{id}]`, `… /qos/policies/{id}/{bandwidth_limit,dscp_marking,minimum_bandwidth,minimum_packet_rate}_rules[/{rule_id}]`, `GET /qos/rule-types[/{type}]` | QoS policies, rules, rule types |
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
//!   same body and `WWW-Authenticate: Keystone uri="..."`; a token not scoped to a project gets
//!   403. A user can scope a token to its own project only (another is Keystone's 401). Version documents need no token.
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
//!   `tags-any`, `not-tags`, `not-tags-any` (2.26) and `locked` (2.73). Each address of a
//!   server is a Neutron port (`device_owner` `compute:nova`, `device_id` the server, the
//!   server's security groups): `networks: [{"uuid"}]` makes one, `[{"port"}]` binds an existing
//!   free one (`400 Port id … could not be found.`, `409 Port … is still in use.`); deleting
//!   the server (or detaching the interface) deletes the ports Nova made and unbinds the ones
//!   it was given; a build that found no host gives its ports back and shows no addresses.
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
//!   being deleted is 204, as Nova answers. `rescue` (`rescuing`, 200 with `adminPass`) and
//!   `unrescue`; `shelve` (`shelving` → `shelving_image_pending_upload` →
//!   `shelving_image_uploading`, an image `<name>-shelved` in Glance) ends `SHELVED_OFFLOADED`
//!   with no host ([`FakeCloudBuilder::shelved_offload_time`] keeps it `SHELVED`), `unshelve`
//!   (a zone or host only for an offloaded server, 409) deletes the image; `createBackup` makes
//!   a `backup` image and deletes the oldest beyond `rotation`; `changePassword` shows
//!   `PASSWORD`; with [`FakeCloudBuilder::reclaim_instance_interval`] a `DELETE` soft-deletes
//!   (`SOFT_DELETED` until reclaimed; `restore`, `forceDelete`). Every action is recorded as an
//!   instance action with the request id it was answered with and its events
//!   (`compute_stop_instance`, …; finished when the action is), resizes and migrations also as
//!   migration records (`pre-migrating` → … → `finished` → `confirmed`). Admin-only calls answer
//!   a member 403 `Policy doesn't allow os_compute_api:… to be performed.` Private flavors are
//!   listed and shown to admins and to projects given access. `POST /servers` checks the
//!   project's instances, cores and RAM quotas (Nova's defaults: 10, 20, 51200 MiB; set with
//!   `PUT /os-quota-sets`): 403 `Quota exceeded for instances: Requested 1, but already used
//!   10 of 10 instances`, and its `availability_zone` against the host's zone (`nova`, or the
//!   zone of an aggregate holding `fake-host`). Bodies are validated with Nova's messages
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
//! - **Subnet pools, address scopes.** Pools compact their prefixes as Neutron (`10.10.0.0/16` +
//!   `10.11.0.0/16` is `10.10.0.0/15`); a subnet created with `subnetpool_id` (and `prefixlen`,
//!   or a `cidr` inside the pool, or `use_default_subnetpool`) takes the first block of the
//!   smallest free range, as Neutron's allocator; `MinPrefixSubnetAllocationError`,
//!   `SubnetPoolDeleteError` while subnets use a pool, `AddressScopeInUse` while a pool is in a
//!   scope. Only IPv4 pools (as only IPv4 subnets).
//! - **RBAC.** Policies keep their `target_tenant`; a wildcard `access_as_shared` is what
//!   `shared` shows (networks, QoS policies, address scopes, subnet pools) and
//!   `access_as_external` what `router:external` shows, both ways (setting the flag makes the
//!   policy; the seeded `public` network has one); `DuplicateRbacPolicy`, `RbacPolicyInUse` when
//!   another project's ports depend on it. Which projects may see what is not modelled yet (one
//!   project).
//! - **Trunks, port forwardings, QoS.** Trunks are `DOWN` until the parent port is bound to a
//!   server; a port is in at most one trunk (`TrunkPortInUse`, `PortInUseAsSubPort`, also on
//!   port delete), VLAN ids are 1–4094 and unique per trunk (`DuplicateSubPort`). Port
//!   forwardings need an unassociated floating IP, the internal port's address and a router to
//!   the floating IP's network, one per `(protocol, external_port)`. QoS rules are validated with
//!   Neutron's ranges and DSCP marks, one per type and direction; a policy a network uses is
//!   `QosPolicyInUse`.
//! - **Agents, quotas.** Seeded agents (Open vSwitch, DHCP and L3 in zone `nova`, metadata) are
//!   alive and admin only (an empty list and 404 otherwise); the availability zones are what
//!   they report. Quotas are set (admin, integers ≥ -1) and reset per project.
//! - **Failures.** See [Injecting faults](#injecting-faults).
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
mod projects;
mod record;
mod seed;
mod server;
mod state;

pub use builder::FakeCloudBuilder;
pub use cloud::FakeCloud;
pub use fault::InjectedFault;
pub use projects::FakeProject;
pub use record::{REDACTED, RequestRecord};
pub use seed::{
    FakeFlavor, FakeImage, FakeKeypair, FakeNetwork, FakeServer, FakeSubnet, SeedError,
    SeededNetwork,
};
