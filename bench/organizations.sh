#!/usr/bin/env bash
# Organizations-list benchmark: the dashboard's all-organizations page and GET /api/v1/organizations
# with 500 and with 5,000 organizations, each with a year of history (365 daily snapshots and the
# change log of a demo organization, cloned), against the plain SQL select of the same page of
# rows measured in the same run (target: at most 2×, and a page costs about the same at both sizes).
#
#   bench/organizations.sh [--counts "500 5000"] [--only sqlite|postgresql] [--duration SECONDS]
#                          [--binary PATH] [--bench-binary PATH]
#
# Builds release binaries into .build-release unless given. Server times come from wrk with one
# connection (time per request = 1 / requests per second), uncached (a unique query string per
# request); the baseline is the median of `posture-bench list-sql`, in process, with the server
# stopped. Needs wrk, curl and, for PostgreSQL, a throwaway cluster (scripts/lib/postgres.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
counts="500 5000"
only=""
duration=5
binary=""
bench_binary=""
while [ $# -gt 0 ]; do
    case "$1" in
    --counts) counts=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --bench-binary) bench_binary=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "install wrk first (apt-get install wrk)" >&2; exit 1; }
# shellcheck source=lib.sh
source bench/lib.sh
# shellcheck source=../scripts/lib/postgres.sh
source scripts/lib/postgres.sh
binary=$(bench_binary "$binary")
if [ -z "$bench_binary" ]; then
    swift build -c release --product posture-bench --scratch-path .build-release >/dev/null
    bench_binary="$PWD/.build-release/release/posture-bench"
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    type pg_stop >/dev/null 2>&1 && pg_stop
    rm -rf "$work"
}
trap cleanup EXIT

bench_unique_script "$work/unique.lua"
milliseconds() {
    local url=$1 header=$2
    wrk -t1 -c1 "-d${duration}s" -s "$work/unique.lua" -H "$header" "$url" |
        awk '/Requests\/sec/ { printf "%.3f", 1000 / $2 }'
}

run() {
    local database=$1 count=$2
    local data="$work/$database-$count"
    mkdir -p "$data"
    local env=(POSTURE_DATA_DIR="$data" POSTURE_LOG_LEVEL=warning POSTURE_DEMO_PEERS=0)
    local bench_env=(POSTURE_DATA_DIR="$data")
    if [ "$database" = postgresql ]; then
        psql "$POSTURE_TEST_POSTGRES_URL" -q -c 'DROP SCHEMA IF EXISTS public CASCADE' -c 'CREATE SCHEMA public' 2>/dev/null
        env+=(DATABASE_URL="$POSTURE_TEST_POSTGRES_URL")
        bench_env+=(POSTURE_BENCH_DATABASE_URL="$POSTURE_TEST_POSTGRES_URL")
    else
        bench_env+=(POSTURE_BENCH_SQLITE="$data/posture.sqlite")
    fi
    env "${bench_env[@]}" "$bench_binary" list-seed "$count" | sed "s/^/  $database: /" >&2

    local password="benchmark instance passphrase"
    local port=19$((RANDOM % 900 + 100))
    local base="http://127.0.0.1:$port"
    env "${env[@]}" POSTURE_ADMIN_PASSWORD="$password" "$binary" serve --host 127.0.0.1 --port "$port" \
        >"$data/server.log" 2>&1 &
    server_pid=$!
    bench_wait_ready "$base"
    local session token
    session=$(bench_sign_in "$base" "$password")
    [ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
    token=$(env "${env[@]}" "$binary" token create --all --scope SecurityEvents.Read.All --expires 1h)
    local middle=$((count / 2 / 50 * 50))
    local cookie="Cookie: posture_session=$session" bearer="Authorization: Bearer $token"
    local status
    status=$(curl -s -o "$data/page.html" -w '%{http_code}' -H "$cookie" "$base/?start=$middle")
    [ "$status" = 200 ] && grep -q "$((middle + 1))–$((middle + 50)) of $count" "$data/page.html" ||
        { echo "the organizations page answered $status without the middle page" >&2; exit 1; }
    local page_first page_middle page_percentage api_first api_percentage
    page_first=$(milliseconds "$base/?sort=name&dir=asc" "$cookie")
    page_middle=$(milliseconds "$base/?sort=name&dir=asc&start=$middle" "$cookie")
    page_percentage=$(milliseconds "$base/?sort=percentage&dir=desc" "$cookie")
    api_first=$(milliseconds "$base/api/v1/organizations?limit=50" "$bearer")
    api_percentage=$(milliseconds "$base/api/v1/organizations?limit=50&sort=percentage&order=desc" "$bearer")
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""

    local sql_first sql_middle sql_percentage
    sql_first=$(env "${bench_env[@]}" "$bench_binary" list-sql 300 name asc 0 | tail -1)
    sql_middle=$(env "${bench_env[@]}" "$bench_binary" list-sql 300 name asc "$middle" | tail -1)
    sql_percentage=$(env "${bench_env[@]}" "$bench_binary" list-sql 300 percentage desc 0 | tail -1)
    awk -v db="$database" -v n="$count" \
        -v pf="$page_first" -v pm="$page_middle" -v pp="$page_percentage" -v af="$api_first" -v ap="$api_percentage" \
        -v sf="$sql_first" -v sm="$sql_middle" -v sp="$sql_percentage" 'BEGIN {
        printf "%s, %d organizations (plain SQL select of 50 rows: by name %.2f ms, middle page %.2f ms, by percentage %.2f ms)\n", db, n, sf, sm, sp
        printf "  page, first by name      %6.2f ms  %5.2fx\n", pf, pf / sf
        printf "  page, middle by name     %6.2f ms  %5.2fx\n", pm, pm / sm
        printf "  page, first by percentage %5.2f ms  %5.2fx\n", pp, pp / sp
        printf "  API, first by name       %6.2f ms  %5.2fx\n", af, af / sf
        printf "  API, first by percentage %6.2f ms  %5.2fx\n", ap, ap / sp
    }'
    rm -rf "$data"
}

echo "organizations benchmark (wrk -t1 -c1 -d${duration}s, uncached, release build)"
for database in sqlite postgresql; do
    [ -n "$only" ] && [ "$only" != "$database" ] && continue
    [ "$database" = postgresql ] && pg_start >/dev/null
    for count in $counts; do run "$database" "$count"; done
done
