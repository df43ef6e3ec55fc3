# shellcheck shell=bash
# A throwaway PostgreSQL cluster for tests: loopback only, fsync off, gone after pg_stop.
#
#   source scripts/lib/postgres.sh
#   pg_start            # exports POSTURE_TEST_POSTGRES_URL=postgres://posture:posture@127.0.0.1:PORT/posture
#   trap pg_stop EXIT
#
# pg_start finds initdb/pg_ctl under /usr/lib/postgresql/*/bin (newest version first), installs the
# `postgresql` package with apt-get when they are missing and we are root, and creates the cluster in
# a fresh `mktemp -d` directory. As root every PostgreSQL program runs as the `postgres` user
# (initdb refuses root); otherwise as the current user. Ports are tried from 55432 upwards
# (POSTURE_PG_PORT sets the first one). Local socket connections are trusted; TCP connections need
# the password (POSTURE_PG_HOST_AUTH, default scram-sha-256). All output goes to setup.log and
# postgres.log in the cluster directory; on failure their tails are printed to stderr.
# Both functions are idempotent and safe under `set -euo pipefail`.

_pg_log() {
    printf '%s\n' "$*" >>"${_POSTURE_PG_DIR}/setup.log"
}

# Runs a PostgreSQL program, as the postgres user when we are root.
_pg_run() {
    if [ "$(id -u)" = 0 ]; then
        local quoted
        quoted=$(printf '%q ' "$@")
        su postgres -s /bin/bash -c "cd / && $quoted"
    else
        "$@"
    fi
}

# Newest directory holding both initdb and pg_ctl, or nothing.
_pg_find_bin() {
    local dir
    for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5,5 -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

_pg_port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

_pg_fail() {
    echo "pg_start: $*" >&2
    local file
    for file in "${_POSTURE_PG_DIR:-/nonexistent}/setup.log" "${_POSTURE_PG_DIR:-/nonexistent}/postgres.log"; do
        if [ -s "$file" ]; then
            echo "---- $file (tail) ----" >&2
            tail -n 30 "$file" >&2
        fi
    done
    pg_stop
    return 1
}

pg_running() {
    [ -n "${_POSTURE_PG_DIR:-}" ] && [ -n "${_POSTURE_PG_BIN:-}" ] && [ -d "${_POSTURE_PG_DIR}/pgdata" ] &&
        _pg_run "$_POSTURE_PG_BIN/pg_ctl" -D "$_POSTURE_PG_DIR/pgdata" status >/dev/null 2>&1
}

pg_start() {
    if pg_running; then
        return 0
    fi
    # A half-started cluster from an earlier call is cleaned up first.
    pg_stop

    local bin
    if ! bin=$(_pg_find_bin); then
        if [ "$(id -u)" != 0 ]; then
            echo "pg_start: initdb/pg_ctl not found under /usr/lib/postgresql/*/bin; install postgresql" >&2
            return 1
        fi
        local apt_log
        apt_log=$(mktemp)
        if ! { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >"$apt_log" 2>&1 ||
            { apt-get update -qq >>"$apt_log" 2>&1 &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >>"$apt_log" 2>&1; }; }; then
            echo "pg_start: apt-get install postgresql failed" >&2
            tail -n 30 "$apt_log" >&2
            rm -f "$apt_log"
            return 1
        fi
        rm -f "$apt_log"
        bin=$(_pg_find_bin) || { echo "pg_start: no initdb/pg_ctl after installing postgresql" >&2; return 1; }
    fi
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "pg_start: running as root but there is no postgres user to run the cluster as" >&2
        return 1
    fi

    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/posture-pg.XXXXXX") || return 1
    chmod 755 "$dir"
    mkdir -p "$dir/pgdata" "$dir/sock"
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$dir" "$dir/pgdata" "$dir/sock"
    fi
    : >"$dir/setup.log"
    _POSTURE_PG_DIR=$dir
    _POSTURE_PG_BIN=$bin
    _pg_log "== $(date -u +%FT%TZ) cluster in $dir with $bin"

    local host_auth=${POSTURE_PG_HOST_AUTH:-scram-sha-256}
    if ! _pg_run "$bin/initdb" -D "$dir/pgdata" -U postgres --auth-local=trust --auth-host="$host_auth" \
        -E UTF8 --locale=C --no-sync >>"$dir/setup.log" 2>&1; then
        _pg_fail "initdb failed"
        return 1
    fi

    local port=${POSTURE_PG_PORT:-55432} last=$((${POSTURE_PG_PORT:-55432} + 50)) started=""
    while [ "$port" -le "$last" ]; do
        if _pg_port_in_use "$port"; then
            port=$((port + 1))
            continue
        fi
        _pg_log "== starting on 127.0.0.1:$port"
        if _pg_run "$bin/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >>"$dir/setup.log" 2>&1; then
            started=yes
            break
        fi
        # Lost a race for the port: try the next one; anything else is fatal.
        if ! grep -qiE 'could not (bind|create listen socket)|address already in use' "$dir/postgres.log" 2>/dev/null; then
            break
        fi
        port=$((port + 1))
    done
    if [ -z "$started" ]; then
        _pg_fail "the server did not start"
        return 1
    fi
    _POSTURE_PG_PORT=$port

    local psql=psql
    [ -x "$bin/psql" ] && psql=$bin/psql
    if ! _pg_run "$psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE posture LOGIN PASSWORD 'posture'" \
        -c "CREATE DATABASE posture OWNER posture" >>"$dir/setup.log" 2>&1; then
        _pg_fail "creating the posture role and database failed"
        return 1
    fi

    export POSTURE_TEST_POSTGRES_URL="postgres://posture:posture@127.0.0.1:$port/posture"
    _pg_log "== ready: $POSTURE_TEST_POSTGRES_URL"
}

pg_stop() {
    local dir=${_POSTURE_PG_DIR:-} bin=${_POSTURE_PG_BIN:-}
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        if [ -n "$bin" ] && [ -s "$dir/pgdata/postmaster.pid" ]; then
            _pg_run "$bin/pg_ctl" -D "$dir/pgdata" -m fast -w -t 60 stop >>"$dir/setup.log" 2>&1 || true
        fi
        rm -rf "$dir"
    fi
    unset _POSTURE_PG_DIR _POSTURE_PG_BIN _POSTURE_PG_PORT POSTURE_TEST_POSTGRES_URL
    return 0
}
