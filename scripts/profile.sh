#!/usr/bin/env bash
# Instructions per request, endpoint by endpoint: a measure that does not
# move with the load on the machine, unlike requests per second.
#
# Builds the suite and the samples app in release mode (with line tables,
# so that the profiles name source lines), starts the development identity
# provider, and for each endpoint runs a samples app under valgrind's
# callgrind: 200 requests to warm it up, then 2,000 counted ones over one
# keep-alive connection. It prints instructions per request and keeps each
# profile for `callgrind_annotate`. It asserts nothing.
#
# Settings: PROFILE_REQUESTS (default 2000), PROFILE_DIR (where the
# profiles are kept; default target/profile).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly REQUESTS="${PROFILE_REQUESTS:-2000}"
readonly OUT="${PROFILE_DIR:-target/profile}"
# shellcheck source=scripts/lib/measure.sh
source scripts/lib/measure.sh

need_tool valgrind valgrind
echo "Building the suite and the samples app in release mode, with line tables..."
export CARGO_PROFILE_RELEASE_DEBUG=line-tables-only
export CARGO_TARGET_DIR=target/profile-build
cargo build --release -q --bin suite
cargo build --release -q -p samples --bin samples
mkdir -p "$OUT"

start_suite "$CARGO_TARGET_DIR/release/suite"

# Sends N GET requests over one connection; every answer must be 200.
send() {
    python3 - "$@" <<'PY'
import http.client, sys
port, path, header, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
headers = dict([header.split(": ", 1)]) if header else {}
connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
for _ in range(count):
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"{path}: {response.status}")
PY
}

# Prints the instructions per request of one endpoint.
profile() {
    local name=$1 path=$2 header=$3
    local port
    port=$(free_port)
    rm -f "$OUT/callgrind.$name".*
    BIND_ADDR="127.0.0.1:$port" AUTH_URL="$idp" AUTH_REALM=samples RUST_LOG=warn \
        SAMPLES_DATA_DIR="$WORK/$name" \
        valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$name" \
        "$CARGO_TARGET_DIR/release/samples" >"$WORK/$name.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    wait_for "http://127.0.0.1:$port/health/ready" 120
    send "$port" "$path" "$header" 200
    callgrind_control -z "$pid" >/dev/null 2>&1
    send "$port" "$path" "$header" "$REQUESTS"
    callgrind_control -d "$pid" >/dev/null 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    local total
    total=$(awk '/^summary:/ {print $2; exit}' "$OUT/callgrind.$name.1")
    echo $(( total / REQUESTS ))
}

echo "Profiling $REQUESTS requests per endpoint under callgrind (a minute or two each)..."
ping=$(profile ping /api/ping "")
control=$(profile control /api/ping "Authorization: Bearer $token")
valid=$(profile valid /api/valid "Authorization: Bearer $token")
cookie=$(profile cookie /api/valid-cookie "Cookie: kc-access=$token")

echo
echo "| endpoint | instructions per request | ÷ /api/ping |"
echo "|---|---|---|"
echo "| /api/ping (public) | $ping | 1.00 |"
echo "| /api/ping with the token's header (control) | $control | $(ratio "$control" "$ping") |"
echo "| /api/valid (bearer) | $valid | $(ratio "$valid" "$ping") |"
echo "| /api/valid-cookie (cookie) | $cookie | $(ratio "$cookie" "$ping") |"
echo
echo "Profiles: $OUT/callgrind.<endpoint>.1 (callgrind_annotate --inclusive=yes <file>)"
