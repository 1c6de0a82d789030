#!/usr/bin/env bash
# Conformance of the samples app to its OpenAPI document:
#   1. lints every app's spec with openapi-spec-validator;
#   2. starts the dev identity provider and the samples app (SQLite in a
#      temporary directory) on free loopback ports;
#   3. gets a token for alice with the password grant of `samples-web`;
#   4. runs Schemathesis with every check, positive and negative data, and
#      a bounded number of examples per operation.
# Exits non-zero when the lint or any check fails. Stops only the servers
# it started.
#
# Environment (all optional):
#   SCHEMATHESIS_MAX_EXAMPLES  examples per operation and phase (default 100)
#   SCHEMATHESIS_SEED          random seed (default fixed, for reproducible runs)
#   SCHEMATHESIS_RUN_DIR       logs and reports (default target/schemathesis)
#
# Python packages are pinned in tests/schemathesis/requirements.txt and
# installed into .venv at the repository root.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO_ROOT
readonly VENV="$REPO_ROOT/.venv"
readonly REQUIREMENTS="$REPO_ROOT/tests/schemathesis/requirements.txt"
readonly STAMP="$VENV/.schemathesis-requirements.sha256"
readonly RUN_DIR="${SCHEMATHESIS_RUN_DIR:-$REPO_ROOT/target/schemathesis}"
readonly MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-100}"
readonly SEED="${SCHEMATHESIS_SEED:-20261204}"
# Fails on purpose (GET /api/error), so "not a server error" cannot hold.
readonly EXCLUDED_OPERATION=getError

log() { printf 'schemathesis.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

install_tools() {
    local wanted
    wanted="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
    if [[ -x "$VENV/bin/schemathesis" && -r "$STAMP" && "$(cat "$STAMP")" == "$wanted" ]]; then
        return
    fi
    if [[ ! -x "$VENV/bin/python" ]]; then
        python3 -m venv "$VENV" || die "cannot create $VENV (apt-get install python3-venv)"
    fi
    log "installing $(basename "$REQUIREMENTS") into .venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --requirement "$REQUIREMENTS" >"$RUN_DIR/pip.log" 2>&1 \
        || { tail -n 20 "$RUN_DIR/pip.log" >&2; die "pip failed; see $RUN_DIR/pip.log"; }
    printf '%s\n' "$wanted" >"$STAMP"
}

lint_specs() {
    local spec status=0
    for spec in "$REPO_ROOT"/applications/*/api/openapi.yaml; do
        if "$VENV/bin/openapi-spec-validator" "$spec" >"$RUN_DIR/lint.log" 2>&1; then
            log "lint ok: ${spec#"$REPO_ROOT"/}"
        else
            cat "$RUN_DIR/lint.log" >&2
            log "lint failed: ${spec#"$REPO_ROOT"/}"
            status=1
        fi
    done
    return "$status"
}

free_port() {
    "$VENV/bin/python" -c \
        'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits (at most 60 s) until `url` answers 200.
wait_for() {
    local url="$1" name="$2" tries
    for tries in $(seq 1 120); do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return
        fi
        sleep 0.5
    done
    die "$name did not become ready at $url; see $RUN_DIR/*.log"
}

PIDS=()
stop_servers() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [[ -n "${WORK_DIR:-}" ]] && rm -rf "$WORK_DIR"
}

start_servers() {
    (cd "$REPO_ROOT" && cargo build --quiet -p accounts -p samples --bins) \
        || die "cargo build failed"
    WORK_DIR="$(mktemp -d)"
    IDP_PORT="$(free_port)"
    APP_PORT="$(free_port)"
    readonly IDP_URL="http://127.0.0.1:$IDP_PORT"
    readonly APP_URL="http://127.0.0.1:$APP_PORT"

    env -u DATABASE_URL -u CONFIG_FILE \
        ACCOUNTS_BIND_ADDR="127.0.0.1:$IDP_PORT" ACCOUNTS_PUBLIC_URL="$IDP_URL" \
        ACCOUNTS_DATA_DIR="$WORK_DIR/accounts" \
        "${CARGO_TARGET_DIR:-$REPO_ROOT/target}/debug/accounts" >"$RUN_DIR/accounts.log" 2>&1 &
    PIDS+=("$!")
    wait_for "$IDP_URL/realms/samples/.well-known/openid-configuration" "the identity provider"

    env -u DATABASE_URL -u CONFIG_FILE \
        BIND_ADDR="127.0.0.1:$APP_PORT" AUTH_URL="$IDP_URL" AUTH_REALM=samples \
        SAMPLES_DATA_DIR="$WORK_DIR/samples" \
        "${CARGO_TARGET_DIR:-$REPO_ROOT/target}/debug/samples" >"$RUN_DIR/samples.log" 2>&1 &
    PIDS+=("$!")
    wait_for "$APP_URL/health/ready" "the samples app"
}

# Alice's access token, read from the token response without printing it.
fetch_token() {
    curl -fsS --max-time 10 \
        -d grant_type=password -d client_id=samples-web \
        -d username=alice -d password=alice-dev-password \
        "$IDP_URL/realms/samples/protocol/openid-connect/token" \
        | "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

run_schemathesis() {
    # The token reaches Schemathesis through the environment and its config
    # file, never the command line; its output masks Authorization headers.
    SAMPLES_TOKEN="$(fetch_token)" || die "no token from the identity provider"
    export SAMPLES_TOKEN
    # One credential per security scheme of the spec, so that Schemathesis
    # knows which header or cookie carries it and can leave it out on purpose.
    cat >"$WORK_DIR/schemathesis.toml" <<'TOML'
[auth.openapi.bearerAuth]
bearer = "${SAMPLES_TOKEN}"

[auth.openapi.cookieAuth]
api_key = "${SAMPLES_TOKEN}"
TOML
    log "running against $APP_URL/api (max $MAX_EXAMPLES examples, seed $SEED)"
    "$VENV/bin/schemathesis" --config-file "$WORK_DIR/schemathesis.toml" run \
        "$REPO_ROOT/applications/samples/api/openapi.yaml" \
        --url "$APP_URL/api" \
        --checks all --mode all \
        --max-examples "$MAX_EXAMPLES" --seed "$SEED" \
        --exclude-operation-id "$EXCLUDED_OPERATION" \
        --request-timeout 10 \
        --report junit --report-dir "$RUN_DIR/report"
}

main() {
    mkdir -p "$RUN_DIR"
    install_tools
    local lint_status=0
    lint_specs || lint_status=1

    trap stop_servers EXIT
    start_servers
    local run_status=0
    run_schemathesis || run_status=$?

    if (( lint_status != 0 || run_status != 0 )); then
        die "lint exit $lint_status, schemathesis exit $run_status"
    fi
    log "lint clean, 0 failures"
}

main "$@"
