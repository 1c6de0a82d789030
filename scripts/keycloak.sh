#!/usr/bin/env bash
# Run a real Keycloak server on loopback for interop tests and local work.
#
# The server distribution comes from Maven Central through the machine's
# Maven and is cached outside the repository. Every start runs in a fresh
# working copy of that cache, so the realm export is imported into a clean
# database each time (Keycloak skips a realm that already exists).
#
# Run `scripts/keycloak.sh --help` for commands and settings.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

readonly VERSION_FILE="${REPO_ROOT}/deployment/keycloak-version"
readonly ARTIFACT_GROUP_AND_ID="org.keycloak:keycloak-quarkus-dist"

# JDK feature releases that the pinned Keycloak (26.7) supports; see
# https://www.keycloak.org/server/supported-configurations.
readonly SUPPORTED_JDK_MAJORS="17 21 25"

# Build-time options: the prepare step and every start must agree on
# them, or Keycloak rebuilds itself (about 25 s) before starting.
readonly BUILD_OPTIONS=(--health-enabled=true)

# Development credentials for the master realm's bootstrap admin.
readonly ADMIN_USERNAME="admin"
readonly ADMIN_PASSWORD="admin"

usage() {
    cat <<EOF
Usage: scripts/keycloak.sh COMMAND

Run a real Keycloak in development mode on 127.0.0.1 with the samples
realm imported. Version: ${KEYCLOAK_VERSION:-see deployment/keycloak-version}.

Commands:
  fetch    Download the server distribution with Maven (once per version),
           unpack it into the cache and prepare it: build it for dev mode
           and keep an initialised database template, so starts are fast.
  start    Fetch if needed, then start a fresh server in the background,
           import the realm, wait until /health/ready answers, and print
           the base URL. Fails if this run directory already has a server.
  stop     Stop the server started from this run directory (SIGTERM, then
           SIGKILL after KEYCLOAK_STOP_TIMEOUT seconds).
  status   Say whether a server is running and print its env file.
  --help   Show this text.

Environment (all optional):
  KEYCLOAK_VERSION          server version (default: deployment/keycloak-version)
  KEYCLOAK_CACHE_DIR        distribution cache
                            (default: \${XDG_CACHE_HOME:-\$HOME/.cache}/samples-suite)
  KEYCLOAK_RUN_DIR          working copy, log, pid and env files
                            (default: target/keycloak-run in the repository)
  KEYCLOAK_PORT             HTTP port (default: a free port)
  KEYCLOAK_MANAGEMENT_PORT  health port (default: a free port)
  KEYCLOAK_REALM_FILE       realm export to import
                            (default: applications/accounts/realm/samples-realm.json)
  KEYCLOAK_START_TIMEOUT    seconds to wait for readiness (default: 240)
  KEYCLOAK_STOP_TIMEOUT     seconds to wait after SIGTERM (default: 30)
  JAVA_HOME                 JDK to use if it is a supported one
                            (${SUPPORTED_JDK_MAJORS}); otherwise the newest
                            supported JDK under /usr/lib/jvm or on PATH

Files in the run directory:
  keycloak.env   KEYCLOAK_URL, KEYCLOAK_ISSUER, KEYCLOAK_REALM, ...
                 (shell syntax: \`. target/keycloak-run/keycloak.env\`)
  keycloak.log   server output
  keycloak.pid   process id of bin/kc.sh
  server/        this run's copy of the distribution

The bootstrap admin of the master realm is ${ADMIN_USERNAME}/${ADMIN_PASSWORD}:
development only.
EOF
}

say() {
    printf 'keycloak.sh: %s\n' "$*" >&2
}

die() {
    say "error: $*"
    exit 1
}

read_settings() {
    if [[ -z "${KEYCLOAK_VERSION:-}" ]]; then
        [[ -r "${VERSION_FILE}" ]] ||
            die "cannot read ${VERSION_FILE}; set KEYCLOAK_VERSION"
        KEYCLOAK_VERSION="$(tr -d '[:space:]' <"${VERSION_FILE}")"
    fi
    [[ "${KEYCLOAK_VERSION}" =~ ^[0-9A-Za-z.-]+$ ]] ||
        die "KEYCLOAK_VERSION '${KEYCLOAK_VERSION}' is not a version"

    local cache_home="${XDG_CACHE_HOME:-${HOME}/.cache}"
    CACHE_DIR="${KEYCLOAK_CACHE_DIR:-${cache_home}/samples-suite}"
    DIST_DIR="${CACHE_DIR}/keycloak-${KEYCLOAK_VERSION}"
    RUN_DIR="${KEYCLOAK_RUN_DIR:-${REPO_ROOT}/target/keycloak-run}"
    REALM_FILE="${KEYCLOAK_REALM_FILE:-${REPO_ROOT}/applications/accounts/realm/samples-realm.json}"
    START_TIMEOUT="${KEYCLOAK_START_TIMEOUT:-240}"
    STOP_TIMEOUT="${KEYCLOAK_STOP_TIMEOUT:-30}"

    PID_FILE="${RUN_DIR}/keycloak.pid"
    ENV_FILE="${RUN_DIR}/keycloak.env"
    LOG_FILE="${RUN_DIR}/keycloak.log"
}

require_command() {
    command -v "$1" >/dev/null 2>&1 || die "$1 is required: $2"
}

# --- JDK -------------------------------------------------------------------

# Print the feature release of the JDK at $1 (17, 21, ...), or nothing.
jdk_major() {
    local java="$1/bin/java"
    [[ -x "${java}" ]] || return 0
    "${java}" -XshowSettings:properties -version 2>&1 |
        awk -F' = ' '/java.specification.version/ { print $2; exit }'
}

is_supported_major() {
    [[ -n "$1" && " ${SUPPORTED_JDK_MAJORS} " == *" $1 "* ]]
}

# Choose JAVA_HOME when it is supported, else the newest supported JDK.
pick_jdk() {
    if [[ -n "${JAVA_HOME:-}" ]]; then
        local major
        major="$(jdk_major "${JAVA_HOME}")"
        if is_supported_major "${major}"; then
            JDK_HOME="${JAVA_HOME}"
            JDK_MAJOR="${major}"
            return 0
        fi
        say "JAVA_HOME=${JAVA_HOME} is not a supported JDK" \
            "(${SUPPORTED_JDK_MAJORS}); looking for another"
    fi

    local candidates=() candidate best_home="" best_major=0 major
    candidates+=(/usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home)
    if command -v java >/dev/null 2>&1; then
        candidate="$(readlink -f "$(command -v java)" 2>/dev/null || true)"
        [[ -n "${candidate}" ]] && candidates+=("${candidate%/bin/java}")
    fi
    for candidate in "${candidates[@]}"; do
        [[ -d "${candidate}" ]] || continue
        major="$(jdk_major "${candidate}")"
        if is_supported_major "${major}" && ((major > best_major)); then
            best_home="${candidate}"
            best_major="${major}"
        fi
    done
    [[ -n "${best_home}" ]] ||
        die "no supported JDK found (need one of ${SUPPORTED_JDK_MAJORS});" \
            "install one and set JAVA_HOME"
    JDK_HOME="${best_home}"
    JDK_MAJOR="${best_major}"
}

# --- Ports and processes ---------------------------------------------------

# Print a TCP port on 127.0.0.1 that is free right now.
free_port() {
    require_command python3 "to pick free ports (or set KEYCLOAK_PORT" \
        "and KEYCLOAK_MANAGEMENT_PORT)"
    python3 -c 'import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])'
}

is_running() {
    [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null
}

# Print the pid from the pid file if that process is still alive.
running_pid() {
    [[ -r "${PID_FILE}" ]] || return 0
    local pid
    pid="$(tr -dc '0-9' <"${PID_FILE}")"
    if is_running "${pid}"; then
        printf '%s\n' "${pid}"
    fi
}

# Launch bin/kc.sh start-dev from the distribution copy at $1 in the
# background, in its own session; print its pid.
launch() {
    local home="$1" log="$2"
    shift 2
    local detach=()
    command -v setsid >/dev/null 2>&1 && detach=(setsid)

    # A background job of a script is not a process-group leader, so
    # setsid needs no fork and $! is the pid of kc.sh itself.
    (
        export JAVA_HOME="${JDK_HOME}"
        export KC_BOOTSTRAP_ADMIN_USERNAME="${ADMIN_USERNAME}"
        export KC_BOOTSTRAP_ADMIN_PASSWORD="${ADMIN_PASSWORD}"
        exec ${detach[@]+"${detach[@]}"} "${home}/bin/kc.sh" start-dev \
            "${BUILD_OPTIONS[@]}" "$@" </dev/null >"${log}" 2>&1
    ) &
    printf '%s\n' "$!"
}

# Wait until the readiness endpoint answers UP; dots show progress.
wait_ready() {
    local pid="$1" health_url="$2" log="$3"
    local deadline=$((SECONDS + START_TIMEOUT))

    while ((SECONDS < deadline)); do
        if curl -fsS --max-time 2 "${health_url}" 2>/dev/null |
            grep -q '"UP"'; then
            printf '\n' >&2
            return 0
        fi
        if ! is_running "${pid}"; then
            printf '\n' >&2
            say "the server exited before it was ready; last log lines:"
            tail -n 40 "${log}" >&2
            return 1
        fi
        printf '.' >&2
        sleep 1
    done

    printf '\n' >&2
    say "not ready after ${START_TIMEOUT} s; last log lines:"
    tail -n 40 "${log}" >&2
    return 1
}

# Send SIGTERM to kc.sh (it forwards it to Java); SIGKILL after a timeout.
terminate() {
    local pid="$1" deadline=$((SECONDS + STOP_TIMEOUT))
    kill -TERM "${pid}" 2>/dev/null || return 0
    while is_running "${pid}" && ((SECONDS < deadline)); do
        sleep 0.5
    done
    if is_running "${pid}"; then
        say "still running after ${STOP_TIMEOUT} s; sending SIGKILL"
        local child
        for child in $(pgrep -P "${pid}" 2>/dev/null || true); do
            kill -KILL "${child}" 2>/dev/null || true
        done
        kill -KILL "${pid}" 2>/dev/null || true
    fi
}

# --- fetch -----------------------------------------------------------------

download_zip() {
    local destination="$1" artifact
    artifact="${ARTIFACT_GROUP_AND_ID}:${KEYCLOAK_VERSION}:zip"
    require_command mvn "to download ${artifact}; install Maven"

    say "downloading ${artifact} with Maven"
    if ! mvn -q -B dependency:copy -Dartifact="${artifact}" \
        -DoutputDirectory="${destination}" \
        >"${destination}/maven.log" 2>&1; then
        # The first errors name the cause; the rest is Maven's advice.
        sed 's/\x1b\[[0-9;]*m//g' "${destination}/maven.log" |
            grep '^\[ERROR\]' | head -n 3 >&2 || true
        die "Maven could not fetch ${artifact}. Check that version" \
            "${KEYCLOAK_VERSION} exists (KEYCLOAK_VERSION or ${VERSION_FILE})" \
            "and that Maven Central is reachable or the zip is in ~/.m2," \
            "then run fetch again."
    fi
}

# Start the unpacked copy at $1 once without a realm import so that
# Keycloak builds itself for dev mode and creates its database schema and
# master realm; later starts reuse both and only import the realm.
prepare_distribution() {
    local home="$1" port management_port pid log="$1/prepare.log"
    port="$(free_port)"
    management_port="$(free_port)"

    say "preparing the distribution with JDK ${JDK_MAJOR} (${JDK_HOME});" \
        "the first build takes a minute"
    pid="$(launch "${home}" "${log}" --http-host=127.0.0.1 \
        --http-port="${port}" --http-management-port="${management_port}")"
    if ! wait_ready "${pid}" \
        "http://127.0.0.1:${management_port}/health/ready" "${log}"; then
        terminate "${pid}"
        die "preparing Keycloak failed; full log in ${log}"
    fi
    terminate "${pid}"

    # Keep only the database file; lock, trace and transaction files
    # belong to that one run.
    local entry
    for entry in "${home}/data"/* "${home}/data/h2"/*; do
        case "${entry}" in
            "${home}/data/h2" | */h2/keycloakdb.mv.db) ;;
            *) rm -rf "${entry}" ;;
        esac
    done
    [[ -f "${home}/data/h2/keycloakdb.mv.db" ]] ||
        die "preparing Keycloak left no database; see ${log}"
}

cmd_fetch() {
    if [[ -f "${DIST_DIR}/.samples-prepared" ]]; then
        say "Keycloak ${KEYCLOAK_VERSION} is cached in ${DIST_DIR}"
        return 0
    fi
    require_command unzip "to unpack the distribution"
    require_command curl "to poll the health endpoint"
    pick_jdk

    # Work in a private directory and rename it into place at the end, so
    # an interrupted or concurrent fetch never leaves a half-made cache.
    mkdir -p "${CACHE_DIR}"
    local work
    work="$(mktemp -d "${CACHE_DIR}/.keycloak-${KEYCLOAK_VERSION}.XXXXXX")"
    trap 'rm -rf "${work}"' EXIT

    download_zip "${work}"
    unzip -q "${work}/keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip" -d "${work}"
    local home="${work}/keycloak-${KEYCLOAK_VERSION}"
    [[ -x "${home}/bin/kc.sh" ]] ||
        die "the zip has no keycloak-${KEYCLOAK_VERSION}/bin/kc.sh"

    prepare_distribution "${home}"
    rm -f "${home}/prepare.log"
    touch "${home}/.samples-prepared"

    # A copy without the marker is a leftover of an older layout.
    rm -rf "${DIST_DIR}"
    if ! mv -T "${home}" "${DIST_DIR}" 2>/dev/null; then
        say "another fetch finished first; using its copy"
    fi
    rm -rf "${work}"
    trap - EXIT
    say "Keycloak ${KEYCLOAK_VERSION} is cached in ${DIST_DIR}"
}

# --- start / stop / status -------------------------------------------------

# Replace the run directory's server copy with a fresh one from the cache.
make_working_copy() {
    local server="${RUN_DIR}/server"
    rm -rf "${server}"
    cp -a "${DIST_DIR}" "${server}"
    mkdir -p "${server}/data/import"
    cp "${REALM_FILE}" "${server}/data/import/"
}

realm_name() {
    python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["realm"])' "${REALM_FILE}"
}

write_env_file() {
    local port="$1" management_port="$2" pid="$3" realm="$4"
    local url="http://127.0.0.1:${port}"
    cat >"${ENV_FILE}" <<EOF
KEYCLOAK_URL=${url}
KEYCLOAK_MANAGEMENT_URL=http://127.0.0.1:${management_port}
KEYCLOAK_REALM=${realm}
KEYCLOAK_ISSUER=${url}/realms/${realm}
KEYCLOAK_ADMIN_USERNAME=${ADMIN_USERNAME}
KEYCLOAK_ADMIN_PASSWORD=${ADMIN_PASSWORD}
KEYCLOAK_VERSION=${KEYCLOAK_VERSION}
KEYCLOAK_PID=${pid}
EOF
}

cmd_start() {
    local pid
    pid="$(running_pid)"
    [[ -z "${pid}" ]] ||
        die "a server from ${RUN_DIR} is already running (pid ${pid});" \
            "run 'scripts/keycloak.sh stop' first"
    [[ -r "${REALM_FILE}" ]] || die "cannot read realm file ${REALM_FILE}"
    require_command curl "to poll the health endpoint"
    require_command python3 "to read the realm name and pick free ports"

    cmd_fetch
    pick_jdk
    mkdir -p "${RUN_DIR}"
    rm -f "${PID_FILE}" "${ENV_FILE}"
    make_working_copy

    local port management_port realm started=${SECONDS}
    port="${KEYCLOAK_PORT:-$(free_port)}"
    management_port="${KEYCLOAK_MANAGEMENT_PORT:-$(free_port)}"
    realm="$(realm_name)"
    say "starting Keycloak ${KEYCLOAK_VERSION} with JDK ${JDK_MAJOR}" \
        "(${JDK_HOME}); log: ${LOG_FILE}"

    # --hostname pins the issuer, so tokens carry the same `iss` whether a
    # client calls 127.0.0.1 or localhost.
    pid="$(launch "${RUN_DIR}/server" "${LOG_FILE}" --import-realm \
        --http-host=127.0.0.1 --http-port="${port}" \
        --http-management-port="${management_port}" \
        --hostname="http://127.0.0.1:${port}")"
    printf '%s\n' "${pid}" >"${PID_FILE}"

    if ! wait_ready "${pid}" \
        "http://127.0.0.1:${management_port}/health/ready" "${LOG_FILE}"; then
        terminate "${pid}"
        rm -f "${PID_FILE}"
        die "Keycloak did not start; full log in ${LOG_FILE}"
    fi

    write_env_file "${port}" "${management_port}" "${pid}" "${realm}"
    say "ready in $((SECONDS - started)) s (pid ${pid}); env: ${ENV_FILE}"
    printf 'http://127.0.0.1:%s\n' "${port}"
}

cmd_stop() {
    local pid
    pid="$(running_pid)"
    if [[ -z "${pid}" ]]; then
        say "no server running from ${RUN_DIR}"
        rm -f "${PID_FILE}" "${ENV_FILE}"
        return 0
    fi
    terminate "${pid}"
    rm -f "${PID_FILE}" "${ENV_FILE}"
    say "stopped (pid ${pid})"
}

cmd_status() {
    local pid
    pid="$(running_pid)"
    if [[ -z "${pid}" ]]; then
        say "not running (run directory ${RUN_DIR})"
        return 1
    fi
    say "running (pid ${pid})"
    cat "${ENV_FILE}" 2>/dev/null || true
}

main() {
    local command="${1:-}"
    case "${command}" in
        -h | --help | help)
            read_settings
            usage
            return 0
            ;;
        fetch | start | stop | status) ;;
        "")
            usage >&2
            return 2
            ;;
        *)
            say "unknown command '${command}'"
            usage >&2
            return 2
            ;;
    esac
    (($# == 1)) || die "'${command}' takes no arguments"

    read_settings
    "cmd_${command}"
}

main "$@"
