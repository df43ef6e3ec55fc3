#!/usr/bin/env bash
# Storage per organization-year: the database size the demo organization's history takes per
# 365 days of demo-like activity (daily sensor moves, statuses, exceptions, the change log), on
# SQLite and on PostgreSQL. Measured in the same run as the difference between a history of
# DAYS days and one of a single day, so the schema and the organization itself do not count.
# Target: at most 1 MB per organization-year.
#
#   bench/storage.sh [--days N] [--binary PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
days=365
binary=""
while [ $# -gt 0 ]; do
    case "$1" in
    --days) days=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ -z "$binary" ]; then
    swift build -c release --product posture --scratch-path .build-release >/dev/null
    binary="$root/.build-release/release/posture"
fi
# shellcheck source=../scripts/lib/postgres.sh
source scripts/lib/postgres.sh
work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    type pg_stop >/dev/null 2>&1 && pg_stop
    rm -rf "$work"
}
trap cleanup EXIT

# Starts the server on an empty database with a demo history of $1 days, waits until it is
# ready (the demo is seeded before), and stops it.
seed() {
    local history=$1 data=$2 database_url=${3:-}
    mkdir -p "$data"
    # One organization: the anonymous demo peers would count in its size.
    local env=(POSTURE_DATA_DIR="$data" POSTURE_DEMO_DAYS="$history" POSTURE_DEMO_PEERS=0 POSTURE_LOG_LEVEL=warning)
    [ -n "$database_url" ] && env+=(DATABASE_URL="$database_url")
    local port=18$((RANDOM % 900 + 100))
    env "${env[@]}" "$binary" serve --host 127.0.0.1 --port "$port" >"$data/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 1200); do
        curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

sqlite_size() {
    local history=$1 data="$work/sqlite-$1"
    seed "$history" "$data"
    python3 - "$data/posture.sqlite" "$history" <<'PY'
import os, sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("VACUUM")
if sys.argv[2] != "1":
    # Where the bytes are (when this SQLite has the dbstat table), largest first.
    try:
        rows = connection.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6")
        print("  SQLite, largest: " + ", ".join(f"{name} {size / 1024:.0f} KB" for name, size in rows), file=sys.stderr)
    except sqlite3.Error:
        pass
connection.close()
print(os.path.getsize(sys.argv[1]))
PY
}

postgres_size() {
    local history=$1
    psql "$POSTURE_TEST_POSTGRES_URL" -q -c 'DROP SCHEMA IF EXISTS public CASCADE' -c 'CREATE SCHEMA public' 2>/dev/null
    seed "$history" "$work/postgres-$history" "$POSTURE_TEST_POSTGRES_URL"
    psql "$POSTURE_TEST_POSTGRES_URL" -q -c 'VACUUM FULL' >/dev/null 2>&1
    if [ "$history" != 1 ]; then
        psql "$POSTURE_TEST_POSTGRES_URL" -tA -F ' ' -c \
            "SELECT c.relname, pg_total_relation_size(c.oid) / 1024 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 6" |
            awk 'BEGIN { printf "  PostgreSQL, largest (tables with their indexes and TOAST):" } { printf " %s %s KB,", $1, $2 } END { print "" }' >&2
    fi
    psql "$POSTURE_TEST_POSTGRES_URL" -tA -c \
        "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
}

report() {
    local name=$1 one=$2 many=$3
    python3 -c "
import sys
one, many, days = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
per_year = (many - one) / (days - 1) * 365
print(f'$name: {one / 1048576:.2f} MB with 1 day, {many / 1048576:.2f} MB with {days} days: {per_year / 1048576:.2f} MB per organization-year')
" "$one" "$many" "$days"
}

report SQLite "$(sqlite_size 1)" "$(sqlite_size "$days")"
pg_start
report PostgreSQL "$(postgres_size 1)" "$(postgres_size "$days")"
