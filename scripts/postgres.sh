#!/usr/bin/env bash
# A throwaway PostgreSQL server for the samples app's store tests.
#
#   scripts/postgres.sh start    start one (or reuse the running one); prints
#                                DATABASE_URL=postgres://... as the only line
#                                on stdout and writes `export DATABASE_URL=...`
#                                to $SAMPLES_PG_DIR/env and, when set, to
#                                $SAMPLES_PG_ENV_FILE
#   scripts/postgres.sh url      print DATABASE_URL=... of the running one
#   scripts/postgres.sh stop     stop it and delete its files
#
# Typical use:
#   export "$(scripts/postgres.sh start)"
#   TEST_DATABASE_URL="$DATABASE_URL" cargo test -p samples
#   scripts/postgres.sh stop
#
# The cluster lives in $SAMPLES_PG_DIR (default ${TMPDIR:-/tmp}/samples-postgres),
# listens on 127.0.0.1 only, on a free port, and trusts local connections:
# there is no password to leak, and it holds nothing but test data. When
# the PostgreSQL server binaries are missing they are installed with
# apt-get (package `postgresql`). PostgreSQL refuses to run as root, so as
# root the server runs as the `postgres` system user.
set -euo pipefail

DIR="${SAMPLES_PG_DIR:-${TMPDIR:-/tmp}/samples-postgres}"
DATA="$DIR/data"
DB_USER=samples
DB_NAME=samples

log() { echo "postgres.sh: $*" >&2; }

bin_dir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -n "$found" && -x "$found/initdb" ]] && echo "$found"
}

ensure_installed() {
    if bin_dir >/dev/null; then return; fi
    if [[ $(id -u) -ne 0 ]]; then
        log "PostgreSQL is not installed; run as root or: apt-get install postgresql"
        exit 1
    fi
    log "installing PostgreSQL with apt-get"
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin_dir >/dev/null || { log "no initdb under /usr/lib/postgresql/*/bin"; exit 1; }
}

# Runs a server command as the owner of the cluster.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_owner() {
    if [[ $(id -u) -ne 0 ]] || id postgres >/dev/null 2>&1; then return; fi
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

is_running() {
    [[ -f "$DATA/postmaster.pid" ]] && as_owner "$(bin_dir)/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

url() {
    echo "DATABASE_URL=postgres://$DB_USER@127.0.0.1:$(cat "$DIR/port")/$DB_NAME"
}

start() {
    ensure_installed
    ensure_owner
    local bin
    bin=$(bin_dir)
    if is_running; then
        announce
        return
    fi

    rm -rf "$DIR"
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$DIR"
    as_owner "$bin/initdb" -D "$DATA" -U "$DB_USER" --auth=trust -E UTF8 >"$DIR/initdb.log" 2>&1 \
        || { log "initdb failed; see $DIR/initdb.log"; exit 1; }

    local port
    port=$(free_port)
    echo "$port" >"$DIR/port"
    local options="-p $port -k $DIR -c listen_addresses=127.0.0.1"
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$DIR/server.log" -o "$options" -w -t 30 start >&2 \
        || { log "the server did not start; see $DIR/server.log"; exit 1; }
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres -q \
        -c "CREATE DATABASE $DB_NAME" >&2

    log "listening on 127.0.0.1:$port (data in $DATA)"
    announce
}

# Prints the URL and writes the env file(s).
announce() {
    url | sed 's/^/export /' >"$DIR/env"
    if [[ -n "${SAMPLES_PG_ENV_FILE:-}" ]]; then
        cp "$DIR/env" "$SAMPLES_PG_ENV_FILE"
    fi
    url
}

stop() {
    if [[ -d "$DATA" ]] && bin_dir >/dev/null; then
        as_owner "$(bin_dir)/pg_ctl" -D "$DATA" -m fast -w -t 30 stop >&2 || true
    fi
    rm -rf "$DIR"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    url)
        is_running || { log "not running"; exit 1; }
        url
        ;;
    *)
        echo "usage: $0 start|url|stop" >&2
        exit 2
        ;;
esac
