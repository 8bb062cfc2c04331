//! Dispatch of the server actions beyond those of `actions.rs`: rescue and shelve
//! (`rescue_shelve.rs`), the admin actions (`admin_actions.rs`), soft delete
//! (`soft_delete.rs`) and the guest actions (`guest_actions.rs`).

use serde_json::Value;

use super::{Microversion, admin_actions, guest_actions, rescue_shelve, soft_delete};
use crate::testing::http::Resp;
use crate::testing::server::Ctx;

/// Performs the action `name` with `args`; `None` when no such action exists.
pub(crate) fn action(
    ctx: &Ctx<'_>,
    version: Microversion,
    id: &str,
    name: &str,
    args: &Value,
) -> Option<Resp> {
    let result = match name {
        "rescue" => rescue_shelve::rescue(ctx, id, args),
        "unrescue" => rescue_shelve::unrescue(ctx, id),
        "shelve" => rescue_shelve::shelve(ctx, id),
        "shelveOffload" => rescue_shelve::shelve_offload(ctx, id),
        "unshelve" => rescue_shelve::unshelve(ctx, version, id, args),
        "migrate" => admin_actions::migrate(ctx, version, id, args),
        "os-migrateLive" => admin_actions::live_migrate(ctx, version, id, args),
        "evacuate" => admin_actions::evacuate(ctx, version, id, args),
        "os-resetState" => admin_actions::reset_state(ctx, id, args),
        "restore" => soft_delete::restore(ctx, id),
        "forceDelete" => soft_delete::force_delete(ctx, id),
        "createBackup" => guest_actions::create_backup(ctx, version, id, args),
        "changePassword" => guest_actions::change_password(ctx, id, args),
        "trigger_crash_dump" => guest_actions::trigger_crash_dump(ctx, version, id),
        "addSecurityGroup" => guest_actions::security_group(ctx, id, args, true),
        "removeSecurityGroup" => guest_actions::security_group(ctx, id, args, false),
        _ => return None,
    };
    Some(result.unwrap_or_else(|resp| resp))
}
