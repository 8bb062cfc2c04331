//! Keystone v3 under `/identity`: version documents and `/v3/auth/tokens`.

use hyper::Method;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::http::{Resp, reason};
use super::ids;
use super::server::Ctx;
use super::state::{Caller, Project, Shared, State, Token, TokenScope, User};

/// Keystone's fault body: `{"error": {"code", "title", "message"}}`.
pub(crate) fn error(status: u16, message: &str) -> Resp {
    Resp::json(
        status,
        &json!({"error": {"code": status, "title": reason(status), "message": message}}),
    )
}

/// 401 with `WWW-Authenticate: Keystone uri="..."`, as Keystone and keystonemiddleware answer.
pub(crate) fn unauthorized(shared: &Shared, message: &str) -> Resp {
    error(401, message).with_header(
        "www-authenticate",
        &format!("Keystone uri=\"{}\"", shared.identity_url()),
    )
}

const GENERIC_401: &str = "The request you have made requires authentication.";

fn validation_error(what: &str) -> Resp {
    error(
        400,
        &format!(
            "{what} The server could not comply with the request since it is either malformed or \
             otherwise incorrect. The client is assumed to be in error."
        ),
    )
}

fn method_not_allowed() -> Resp {
    error(405, "The method is not allowed for the requested URL.")
}

/// Routes a request below `/identity` (`rest` starts with `/` or is empty).
pub(crate) fn route(ctx: &Ctx<'_>, rest: &str) -> Resp {
    let get = matches!(ctx.req.method, Method::GET | Method::HEAD);
    match rest {
        "" | "/" if get => versions(ctx.shared),
        "/v3" | "/v3/" if get => Resp::json(200, &json!({"version": version_doc(ctx.shared)})),
        "" | "/" | "/v3" | "/v3/" => method_not_allowed(),
        "/v3/auth/tokens" => match ctx.req.method {
            Method::POST => issue(ctx),
            Method::GET | Method::HEAD => validate(ctx),
            Method::DELETE => revoke(ctx),
            _ => method_not_allowed(),
        },
        _ if ctx.scope().is_none() => ctx.unauthorized(),
        _ => error(404, "The resource could not be found."),
    }
}

fn version_doc(shared: &Shared) -> Value {
    json!({
        "id": "v3.14",
        "status": "stable",
        "updated": "2020-04-07T00:00:00Z",
        "links": [{"rel": "self", "href": format!("{}/identity/v3/", shared.base)}],
        "media-types": [{
            "base": "application/json",
            "type": "application/vnd.openstack.identity-v3+json"
        }]
    })
}

/// `GET /identity`: 300 Multiple Choices, as Keystone answers at its root.
fn versions(shared: &Shared) -> Resp {
    Resp::json(300, &json!({"versions": {"values": [version_doc(shared)]}}))
}

/// Who authenticated, and how.
struct Subject {
    methods: Vec<&'static str>,
    app_cred: bool,
    /// The authenticated user.
    user: User,
    /// A scope the subject brings along (application credentials), else `None`.
    fixed_scope: Option<TokenScope>,
}

type AuthResult<T> = Result<T, Resp>;

fn issue(ctx: &Ctx<'_>) -> Resp {
    let shared = ctx.shared;
    let Some(body) = ctx.req.json_body() else {
        return validation_error("Malformed request body: the body is not valid JSON.");
    };
    let Some(auth) = body.get("auth").and_then(Value::as_object) else {
        return validation_error("Expecting to find auth in request body.");
    };
    let Some(identity) = auth.get("identity").and_then(Value::as_object) else {
        return validation_error("Expecting to find identity in auth.");
    };
    let methods: Vec<&str> = match identity.get("methods").and_then(Value::as_array) {
        Some(m) => m.iter().filter_map(Value::as_str).collect(),
        None => return validation_error("Expecting to find methods in identity."),
    };
    let subject = match methods.first().copied() {
        Some("password") => password(shared, identity.get("password")),
        Some("application_credential") => {
            application_credential(shared, identity.get("application_credential"))
        }
        Some("token") => token_method(ctx, identity.get("token")),
        Some(other) => Err(unauthorized(
            shared,
            &format!("Attempted to authenticate with an unsupported method: {other}."),
        )),
        None => Err(validation_error("Expecting to find methods in identity.")),
    };
    let subject = match subject {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    let caller = match (subject.fixed_scope, auth.get("scope")) {
        (Some(_), Some(_)) => {
            return unauthorized(
                shared,
                "Error authenticating with application credential: Application credentials \
                 cannot request a scope.",
            );
        }
        (Some(fixed), None) => Caller {
            scope: fixed,
            user_id: subject.user.id.clone(),
            project_id: subject.user.project_id.clone(),
            admin: subject.user.admin,
        },
        (None, scope) => match resolve_scope(shared, &subject.user, scope) {
            Ok(c) => c,
            Err(resp) => return resp,
        },
    };

    let token = Token::new(
        shared.settings.token_lifetime,
        subject.methods,
        caller,
        subject.app_cred,
    );
    let id = ids::fernet_token();
    let mut state = shared.lock();
    let body = token_body(shared, &state, &token, true);
    state.tokens.insert(id.clone(), token);
    drop(state);
    Resp::json(201, &body)
        .with_header("x-subject-token", &id)
        .with_header("vary", "X-Auth-Token")
}

fn domain_matches(shared: &Shared, domain: Option<&Value>) -> AuthResult<bool> {
    let Some(domain) = domain.and_then(Value::as_object) else {
        return Err(validation_error("Expecting to find domain in user."));
    };
    let id = shared.identity.domain_id;
    let name = shared.identity.domain_name;
    Ok(match (domain.get("id"), domain.get("name")) {
        (Some(v), _) => v.as_str() == Some(id),
        (None, Some(v)) => v.as_str() == Some(name),
        (None, None) => return Err(validation_error("Expecting to find id or name in domain.")),
    })
}

/// The user a `user` object names (by id, or by name + domain); `None` when there is none.
fn find_user(shared: &Shared, user: &Map<String, Value>) -> AuthResult<Option<User>> {
    let state = shared.lock();
    if let Some(id) = user.get("id") {
        return Ok(state
            .users
            .iter()
            .find(|u| id.as_str() == Some(u.id.as_str()))
            .cloned());
    }
    let Some(name) = user.get("name") else {
        return Err(validation_error("Expecting to find id or name in user."));
    };
    if !domain_matches(shared, user.get("domain"))? {
        return Ok(None);
    }
    Ok(state
        .users
        .iter()
        .find(|u| name.as_str() == Some(u.name.as_str()))
        .cloned())
}

fn password(shared: &Shared, method: Option<&Value>) -> AuthResult<Subject> {
    let Some(user) = method
        .and_then(|m| m.get("user"))
        .and_then(Value::as_object)
    else {
        return Err(validation_error("Expecting to find user in password."));
    };
    let given = user.get("password").and_then(Value::as_str);
    match find_user(shared, user)? {
        Some(found) if given == Some(found.password.as_str()) => Ok(Subject {
            methods: vec!["password"],
            app_cred: false,
            user: found,
            fixed_scope: None,
        }),
        _ => Err(unauthorized(shared, GENERIC_401)),
    }
}

/// The fake's own user (the application credential's owner).
fn primary_user(shared: &Shared) -> AuthResult<User> {
    let state = shared.lock();
    state
        .users
        .iter()
        .find(|u| u.id == shared.identity.user_id)
        .cloned()
        .ok_or_else(|| unauthorized(shared, GENERIC_401))
}

fn application_credential(shared: &Shared, method: Option<&Value>) -> AuthResult<Subject> {
    let Some(cred) = method.and_then(Value::as_object) else {
        return Err(validation_error(
            "Expecting to find application_credential in identity.",
        ));
    };
    let identity = &shared.identity;
    let known = if let Some(id) = cred.get("id") {
        id.as_str() == Some(identity.app_cred_id.as_str())
    } else if let Some(name) = cred.get("name") {
        let Some(user) = cred.get("user").and_then(Value::as_object) else {
            return Err(validation_error(
                "Expecting to find user in application_credential.",
            ));
        };
        find_user(shared, user)?.is_some_and(|u| u.id == identity.user_id)
            && name.as_str() == Some(identity.app_cred_name)
    } else {
        return Err(validation_error(
            "Expecting to find id or name in application_credential.",
        ));
    };
    let secret_ok =
        cred.get("secret").and_then(Value::as_str) == Some(identity.app_cred_secret.as_str());
    if known && secret_ok {
        Ok(Subject {
            methods: vec!["application_credential"],
            app_cred: true,
            user: primary_user(shared)?,
            fixed_scope: Some(TokenScope::Project),
        })
    } else {
        Err(unauthorized(shared, GENERIC_401))
    }
}

fn token_method(ctx: &Ctx<'_>, method: Option<&Value>) -> AuthResult<Subject> {
    let id = method.and_then(|m| m.get("id")).and_then(Value::as_str);
    if id.is_none() {
        return Err(validation_error("Expecting to find id in token."));
    }
    let user = ctx.shared.caller(id).and_then(|c| {
        let state = ctx.shared.lock();
        state.users.iter().find(|u| u.id == c.user_id).cloned()
    });
    match user {
        Some(user) => Ok(Subject {
            methods: vec!["token"],
            app_cred: false,
            user,
            fixed_scope: None,
        }),
        None => Err(unauthorized(ctx.shared, GENERIC_401)),
    }
}

/// The caller a token for `user` with the requested `scope` speaks for. A project scope needs
/// a role on the project (each user has roles on one project); domain and system scopes need
/// the `admin` role, except for the fake's own user, who holds them on the domain and system
/// whatever its project roles. Anything else is Keystone's 401.
fn resolve_scope(shared: &Shared, user: &User, scope: Option<&Value>) -> AuthResult<Caller> {
    let mut caller = Caller {
        scope: TokenScope::Unscoped,
        user_id: user.id.clone(),
        project_id: String::new(),
        admin: false,
    };
    let scope = match scope {
        None => return Ok(caller),
        Some(Value::String(s)) if s == "unscoped" => return Ok(caller),
        Some(Value::Object(o)) => o,
        Some(_) => {
            return Err(validation_error(
                "Expecting to find project, domain or system in scope.",
            ));
        }
    };
    let beyond_projects = user.admin || user.id == shared.identity.user_id;
    if let Some(project) = scope.get("project").and_then(Value::as_object) {
        let found: Option<Project> = if let Some(id) = project.get("id") {
            let state = shared.lock();
            state
                .projects
                .iter()
                .find(|p| id.as_str() == Some(p.id.as_str()))
                .cloned()
        } else if let Some(name) = project.get("name") {
            let domain_ok = domain_matches(shared, project.get("domain"))?;
            let state = shared.lock();
            state
                .projects
                .iter()
                .find(|p| domain_ok && name.as_str() == Some(p.name.as_str()))
                .cloned()
        } else {
            return Err(validation_error("Expecting to find id or name in project."));
        };
        return match found {
            Some(p) if p.id == user.project_id => {
                caller.scope = TokenScope::Project;
                caller.project_id = p.id;
                caller.admin = user.admin;
                Ok(caller)
            }
            _ => Err(unauthorized(shared, GENERIC_401)),
        };
    }
    if scope.contains_key("domain") {
        return if domain_matches(shared, scope.get("domain"))? && beyond_projects {
            caller.scope = TokenScope::Domain;
            caller.admin = user.admin;
            Ok(caller)
        } else {
            Err(unauthorized(shared, GENERIC_401))
        };
    }
    if let Some(system) = scope.get("system") {
        return if system.get("all").and_then(Value::as_bool) == Some(true) && beyond_projects {
            caller.scope = TokenScope::System;
            caller.admin = user.admin;
            Ok(caller)
        } else {
            Err(unauthorized(shared, GENERIC_401))
        };
    }
    Err(validation_error(
        "Expecting to find project, domain or system in scope.",
    ))
}

/// The `{"token": {...}}` body for an issued or validated token.
fn token_body(shared: &Shared, state: &State, token: &Token, with_catalog: bool) -> Value {
    let identity = &shared.identity;
    let user = state.users.iter().find(|u| u.id == token.user_id);
    let project = state.projects.iter().find(|p| p.id == token.project_id);
    let user_name = user.map_or("", |u| u.name.as_str());
    let project_name = project.map_or("", |p| p.name.as_str());
    let domain = json!({"id": identity.domain_id, "name": identity.domain_name});
    let mut body = Map::new();
    body.insert("methods".into(), json!(token.methods));
    body.insert(
        "user".into(),
        json!({
            "domain": domain,
            "id": token.user_id,
            "name": user_name,
            "password_expires_at": null
        }),
    );
    body.insert("audit_ids".into(), json!([token.audit_id]));
    body.insert(
        "issued_at".into(),
        json!(ids::keystone_time(token.issued_at)),
    );
    body.insert(
        "expires_at".into(),
        json!(ids::keystone_time(token.expires_at)),
    );
    match token.scope {
        TokenScope::Unscoped => {}
        TokenScope::Project => {
            body.insert(
                "project".into(),
                json!({"domain": domain, "id": token.project_id, "name": project_name}),
            );
            body.insert("is_domain".into(), json!(false));
        }
        TokenScope::Domain => {
            body.insert("domain".into(), domain.clone());
        }
        TokenScope::System => {
            body.insert("system".into(), json!({"all": true}));
        }
    }
    if token.scope != TokenScope::Unscoped {
        let roles: Vec<Value> = identity
            .roles
            .iter()
            .filter(|(_, name)| token.admin || *name != "admin")
            .map(|(id, name)| json!({"id": id, "name": name}))
            .collect();
        body.insert("roles".into(), Value::Array(roles));
        if with_catalog {
            body.insert("catalog".into(), catalog(shared));
        }
    }
    if token.app_cred {
        body.insert(
            "application_credential".into(),
            json!({"id": identity.app_cred_id, "name": identity.app_cred_name, "restricted": true}),
        );
    }
    json!({"token": body})
}

/// Identity, compute and network in `RegionOne`, public/internal/admin, all on this server.
fn catalog(shared: &Shared) -> Value {
    let services: Vec<Value> = shared
        .identity
        .catalog
        .iter()
        .map(|s| {
            let endpoints: Vec<Value> = s
                .endpoints
                .iter()
                .map(|(interface, id)| {
                    json!({
                        "id": id,
                        "interface": interface,
                        "region": "RegionOne",
                        "region_id": "RegionOne",
                        "url": format!("{}{}", shared.base, s.path)
                    })
                })
                .collect();
            json!({"type": s.service_type, "name": s.name, "id": s.id, "endpoints": endpoints})
        })
        .collect();
    Value::Array(services)
}

/// `GET /v3/auth/tokens`: validates `X-Subject-Token` for a caller with a valid `X-Auth-Token`.
fn validate(ctx: &Ctx<'_>) -> Resp {
    if ctx.scope().is_none() {
        return ctx.unauthorized();
    }
    let Some(subject) = ctx.req.header("x-subject-token") else {
        return error(404, "Could not find token: .");
    };
    let with_catalog = ctx.req.query_first("nocatalog").is_none();
    let body = {
        let state = ctx.shared.lock();
        state
            .tokens
            .get(subject)
            .filter(|t| Instant::now() < t.expires)
            .map(|t| token_body(ctx.shared, &state, t, with_catalog))
    };
    match body {
        Some(body) => Resp::json(200, &body).with_header("x-subject-token", subject),
        None => error(404, &format!("Could not find token: {subject}.")),
    }
}

/// `DELETE /v3/auth/tokens`: revokes `X-Subject-Token`.
fn revoke(ctx: &Ctx<'_>) -> Resp {
    if ctx.scope().is_none() {
        return ctx.unauthorized();
    }
    let subject = ctx.req.header("x-subject-token").unwrap_or_default();
    match ctx.shared.lock().tokens.remove(subject) {
        Some(_) => Resp::empty(204),
        None => error(404, &format!("Could not find token: {subject}.")),
    }
}
