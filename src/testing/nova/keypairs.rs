//! `/os-keypairs`: list (paged by name from 2.35), create (import, or generate below 2.92),
//! show, delete. Keypairs belong to a user and are named (unique per user), not numbered.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::schema::{self, invalid, object, required};
use super::{Microversion, Paging, crypto, fault};
use crate::testing::http::Resp;
use crate::testing::ids;
use crate::testing::server::Ctx;

/// Nova's default `key_pairs` quota.
const QUOTA: usize = 100;

/// A keypair.
#[derive(Clone, Debug)]
pub(crate) struct Keypair {
    /// Nova's database id (shown by `GET /os-keypairs/{name}`).
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) public_key: String,
    pub(crate) fingerprint: String,
    /// `ssh` or `x509`.
    pub(crate) key_type: &'static str,
    pub(crate) created_at: DateTime<Utc>,
    /// The user the keypair belongs to (names are unique per user).
    pub(crate) user_id: String,
}

fn not_found(user_id: &str, name: &str) -> Resp {
    fault(404, &format!("Keypair {name} not found for user {user_id}"))
}

/// Whose keypairs a request is about: the caller's, or (2.10+) the `user_id` query parameter's,
/// which Nova lets only admins name.
fn owner<'a>(ctx: &'a Ctx<'_>, version: Microversion, rule: &str) -> Result<&'a str, Resp> {
    match ctx
        .req
        .query_first("user_id")
        .filter(|_| version.at_least(10))
    {
        Some(u) if u != ctx.user_id() && !ctx.is_admin() => Err(fault(
            403,
            &format!("Policy doesn't allow os_compute_api:os-keypairs:{rule} to be performed."),
        )),
        Some(u) => Ok(u),
        None => Ok(ctx.user_id()),
    }
}

/// Whether the keypair belongs to `user_id` and is called `name`.
pub(crate) fn owned(k: &Keypair, user_id: &str, name: &str) -> bool {
    k.user_id == user_id && k.name == name
}

/// `GET /os-keypairs`: `{"keypairs": [{"keypair": {name, public_key, fingerprint, type}}]}`,
/// sorted by name; `limit` and `marker` (a name) from 2.35, with `keypairs_links`.
pub(crate) fn list(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    let paging = if version.at_least(35) {
        match Paging::from_request(ctx.req, ctx.shared.settings.max_limit) {
            Ok(p) => Some(p),
            Err(resp) => return resp,
        }
    } else {
        None
    };
    let user = match owner(ctx, version, "index") {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let state = ctx.shared.lock();
    let mut all: Vec<&Keypair> = state
        .keypairs
        .iter()
        .filter(|k| k.user_id == user)
        .collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    let page: Vec<&Keypair> = match &paging {
        None => all,
        Some(p) => {
            if let Some(m) = p.marker {
                if !all.iter().any(|k| k.name == m) {
                    return fault(400, &format!("Marker {m} could not be found."));
                }
            }
            all.into_iter()
                .filter(|k| p.marker.is_none_or(|m| k.name.as_str() > m))
                .take(p.limit)
                .collect()
        }
    };
    let items: Vec<Value> = page
        .iter()
        .map(|k| {
            let mut m = Map::new();
            m.insert("name".into(), json!(k.name));
            m.insert("public_key".into(), json!(k.public_key));
            m.insert("fingerprint".into(), json!(k.fingerprint));
            if version.at_least(2) {
                m.insert("type".into(), json!(k.key_type));
            }
            json!({ "keypair": m })
        })
        .collect();
    let mut body = Map::new();
    body.insert("keypairs".into(), Value::Array(items));
    if let Some(p) = &paging {
        if let Some(links) = p.next_links(
            ctx.req,
            &ctx.shared.base,
            "os-keypairs",
            page.len(),
            page.last().map(|k| k.name.as_str()),
        ) {
            body.insert("keypairs_links".into(), links);
        }
    }
    Resp::json(200, &Value::Object(body))
}

/// `GET /os-keypairs/{name}`.
pub(crate) fn show(ctx: &Ctx<'_>, version: Microversion, name: &str) -> Resp {
    let user = match owner(ctx, version, "show") {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let state = ctx.shared.lock();
    let Some(k) = state.keypairs.iter().find(|k| owned(k, user, name)) else {
        return not_found(user, name);
    };
    let mut m = Map::new();
    m.insert("name".into(), json!(k.name));
    m.insert("public_key".into(), json!(k.public_key));
    m.insert("fingerprint".into(), json!(k.fingerprint));
    m.insert("user_id".into(), json!(k.user_id));
    m.insert("created_at".into(), json!(ids::micros_naive(k.created_at)));
    m.insert("deleted".into(), json!(false));
    m.insert("deleted_at".into(), Value::Null);
    m.insert("id".into(), json!(k.id));
    m.insert("updated_at".into(), Value::Null);
    if version.at_least(2) {
        m.insert("type".into(), json!(k.key_type));
    }
    Resp::json(200, &json!({ "keypair": m }))
}

/// `POST /os-keypairs`: 200 (2.1) or 201 (2.2+) with the keypair; the private key too when
/// Nova generated it (no `public_key`, below 2.92).
pub(crate) fn create(ctx: &Ctx<'_>, version: Microversion) -> Resp {
    match create_inner(ctx, version) {
        Ok(resp) | Err(resp) => resp,
    }
}

fn create_inner(ctx: &Ctx<'_>, version: Microversion) -> Result<Resp, Resp> {
    let Some(body) = ctx.req.json_body() else {
        return Err(fault(400, "Malformed request body"));
    };
    object("", &body)?;
    schema::keys("", &body, &["keypair"], &["keypair"])?;
    let params = required("", &body, "keypair")?;
    object("keypair", params)?;
    let mut allowed = vec!["name", "public_key"];
    if version.at_least(2) {
        allowed.push("type");
    }
    if version.at_least(10) {
        allowed.push("user_id");
    }
    let needed: &[&str] = if version.at_least(92) {
        &["name", "public_key"]
    } else {
        &["name"]
    };
    schema::keys("keypair", params, needed, &allowed)?;
    let name_value = required("keypair", params, "name")?;
    let name = schema::string("name", name_value, 1, 255)?;
    let (pattern, extra_chars) = if version.at_least(92) {
        (r"'^[_\\-\\@\\. a-zA-Z0-9]+$'", "_-@. ")
    } else {
        (r"'^[_\\- a-zA-Z0-9]+$'", "_- ")
    };
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || extra_chars.contains(c))
    {
        return Err(invalid(
            "name",
            name_value,
            &format!("{} does not match {pattern}", schema::py(name_value)),
        ));
    }
    schema::name("name", name_value)?;
    let key_type = match params
        .get("type")
        .map(|v| schema::one_of("type", v, &["ssh", "x509"]))
    {
        None => "ssh",
        Some(Err(resp)) => return Err(resp),
        Some(Ok("x509")) => "x509",
        Some(Ok(_)) => "ssh",
    };
    if let Some(u) = params.get("user_id") {
        schema::string("user_id", u, 0, usize::MAX)?;
    }
    let public_key = params
        .get("public_key")
        .map(|v| schema::string("public_key", v, 0, usize::MAX))
        .transpose()?;

    let (public_key, fingerprint, private_key) = match public_key {
        Some(pk) => {
            let fingerprint = if key_type == "x509" {
                crypto::x509_fingerprint(pk).map_err(|e| {
                    fault(
                        400,
                        &format!(
                            "Keypair data is invalid: failed to generate X509 fingerprint. \
                             Error message: {e}"
                        ),
                    )
                })?
            } else {
                crypto::ssh_fingerprint(pk).ok_or_else(|| {
                    fault(
                        400,
                        "Keypair data is invalid: failed to generate fingerprint",
                    )
                })?
            };
            (pk.to_string(), fingerprint, None)
        }
        None if key_type == "x509" => {
            return Err(fault(
                400,
                "Keypair data is invalid: this fake cloud does not generate x509 \
                 certificates; import one",
            ));
        }
        None => {
            let (private, public, fingerprint) = crypto::generate()
                .ok_or_else(|| fault(500, "Unexpected API Error. Key generation failed."))?;
            (public, fingerprint, Some(private))
        }
    };

    let user_id = ctx.user_id().to_string();
    let mut state = ctx.shared.lock();
    if state.keypairs.iter().any(|k| owned(k, &user_id, name)) {
        return Err(fault(409, &format!("Key pair '{name}' already exists.")));
    }
    if state
        .keypairs
        .iter()
        .filter(|k| k.user_id == user_id)
        .count()
        >= QUOTA
    {
        return Err(fault(403, "Quota exceeded, too many key pairs."));
    }
    state.keypair_seq += 1;
    let id = state.keypair_seq;
    state.keypairs.push(Keypair {
        id,
        name: name.to_string(),
        public_key: public_key.clone(),
        fingerprint: fingerprint.clone(),
        key_type,
        created_at: Utc::now(),
        user_id,
    });
    drop(state);

    let mut m = Map::new();
    if let Some(private) = private_key {
        m.insert("private_key".into(), json!(private));
    }
    if version.at_least(2) {
        m.insert("type".into(), json!(key_type));
    }
    m.insert("name".into(), json!(name));
    m.insert("public_key".into(), json!(public_key));
    m.insert("fingerprint".into(), json!(fingerprint));
    m.insert("user_id".into(), json!(ctx.user_id()));
    let status = if version.at_least(2) { 201 } else { 200 };
    Ok(Resp::json(status, &json!({ "keypair": m })))
}

/// `DELETE /os-keypairs/{name}`: 202 (2.1) or 204 (2.2+).
pub(crate) fn delete(ctx: &Ctx<'_>, version: Microversion, name: &str) -> Resp {
    let user = match owner(ctx, version, "delete") {
        Ok(u) => u,
        Err(resp) => return resp,
    };
    let mut state = ctx.shared.lock();
    let Some(pos) = state.keypairs.iter().position(|k| owned(k, user, name)) else {
        drop(state);
        return not_found(user, name);
    };
    state.keypairs.remove(pos);
    Resp::empty(if version.at_least(2) { 204 } else { 202 })
}
