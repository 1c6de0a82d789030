# shellcheck shell=bash
# Shared by scripts/bench.sh and scripts/profile.sh: a scratch directory
# cleaned up on exit with every process started here, Debian tools
# installed on demand, and the suite started on free loopback ports.
# Source it from a script that has `set -euo pipefail`.

WORK="$(mktemp -d)"
readonly WORK
pids=()

cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# Installs Debian package $2 unless command $1 exists.
need_tool() {
    local command=$1 package=$2
    command -v "$command" >/dev/null && return 0
    echo "Installing $package (Debian package)..."
    if [[ $(id -u) -eq 0 ]]; then
        apt-get install -y -qq "$package" >/dev/null \
            || { apt-get update -qq && apt-get install -y -qq "$package" >/dev/null; }
    else
        sudo apt-get install -y -qq "$package" >/dev/null
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits for $1 to answer 2xx, polling every 50 ms, for up to $2 seconds
# (default 30).
wait_for() {
    local url=$1 seconds=${2:-30}
    for _ in $(seq 1 $((seconds * 20))); do
        curl -fs -o /dev/null "$url" && return 0
        sleep 0.05
    done
    echo "timed out waiting for $url" >&2
    return 1
}

# Starts the suite binary $1 on free ports, waits for its samples app, and
# sets idp (the identity provider's URL), api (the samples app's URL) and
# token (an access token for alice).
start_suite() {
    local binary=$1 idp_port api_port
    idp_port=$(free_port)
    api_port=$(free_port)
    ACCOUNTS_BIND_ADDR="127.0.0.1:$idp_port" BIND_ADDR="127.0.0.1:$api_port" \
        ACCOUNTS_DATA_DIR="$WORK/accounts" SAMPLES_DATA_DIR="$WORK/suite-samples" \
        RUST_LOG=warn "$binary" >"$WORK/suite.log" 2>&1 &
    pids+=($!)
    idp="http://localhost:$idp_port"
    api="http://localhost:$api_port"
    wait_for "$api/health/ready"
    # shellcheck disable=SC2034 # read by the sourcing script
    token=$(curl -fs -d grant_type=password -d client_id=samples-web -d username=alice \
        -d password=alice-dev-password "$idp/realms/samples/protocol/openid-connect/token" \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
}

# Prints $1 / $2 with two decimals.
ratio() {
    python3 -c "print(f'{$1 / $2:.2f}')"
}
