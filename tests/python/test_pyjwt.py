"""PyJWT as a resource server would use it: keys from the JWKS, and
tokens minted with the development realm's own private key."""

import json
import time
import uuid
from pathlib import Path

import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from conftest import ALICE, PUBLIC_CLIENT, REALM, TIMEOUT


def password_grant(server, user=ALICE) -> dict:
    url = f"{server.realm_url}/protocol/openid-connect/token"
    form = {
        "grant_type": "password",
        "client_id": PUBLIC_CLIENT,
        "username": user[0],
        "password": user[1],
        "scope": "openid",
    }
    response = requests.post(url, data=form, timeout=TIMEOUT)
    assert response.status_code == 200, response.json().get("error")
    return response.json()


def test_pyjwkclient_verifies_an_access_token(server):
    token = password_grant(server)["access_token"]
    keys = jwt.PyJWKClient(server.jwks_url, timeout=TIMEOUT)

    signing_key = keys.get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        audience="samples-api",
        issuer=server.issuer(),
    )

    assert claims["typ"] == "Bearer"
    assert claims["preferred_username"] == "alice"


def test_pyjwkclient_verifies_an_id_token_for_the_client(server):
    token = password_grant(server)["id_token"]
    keys = jwt.PyJWKClient(server.jwks_url, timeout=TIMEOUT)

    signing_key = keys.get_signing_key_from_jwt(token)
    claims = jwt.decode(
        token, signing_key.key, algorithms=["RS256"], audience=PUBLIC_CLIENT
    )

    assert claims["typ"] == "ID"


def test_a_refresh_tokens_key_is_not_in_the_jwks(server):
    token = password_grant(server)["refresh_token"]
    keys = jwt.PyJWKClient(server.jwks_url, timeout=TIMEOUT)

    assert jwt.get_unverified_header(token)["alg"] == "HS512"
    with pytest.raises(jwt.PyJWKClientError):
        keys.get_signing_key_from_jwt(token)


def test_every_signing_key_in_the_jwks_loads(server):
    document = requests.get(server.jwks_url, timeout=TIMEOUT).json()

    signing = [key for key in document["keys"] if key.get("use") == "sig"]
    loaded = [jwt.PyJWK(key) for key in signing]

    assert loaded and all(key.algorithm_name == "RS256" for key in loaded)


# -------------------------------------------------------------------------
# Tokens minted with the development realm's private key.


def active_dev_key(data_dir: str) -> tuple[str, str]:
    """The kid and PKCS#8 PEM of the active key in ``keys.json``."""
    store = json.loads((Path(data_dir) / "keys.json").read_text())
    active = [key for key in store["signing"] if key["retired_at"] is None]
    assert len(active) == 1, "keys.json has one active signing key"
    return active[0]["kid"], active[0]["private_key_pem"]


def mint(issuer: str, kid: str, pem: str, roles: list[str]) -> str:
    now = int(time.time())
    claims = {
        "exp": now + 300,
        "iat": now,
        "jti": str(uuid.uuid4()),
        "iss": issuer,
        "aud": ["samples-api", "account"],
        "sub": str(uuid.uuid4()),
        "typ": "Bearer",
        "azp": PUBLIC_CLIENT,
        "realm_access": {"roles": roles},
        "preferred_username": "minted-by-pytest",
    }
    return jwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid})


def test_a_token_minted_with_the_dev_key_is_accepted(dev, dev_data_dir):
    kid, pem = active_dev_key(dev_data_dir)
    token = mint(dev.issuer(), kid, pem, ["user"])

    valid = dev.call_samples("/api/valid", token)
    me = dev.call_samples("/api/me", token)

    assert valid.status_code == 200
    assert me.json()["username"] == "minted-by-pytest"


def test_a_minted_admin_token_passes_the_role_check(dev, dev_data_dir):
    kid, pem = active_dev_key(dev_data_dir)

    user = dev.call_samples("/api/valid-admin", mint(dev.issuer(), kid, pem, ["user"]))
    admin = dev.call_samples("/api/valid-admin", mint(dev.issuer(), kid, pem, ["admin"]))

    assert user.status_code == 403
    assert admin.status_code == 200


def test_a_token_signed_by_another_key_with_the_dev_kid_is_refused(dev, dev_data_dir):
    kid, _ = active_dev_key(dev_data_dir)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()

    response = dev.call_samples("/api/valid", mint(dev.issuer(), kid, pem, ["user"]))

    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_the_keycloak_app_refuses_a_token_of_the_dev_realm(keycloak, dev, dev_data_dir):
    kid, pem = active_dev_key(dev_data_dir)
    token = mint(dev.issuer(), kid, pem, ["user"])

    response = keycloak.call_samples("/api/valid", token)

    assert response.status_code == 401
