//! Role checks the spec cannot express, made in code.

use api::User;

/// Whether `user` may read every report: the `reader` role of the
/// `samples-api` client. A spec requirement such as `bearerAuth: [admin]`
/// names realm roles only; client roles are checked like this.
pub fn can_read_every_report(user: &User) -> bool {
    user.has_client_role("samples-api", "reader") || user.has_realm_role("admin")
}
