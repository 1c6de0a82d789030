#!/usr/bin/env bash
# Benchmark: is a secured endpoint nearly as fast as a public one?
#
# Builds the suite in release mode, starts it on loopback (development
# identity provider + samples app), gets a token, and measures with wrk,
# the endpoints taking turns over several rounds:
#   /api/ping (public), /api/valid (bearer), /api/valid-cookie (cookie).
# Then: requests the apps made to the identity provider during the load
# (from /metrics), idle memory and start-to-ready time of a samples app,
# and the criterion micro-benchmark of the validation path.
#
# It prints a table and the ratios. It asserts nothing: the numbers go into
# docs/performance.md by hand, with the machine they came from.
#
# Settings: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 64),
# BENCH_THREADS (default 2), BENCH_ROUNDS (default 5).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
readonly CONNECTIONS="${BENCH_CONNECTIONS:-64}"
readonly THREADS="${BENCH_THREADS:-2}"
readonly ROUNDS="${BENCH_ROUNDS:-5}"
# shellcheck source=scripts/lib/measure.sh
source scripts/lib/measure.sh

need_tool wrk wrk
echo "Building the suite in release mode..."
cargo build --release -q --bin suite
cargo build --release -q -p samples --bin samples

start_suite target/release/suite

key_fetches() {
    curl -fs "$api/metrics" | awk '/^auth_key_fetches_total/ {print $2}'
}

# Prints "requests/s p50 p99" for one wrk run.
measure() {
    local path=$1; shift
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${SECONDS_PER_RUN}s" --latency "$@" \
        "$api$path" >"$WORK/wrk.out"
    if grep -q "Non-2xx" "$WORK/wrk.out"; then
        echo "non-2xx answers on $path:" >&2
        cat "$WORK/wrk.out" >&2
        return 1
    fi
    awk '
        /Requests\/sec/ {rps=$2}
        $1=="50%" {p50=$2}
        $1=="99%" {p99=$2}
        END {print rps, p50, p99}
    ' "$WORK/wrk.out"
}

echo "Warming up..."
wrk -t 1 -c 8 -d 2s -H "Authorization: Bearer $token" "$api/api/valid" >/dev/null

fetches_before=$(key_fetches)
echo "Measuring ${SECONDS_PER_RUN}s per endpoint, $CONNECTIONS connections, $THREADS threads," \
    "$ROUNDS rounds (the endpoints take turns; each figure is the median of its rounds)..."
# Each round runs every endpoint once, so that a slow spell of the machine
# hits all of them rather than one.
for round in $(seq 1 "$ROUNDS"); do
    measure /api/ping >>"$WORK/ping"
    # Control: the public endpoint sent the same ~1.5 KiB header, which the
    # load generator (on the same cores) and the HTTP parser pay for.
    measure /api/ping -H "Authorization: Bearer $token" >>"$WORK/control"
    measure /api/valid -H "Authorization: Bearer $token" >>"$WORK/valid"
    measure /api/valid-cookie -H "Cookie: kc-access=$token" >>"$WORK/cookie"
    echo "  round $round of $ROUNDS: /api/ping $(tail -1 "$WORK/ping" | cut -d' ' -f1)," \
        "/api/valid $(tail -1 "$WORK/valid" | cut -d' ' -f1) requests/s"
done
# Prints "requests/s p50 p99": the median of each column over the rounds.
median() {
    python3 - "$1" <<'PY'
import re, statistics, sys

def micros(text):
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]

def latency(us):
    return f"{us:.0f}us" if us < 1000 else f"{us / 1000:.2f}ms"

rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
rps = statistics.median(float(row[0]) for row in rows)
p50 = statistics.median(micros(row[1]) for row in rows)
p99 = statistics.median(micros(row[2]) for row in rows)
print(f"{rps:.0f}", latency(p50), latency(p99))
PY
}
read -r ping_rps ping_p50 ping_p99 < <(median "$WORK/ping")
read -r control_rps control_p50 control_p99 < <(median "$WORK/control")
read -r valid_rps valid_p50 valid_p99 < <(median "$WORK/valid")
read -r cookie_rps cookie_p50 cookie_p99 < <(median "$WORK/cookie")
fetches_after=$(key_fetches)

# A second samples app, alone, for idle memory and start-to-ready time.
solo_port=$(free_port)
start_ns=$(date +%s%N)
BIND_ADDR="127.0.0.1:$solo_port" AUTH_URL="$idp" AUTH_REALM=samples RUST_LOG=warn \
    SAMPLES_DATA_DIR="$WORK/solo" target/release/samples >"$WORK/solo.log" 2>&1 &
solo_pid=$!
pids+=("$solo_pid")
wait_for "http://127.0.0.1:$solo_port/health/ready"
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
sleep 2
idle_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$solo_pid/status")
suite_kib=$(awk '/^VmRSS/ {print $2}' "/proc/${pids[0]}/status")

echo
echo "| endpoint | requests/s | p50 | p99 | vs /api/ping |"
echo "|---|---|---|---|---|"
echo "| /api/ping (public) | $ping_rps | $ping_p50 | $ping_p99 | 1.00 |"
echo "| /api/ping with the token's header (control) | $control_rps | $control_p50 | $control_p99 | $(ratio "$control_rps" "$ping_rps") |"
echo "| /api/valid (bearer) | $valid_rps | $valid_p50 | $valid_p99 | $(ratio "$valid_rps" "$ping_rps") |"
echo "| /api/valid-cookie (cookie) | $cookie_rps | $cookie_p50 | $cookie_p99 | $(ratio "$cookie_rps" "$ping_rps") |"
echo
echo "/api/valid vs the control: $(ratio "$valid_rps" "$control_rps")"
echo "Key fetches from the identity provider during the load: $(( fetches_after - fetches_before ))"
echo "samples app alone: start to ready ${ready_ms} ms (includes the first key fetch), idle RSS $(( idle_kib / 1024 )) MiB"
echo "suite process (identity provider + samples) after the load: RSS $(( suite_kib / 1024 )) MiB"
echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | xargs)"
echo
echo "Micro-benchmark of the validation path (criterion):"
cargo bench -q -p api --bench validation -- --warm-up-time 1 --measurement-time 3 2>/dev/null \
    | grep -E "^validate|time:"
