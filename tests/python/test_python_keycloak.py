"""python-keycloak's KeycloakOpenID against both providers, unchanged."""

import pytest
from jwcrypto import jwk
from jwcrypto.jws import InvalidJWSSignature
from jwcrypto.jwt import JWTMissingKey
from keycloak import KeycloakOpenID
from keycloak.exceptions import KeycloakAuthenticationError, KeycloakPostError

from conftest import ALICE, API_CLIENT, PUBLIC_CLIENT, REALM, SERVICE, TIMEOUT


def openid(server, client_id=PUBLIC_CLIENT, secret=None) -> KeycloakOpenID:
    return KeycloakOpenID(
        server_url=server.idp_url,
        realm_name=REALM,
        client_id=client_id,
        client_secret_key=secret,
        timeout=TIMEOUT,
    )


def test_password_grant_returns_keycloaks_token_response(server):
    client = openid(server)

    tokens = client.token(*ALICE, scope="openid")

    assert tokens["token_type"] == "Bearer"
    assert {"access_token", "id_token", "refresh_token"} <= tokens.keys()
    assert tokens["expires_in"] > 0
    assert "openid" in tokens["scope"].split()


def test_wrong_password_raises_keycloaks_authentication_error(server):
    client = openid(server)

    # Keycloak answers a wrong password with 400 invalid_grant (not 401),
    # which python-keycloak raises as a plain POST error.
    with pytest.raises((KeycloakPostError, KeycloakAuthenticationError)) as raised:
        client.token(ALICE[0], "not-the-password")

    assert raised.value.response_code == 400
    assert b"invalid_grant" in raised.value.response_body


def test_refresh_returns_new_tokens_that_verify(server):
    client = openid(server)
    first = client.token(*ALICE, scope="openid")

    second = client.refresh_token(first["refresh_token"])

    assert second["access_token"] != first["access_token"]
    claims = client.decode_token(second["access_token"])
    assert claims["preferred_username"] == "alice"


def test_userinfo_returns_the_users_profile(server):
    client = openid(server)
    tokens = client.token(*ALICE, scope="openid")

    info = client.userinfo(tokens["access_token"])

    assert info["preferred_username"] == "alice"
    assert info["email_verified"] is True
    assert {"sub", "name", "given_name", "family_name", "email"} <= info.keys()


def test_decode_token_verifies_against_the_realm_jwks(server):
    client = openid(server)
    tokens = client.token(*ALICE, scope="openid")
    issuer = server.issuer()

    claims = client.decode_token(
        tokens["access_token"], check_claims={"iss": issuer, "exp": None}
    )

    assert claims["azp"] == PUBLIC_CLIENT
    assert "user" in claims["realm_access"]["roles"]
    assert "samples-api" in claims["aud"]


def test_decode_token_verifies_with_the_realm_public_key(server):
    client = openid(server)
    tokens = client.token(*ALICE, scope="openid")

    pem = (
        "-----BEGIN PUBLIC KEY-----\n"
        + client.public_key()
        + "\n-----END PUBLIC KEY-----"
    )
    key = jwk.JWK.from_pem(pem.encode())
    claims = client.decode_token(tokens["access_token"], key=key)

    assert claims["preferred_username"] == "alice"


def test_decode_token_refuses_a_tampered_token(server):
    client = openid(server)
    token = client.token(*ALICE, scope="openid")["access_token"]
    header, payload, signature = token.split(".")
    flipped = "A" if signature[0] != "A" else "B"
    tampered = ".".join([header, payload, flipped + signature[1:]])

    # With a key set, jwcrypto reports that no key verifies the signature.
    with pytest.raises((JWTMissingKey, InvalidJWSSignature)):
        client.decode_token(tampered)


def test_service_account_token_is_accepted_by_the_samples_app(server):
    client = openid(server, *SERVICE)

    tokens = client.token(grant_type="client_credentials")

    claims = client.decode_token(tokens["access_token"])
    assert claims["preferred_username"] == "service-account-samples-service"
    assert "refresh_token" not in tokens
    response = server.call_samples("/api/valid", tokens["access_token"])
    assert response.status_code == 200


def test_introspection_by_the_audience_client_says_active(server):
    user = openid(server)
    token = user.token(*ALICE, scope="openid")["access_token"]
    api = openid(server, *API_CLIENT)

    result = api.introspect(token)

    assert result["active"] is True
    assert result["username"] == "alice"
    assert result["client_id"] == PUBLIC_CLIENT


def test_logout_ends_the_session_so_refresh_fails(server):
    client = openid(server)
    tokens = client.token(*ALICE, scope="openid")

    client.logout(tokens["refresh_token"])

    with pytest.raises(KeycloakPostError) as raised:
        client.refresh_token(tokens["refresh_token"])
    assert raised.value.response_code == 400
    assert b"invalid_grant" in raised.value.response_body


def test_the_samples_app_accepts_the_python_clients_token(server):
    client = openid(server)
    token = client.token(*ALICE, scope="openid")["access_token"]

    response = server.call_samples("/api/valid", token)

    assert response.status_code == 200
    assert response.json() == "OK!"
