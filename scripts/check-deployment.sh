#!/usr/bin/env bash
# Check the container deployment without a container engine:
#   1. deployment/docker-compose.yml is parsed and validated by the real
#      Docker Compose CLI (`docker-compose config`: compose schema,
#      interpolation, references between services);
#   2. every applications/*/Dockerfile passes hadolint, which also runs
#      ShellCheck on its RUN instructions.
#
# The tools are pinned in deployment/check-tools.txt and installed from
# PyPI into .venv at the repository root on first use; later runs with the
# same pins install nothing. The Rust test tests/compose.rs checks what the
# file means (versions, mounts, issuer wiring) against a real Keycloak.
#
# Environment (optional): PYTHON, the interpreter to build .venv from
# (default: python3).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly VENV="${REPO_ROOT}/.venv"
readonly TOOLS="${REPO_ROOT}/deployment/check-tools.txt"
readonly STAMP="${VENV}/.check-tools.sha256"
readonly COMPOSE_FILE="${REPO_ROOT}/deployment/docker-compose.yml"
readonly PYTHON="${PYTHON:-python3}"

say() {
    printf 'check-deployment.sh: %s\n' "$*" >&2
}

die() {
    say "error: $*"
    exit 1
}

install_tools() {
    local wanted
    wanted="$(sha256sum "${TOOLS}" | cut -d' ' -f1)"
    if [[ -x "${VENV}/bin/docker-compose" && -x "${VENV}/bin/hadolint" &&
        -r "${STAMP}" && "$(cat "${STAMP}")" == "${wanted}" ]]; then
        return 0
    fi

    command -v "${PYTHON}" >/dev/null 2>&1 ||
        die "${PYTHON} not found; install Python 3 or set PYTHON"
    if [[ ! -x "${VENV}/bin/python" ]]; then
        "${PYTHON}" -m venv "${VENV}" ||
            die "cannot create ${VENV} (on Debian: apt-get install python3-venv)"
    fi
    local log
    log="$(mktemp)"
    if ! "${VENV}/bin/python" -m pip install --quiet --disable-pip-version-check \
        --only-binary=:all: --requirement "${TOOLS}" >"${log}" 2>&1; then
        tail -n 20 "${log}" >&2
        rm -f "${log}"
        die "pip could not install ${TOOLS}; see the lines above"
    fi
    rm -f "${log}"
    printf '%s\n' "${wanted}" >"${STAMP}"
}

check_compose_file() {
    say "validating ${COMPOSE_FILE#"${REPO_ROOT}/"} with $("${VENV}/bin/docker-compose" version --short 2>/dev/null | sed 's/^/Docker Compose /')"
    # No engine is asked: `config` only reads, resolves and validates.
    # DOCKER_HOST is cleared so nothing could try one.
    DOCKER_HOST="" "${VENV}/bin/docker-compose" --file "${COMPOSE_FILE}" \
        config --quiet
}

lint_dockerfiles() {
    local dockerfiles=("${REPO_ROOT}"/applications/*/Dockerfile)
    [[ -e "${dockerfiles[0]}" ]] || die "no applications/*/Dockerfile found"
    say "linting ${#dockerfiles[@]} Dockerfile(s) with $("${VENV}/bin/hadolint" --version)"
    "${VENV}/bin/hadolint" --no-color "${dockerfiles[@]}"
}

main() {
    (($# == 0)) || die "takes no arguments"
    [[ -r "${TOOLS}" ]] || die "cannot read ${TOOLS}"
    install_tools

    local failed=0
    check_compose_file || { say "FAILED: the compose file is invalid"; failed=1; }
    lint_dockerfiles || { say "FAILED: hadolint found problems"; failed=1; }
    ((failed == 0)) || exit 1
    say "deployment checks passed"
}

main "$@"
