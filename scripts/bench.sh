#!/usr/bin/env bash
# Benchmark: is a secured endpoint nearly as fast as a public one?
#
# Builds the suite in release mode, starts it on loopback (development
# identity provider + samples app), gets a token, and measures with wrk,
# the endpoints taking turns in short rounds:
#   /api/ping (public), /api/ping sent the token's header (control),
#   /api/valid (bearer), /api/valid-cookie (cookie).
# A ratio such as /api/valid over /api/ping is taken within each round,
# from runs seconds apart, and the median over the rounds is reported with
# the middle half of the rounds' ratios: the machine's speed drifts over a
# minute by more than the difference being measured, and a ratio of
# neighbouring runs cancels the drift.
# Then: requests the apps made to the identity provider during the load
# (from /metrics), idle memory and start-to-ready time of a samples app,
# and the criterion micro-benchmark of the validation path.
#
# It prints a table and the ratios. It asserts nothing: the numbers go into
# docs/performance.md by hand, with the machine they came from.
#
# Settings: BENCH_SECONDS (per run, default 3), BENCH_CONNECTIONS (default
# 64), BENCH_THREADS (default 2), BENCH_ROUNDS (default 15).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly SECONDS_PER_RUN="${BENCH_SECONDS:-3}"
readonly CONNECTIONS="${BENCH_CONNECTIONS:-64}"
readonly THREADS="${BENCH_THREADS:-2}"
readonly ROUNDS="${BENCH_ROUNDS:-15}"
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
echo "Measuring: $ROUNDS rounds of ${SECONDS_PER_RUN}s per endpoint, $CONNECTIONS connections," \
    "$THREADS threads..."
# One run of an endpoint, its figures appended to $WORK/<name>.
run() {
    case $1 in
        ping) measure /api/ping ;;
        # Control: the public endpoint sent the same ~1.5 KiB header, which
        # the load generator (on the same cores) and the HTTP parser pay for.
        control) measure /api/ping -H "Authorization: Bearer $token" ;;
        valid) measure /api/valid -H "Authorization: Bearer $token" ;;
        cookie) measure /api/valid-cookie -H "Cookie: kc-access=$token" ;;
    esac >>"$WORK/$1"
}
# Each round runs every endpoint once, so that a slow spell of the machine
# hits all of them rather than one; every other round runs them in reverse
# order, so that a steady drift favours none.
for round in $(seq 1 "$ROUNDS"); do
    order=(ping control valid cookie)
    if (( round % 2 == 0 )); then order=(cookie valid control ping); fi
    for name in "${order[@]}"; do run "$name"; done
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
# Prints the median over the rounds of (requests/s of $1) / (requests/s of
# $2) within a round, and the range of the middle half of those ratios.
paired_ratio() {
    python3 - "$1" "$2" <<'PY'
import statistics, sys

def rates(path):
    return [float(line.split()[0]) for line in open(path) if line.strip()]

ratios = sorted(a / b for a, b in zip(rates(sys.argv[1]), rates(sys.argv[2])))
low, _, high = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
print(f"{statistics.median(ratios):.2f} (middle half {low:.2f}-{high:.2f})")
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
echo "| endpoint | requests/s | p50 | p99 | vs /api/ping, within a round |"
echo "|---|---|---|---|---|"
echo "| /api/ping (public) | $ping_rps | $ping_p50 | $ping_p99 | 1.00 |"
echo "| /api/ping with the token's header (control) | $control_rps | $control_p50 | $control_p99 | $(paired_ratio "$WORK/control" "$WORK/ping") |"
echo "| /api/valid (bearer) | $valid_rps | $valid_p50 | $valid_p99 | $(paired_ratio "$WORK/valid" "$WORK/ping") |"
echo "| /api/valid-cookie (cookie) | $cookie_rps | $cookie_p50 | $cookie_p99 | $(paired_ratio "$WORK/cookie" "$WORK/ping") |"
echo
echo "/api/valid vs the control, within a round: $(paired_ratio "$WORK/valid" "$WORK/control")"
echo "Key fetches from the identity provider during the load: $(( fetches_after - fetches_before ))"
echo "samples app alone: start to ready ${ready_ms} ms (includes the first key fetch), idle RSS $(( idle_kib / 1024 )) MiB"
echo "suite process (identity provider + samples) after the load: RSS $(( suite_kib / 1024 )) MiB"
echo "machine: $(nproc) cores, $(awk '/model name/ {$1=$2=$3=""; print; exit}' /proc/cpuinfo | xargs)"
echo
echo "Micro-benchmark of the validation path (criterion):"
cargo bench -q -p api --bench validation -- --warm-up-time 1 --measurement-time 3 2>/dev/null \
    | grep -E "^validate|time:"
