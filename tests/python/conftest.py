"""Fixtures of the Python interop tests.

The servers come from the environment that ``run_interop.sh`` sets up:

- ``DEV_IDP_URL``: the development identity provider (base URL, no realm);
- ``DEV_IDP_DATA_DIR``: its data directory (holds ``keys.json``);
- ``SAMPLES_DEV_URL``: a samples app that trusts the development provider;
- ``KEYCLOAK_URL``: the real Keycloak;
- ``SAMPLES_KC_URL``: a samples app that trusts the real Keycloak.

A missing variable fails the tests that need it: they never skip.
"""

import os
from dataclasses import dataclass

import pytest
import requests

REALM = "samples"
PUBLIC_CLIENT = "samples-web"
SERVICE = ("samples-service", "samples-service-dev-secret")
API_CLIENT = ("samples-api", "samples-api-dev-secret")
ALICE = ("alice", "alice-dev-password")
ADA = ("ada", "ada-dev-password")

# Seconds one HTTP request may take.
TIMEOUT = 15


def require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        pytest.fail(
            f"{name} is not set: run tests/python/run_interop.sh, which starts "
            "the servers (KEYCLOAK_URL from scripts/keycloak.sh's keycloak.env)",
            pytrace=False,
        )
    return value.rstrip("/")


@dataclass(frozen=True)
class Server:
    """An identity provider and the samples app that trusts it."""

    name: str
    idp_url: str
    samples_url: str

    @property
    def realm_url(self) -> str:
        return f"{self.idp_url}/realms/{REALM}"

    @property
    def jwks_url(self) -> str:
        return f"{self.realm_url}/protocol/openid-connect/certs"

    def issuer(self) -> str:
        """The issuer as the provider's discovery document states it."""
        url = f"{self.realm_url}/.well-known/openid-configuration"
        response = requests.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        return response.json()["issuer"]

    def call_samples(self, path: str, token: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        url = f"{self.samples_url}{path}"
        return requests.get(url, headers=headers, timeout=TIMEOUT)


def dev_server() -> Server:
    return Server("dev", require_env("DEV_IDP_URL"), require_env("SAMPLES_DEV_URL"))


def keycloak_server() -> Server:
    return Server("keycloak", require_env("KEYCLOAK_URL"), require_env("SAMPLES_KC_URL"))


@pytest.fixture(params=["dev", "keycloak"])
def server(request) -> Server:
    """Each test that takes ``server`` runs against both providers."""
    return dev_server() if request.param == "dev" else keycloak_server()


@pytest.fixture
def dev() -> Server:
    return dev_server()


@pytest.fixture
def keycloak() -> Server:
    return keycloak_server()


@pytest.fixture
def dev_data_dir() -> str:
    return require_env("DEV_IDP_DATA_DIR")
