//! Key persistence across restarts and rotation while running.

use std::time::Duration;

use crate::helpers::{
    decode_unverified, kids, spawn_app, spawn_app_in, text, verify_with_jwks, ALICE,
};

const ONE_HOUR: Duration = Duration::from_secs(3600);

#[tokio::test]
async fn the_signing_key_survives_a_restart() {
    let before = spawn_app().await;
    let login = before.login_ok(ALICE, "openid").await;
    let token = text(&login, "access_token");

    let after = spawn_app_in(before.data_dir.clone(), ONE_HOUR).await;

    assert_eq!(kids(&after.jwks().await), kids(&before.jwks().await));
    assert!(verify_with_jwks(token, &after.jwks().await, &before.issuer()).is_ok());
}

#[tokio::test]
async fn the_key_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;

    let metadata = std::fs::metadata(app.data_path().join("keys.json")).unwrap();

    assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
}

#[tokio::test]
async fn a_running_server_picks_up_a_rotated_key() {
    let app = spawn_app().await;
    let old_login = app.login_ok(ALICE, "openid").await;
    let old_token = text(&old_login, "access_token");
    let (old_header, _) = decode_unverified(old_token);

    let new_kid = accounts::rotate_key(app.data_path()).unwrap();

    let jwks = app.wait_for_kid(&new_kid).await;
    assert_eq!(
        kids(&jwks),
        [new_kid.clone(), text(&old_header, "kid").to_owned()]
    );
    assert!(verify_with_jwks(old_token, &jwks, &app.issuer()).is_ok());
    let new_login = app.login_ok(ALICE, "openid").await;
    let (new_header, _) = decode_unverified(text(&new_login, "access_token"));
    assert_eq!(new_header["kid"], new_kid);
}

#[tokio::test]
async fn the_old_key_leaves_the_jwks_after_the_grace_period() {
    let app = spawn_app_in(
        std::sync::Arc::new(tempfile::tempdir().unwrap()),
        Duration::ZERO,
    )
    .await;
    let old_kid = kids(&app.jwks().await).remove(0);

    let new_kid = accounts::rotate_key(app.data_path()).unwrap();

    let jwks = app.wait_for_kid(&new_kid).await;
    assert_eq!(kids(&jwks), [new_kid]);
    assert!(!kids(&jwks).contains(&old_kid));
}

#[tokio::test]
async fn realm_info_follows_the_rotated_key() {
    let app = spawn_app().await;
    let (_, before) = app.get_json("/realms/samples").await;

    let new_kid = accounts::rotate_key(app.data_path()).unwrap();
    app.wait_for_kid(&new_kid).await;

    let (_, after) = app.get_json("/realms/samples").await;
    assert_ne!(before["public_key"], after["public_key"]);
}
