#!/usr/bin/env bash
# Current-state benchmark: reads that miss every cache, writes, and how both scale with the number
# of organizations, per database (embedded SQLite, then PostgreSQL on a throwaway cluster), all as
# ratios against the bare GET /healthz route measured in the same run:
#
#   - uncached reads (a unique query string per request) of the demo organization (400 days of
#     history): Graph secureScores?$top=1, the native score, the overview page; with 200 and then
#     1,000 further organizations on the instance (target: each >= 0.25x, and no growth);
#   - a single-measurement write, p50 (target <= 20x the bare route's p50 from the same client);
#   - a whole tenant's batch of every catalog action (target <= 3x a single write);
#   - a write then a read of the score and Graph's newest entry (target p99 < 50 ms, values equal);
#   - 16 concurrent writers to different organizations (target >= 0.05x the bare throughput).
#
#   bench/current-state.sh [--duration SECONDS] [--binary PATH] [--rounds N] [--only sqlite|postgresql]
#
# Builds a release binary into .build-release unless --binary is given. Needs wrk, curl and
# python3; everything stays on the loopback interface and every wrk run is bounded by --duration.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=8
rounds=200
binary=""
only=""
while [ $# -gt 0 ]; do
    case "$1" in
    --duration) duration=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "install wrk first (apt-get install wrk)" >&2; exit 1; }
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
"$binary" catalog list --format json >"$work/catalog.json"

port=17$((RANDOM % 900 + 100))
base="http://127.0.0.1:$port"
password="benchmark instance passphrase"

# Requests per second of one wrk run; extra arguments go to wrk.
rps() {
    wrk -t1 -c16 "-d${duration}s" "$@" | awk '/Requests\/sec/ {print $2}'
}

# Uncached reads of the demo organization beside the bare route; one line per call.
reads() {
    local label=$1 token=$2 session=$3
    local bare graph score overview
    bare=$(rps "$base/healthz")
    graph=$(rps -s "$work/unique.lua" -H "Authorization: Bearer $token" \
        "$base/v1.0/security/secureScores?\$top=1&organization=contoso")
    score=$(rps -s "$work/unique.lua" -H "Authorization: Bearer $token" "$base/api/v1/organizations/contoso/score")
    overview=$(rps -s "$work/unique.lua" -H "Cookie: posture_session=$session" "$base/orgs/contoso")
    awk -v l="$label" -v b="$bare" -v g="$graph" -v s="$score" -v o="$overview" 'BEGIN {
        printf "  %-22s healthz %7.0f req/s | uncached: secureScores?$top=1 %6.0f (%.2fx)  score %6.0f (%.2fx)  overview %6.0f (%.2fx)\n",
            l, b, g, g / b, s, s / b, o, o / b }'
}

run_leg() {
    local name=$1 database_url=$2
    local data="$work/$name"
    mkdir -p "$data"
    local env=(POSTURE_DATA_DIR="$data" POSTURE_DEMO_DAYS=400 POSTURE_LOG_LEVEL=warning POSTURE_ADMIN_PASSWORD="$password")
    [ -n "$database_url" ] && env+=(DATABASE_URL="$database_url")
    env "${env[@]}" "$binary" serve --host 127.0.0.1 --port "$port" >"$data/server.log" 2>&1 &
    server_pid=$!
    bench_wait_ready "$base"
    local token session
    token=$(env "${env[@]}" "$binary" token create --all --scope SecurityEvents.ReadWrite.All --expires 2h)
    session=$(bench_sign_in "$base" "$password")
    [ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
    local driver=(python3 bench/current_state.py "$base" "$token" "$work/catalog.json")
    "${driver[@]}" lua "$work" 200
    echo "$name"
    "${driver[@]}" populate 1 200
    reads "200 organizations" "$token" "$session"
    local latency
    latency=$("${driver[@]}" latency "$rounds")
    local bare writers
    bare=$(rps "$base/healthz")
    writers=$(rps -s "$work/writers.lua" -H "Authorization: Bearer $token" "$base/")
    python3 - "$latency" "$bare" "$writers" <<'PY'
import json, sys
m = json.loads(sys.argv[1]); bare = float(sys.argv[2]); writers = float(sys.argv[3])
print("  single write p50 %.1f ms = %.1fx the bare route (%.2f ms); batch of every action p50 %.1f ms = %.2fx a single write"
      % (m["single_p50"], m["single_p50"] / m["bare_p50"], m["bare_p50"], m["batch_p50"], m["batch_p50"] / m["single_p50"]))
print("  write then read score and Graph: p50 %.1f ms, p99 %.1f ms, values differing in %d of %d"
      % (m["pair_p50"], m["pair_p99"], m["pair_mismatches"], m["rounds"]))
print("  16 writers to 200 organizations: %.0f writes/s = %.3fx the bare route (%.0f req/s)" % (writers, writers / bare, bare))
PY
    "${driver[@]}" populate 201 1000
    reads "1,000 organizations" "$token" "$session"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

echo "current-state benchmark: wrk -t1 -c16 -d${duration}s per figure, $rounds sequential rounds for latencies"
[ "$only" = postgresql ] || run_leg sqlite ""
if [ "$only" != sqlite ]; then
    # shellcheck source=../scripts/lib/postgres.sh
    source scripts/lib/postgres.sh
    pg_start
    run_leg postgresql "$POSTURE_TEST_POSTGRES_URL"
fi
