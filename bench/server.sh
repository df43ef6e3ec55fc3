#!/usr/bin/env bash
# Server throughput benchmark: in one run, per database (embedded SQLite, then PostgreSQL), a bare
# route (GET /healthz) is the baseline, measured beside
#   GET /v1.0/security/secureScores?$top=1        (Graph, newest daily snapshot)
#   GET /api/v1/organizations/contoso/actions     (native, ranked improvement actions)
# for the demo organization with 400 days of history. Prints requests/s and the ratio of each
# endpoint to the baseline (target: both >= 0.50).
#
#   bench/server.sh [--duration SECONDS] [--connections N] [--binary PATH]
#
# Builds a release binary into .build-release unless --binary is given. Needs wrk (apt-get install
# wrk); the PostgreSQL leg starts a throwaway cluster on 127.0.0.1 with scripts/lib/postgres.sh.
# All traffic stays on the loopback interface; every wrk run is bounded by --duration.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
connections=16
binary=""
while [ $# -gt 0 ]; do
    case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else echo "install wrk first" >&2; exit 1; fi
fi
# shellcheck source=lib.sh
source bench/lib.sh
binary=$(bench_binary "$binary")

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    type pg_stop >/dev/null 2>&1 && pg_stop
    rm -rf "$work"
}
trap cleanup EXIT

port=18$((RANDOM % 900 + 100))

# Requests per second of one wrk run.
rps() {
    local url=$1 token=${2:-}
    local args=(-t1 "-c$connections" "-d${duration}s" --latency)
    [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
    wrk "${args[@]}" "$url" | awk '/Requests\/sec/ {print $2}'
}

run_leg() {
    local name=$1 database_url=$2
    local data="$work/$name"
    mkdir -p "$data"
    local env=(POSTURE_DATA_DIR="$data" POSTURE_DEMO_DAYS=400 POSTURE_LOG_LEVEL=warning)
    [ -n "$database_url" ] && env+=(DATABASE_URL="$database_url")
    env "${env[@]}" "$binary" serve --host 127.0.0.1 --port "$port" >"$data/server.log" 2>&1 &
    server_pid=$!
    bench_wait_ready "http://127.0.0.1:$port"
    local token
    token=$(env "${env[@]}" "$binary" token create --org contoso --scope SecurityEvents.Read.All --expires 1h)
    local base="http://127.0.0.1:$port"
    # Warm up every route once, then measure.
    curl -fs -o /dev/null -H "Authorization: Bearer $token" "$base/v1.0/security/secureScores?\$top=1"
    curl -fs -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/organizations/contoso/actions"
    local bare graph actions
    bare=$(rps "$base/healthz")
    graph=$(rps "$base/v1.0/security/secureScores?\$top=1" "$token")
    actions=$(rps "$base/api/v1/organizations/contoso/actions" "$token")
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    awk -v n="$name" -v b="$bare" -v g="$graph" -v a="$actions" 'BEGIN {
        printf "%-10s  healthz %9.0f req/s   secureScores?$top=1 %8.0f req/s (%.2f x)   actions %8.0f req/s (%.2f x)\n",
            n, b, g, g / b, a, a / b }'
}

echo "posture server benchmark: wrk -t1 -c$connections -d${duration}s, demo organization with 400 days of history"
run_leg sqlite ""
# shellcheck source=../scripts/lib/postgres.sh
source scripts/lib/postgres.sh
pg_start
run_leg postgresql "$POSTURE_TEST_POSTGRES_URL"
