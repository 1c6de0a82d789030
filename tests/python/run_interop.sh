#!/usr/bin/env bash
# Run the Python interop tests against both identity providers.
#
# Needs a running real Keycloak: KEYCLOAK_URL (as in the keycloak.env that
# `scripts/keycloak.sh start` writes). Starts, on 127.0.0.1 only:
#   - the suite binary (development provider + a samples app that trusts
#     it), ports picked by the OS, URLs read from its banner;
#   - a samples app that trusts KEYCLOAK_URL.
# Exports DEV_IDP_URL, DEV_IDP_DATA_DIR, SAMPLES_DEV_URL, SAMPLES_KC_URL,
# runs `.venv/bin/pytest tests/python "$@"`, and stops what it started.
#
# Environment (optional): INTEROP_START_TIMEOUT, seconds each server may
# take to start (default 60); SKIP_BUILD=1 uses the binaries as built;
# CARGO_TARGET_DIR, where they are (default: target).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly REPO_ROOT
readonly START_TIMEOUT="${INTEROP_START_TIMEOUT:-60}"
readonly BIN_DIR="${CARGO_TARGET_DIR:-${REPO_ROOT}/target}/debug"

say() {
    printf 'run_interop.sh: %s\n' "$*" >&2
}

die() {
    say "error: $*"
    exit 1
}

[[ -n "${KEYCLOAK_URL:-}" ]] ||
    die "KEYCLOAK_URL is not set: start Keycloak with scripts/keycloak.sh start and source its keycloak.env"
command -v curl >/dev/null 2>&1 || die "curl is required"

cd "${REPO_ROOT}"
scripts/python-env.sh
if [[ "${SKIP_BUILD:-}" != 1 ]]; then
    cargo build --quiet --bin suite && cargo build --quiet -p samples --bin samples
fi

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX")"
PIDS=()

stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "${pid}" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "${pid}" 2>/dev/null || true
    done
    rm -rf "${WORK_DIR}"
}
trap stop_all EXIT

# Print the log's last lines and fail.
fail_start() {
    local what="$1" log="$2"
    say "${what} did not start; last log lines:"
    tail -n 20 "${log}" >&2 || true
    exit 1
}

free_port() {
    python3 -c 'import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])'
}

# Wait until `grep -q PATTERN FILE` succeeds or the process $3 dies.
wait_for_line() {
    local pattern="$1" file="$2" pid="$3" deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        grep -q -- "${pattern}" "${file}" 2>/dev/null && return 0
        kill -0 "${pid}" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

# Wait until GET $1 answers 200 or the process $2 dies.
wait_for_url() {
    local url="$1" pid="$2" deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        curl -fsS --max-time 2 -o /dev/null "${url}" 2>/dev/null && return 0
        kill -0 "${pid}" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

start_suite() {
    local out="${WORK_DIR}/suite.out" log="${WORK_DIR}/suite.log"
    DEV_IDP_DATA_DIR="${WORK_DIR}/accounts"
    ACCOUNTS_BIND_ADDR=127.0.0.1:0 BIND_ADDR=127.0.0.1:0 \
        ACCOUNTS_DATA_DIR="${DEV_IDP_DATA_DIR}" \
        SAMPLES_DATA_DIR="${WORK_DIR}/samples-dev" \
        "${BIN_DIR}/suite" </dev/null >"${out}" 2>"${log}" &
    PIDS+=("$!")
    wait_for_line '^TOKEN=' "${out}" "$!" || fail_start "the suite" "${log}"

    local realm_url
    realm_url="$(awk '$1 == "identity" && $2 == "provider" { print $3; exit }' "${out}")"
    DEV_IDP_URL="${realm_url%%/realms/*}"
    SAMPLES_DEV_URL="$(awk '$1 == "samples" && $2 == "app" { print $3; exit }' "${out}")"
    SAMPLES_DEV_URL="${SAMPLES_DEV_URL%/api/ping}"
    [[ "${DEV_IDP_URL}" == http://* && "${SAMPLES_DEV_URL}" == http://* ]] ||
        fail_start "the suite (banner not understood)" "${out}"
}

start_keycloak_samples() {
    local port log="${WORK_DIR}/samples-kc.log"
    port="$(free_port)"
    BIND_ADDR="127.0.0.1:${port}" AUTH_URL="${KEYCLOAK_URL}" AUTH_REALM=samples \
        SAMPLES_DATA_DIR="${WORK_DIR}/samples-kc" \
        "${BIN_DIR}/samples" </dev/null >"${log}" 2>&1 &
    PIDS+=("$!")
    SAMPLES_KC_URL="http://127.0.0.1:${port}"
    wait_for_url "${SAMPLES_KC_URL}/api/ping" "$!" ||
        fail_start "the samples app for Keycloak" "${log}"
}

start_suite
start_keycloak_samples
export KEYCLOAK_URL DEV_IDP_URL DEV_IDP_DATA_DIR SAMPLES_DEV_URL SAMPLES_KC_URL
say "dev provider ${DEV_IDP_URL}, samples ${SAMPLES_DEV_URL}; Keycloak ${KEYCLOAK_URL}, samples ${SAMPLES_KC_URL}"

status=0
.venv/bin/pytest -q -p no:cacheprovider tests/python "$@" || status=$?
exit "${status}"
