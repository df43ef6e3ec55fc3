#!/usr/bin/env bash
# Dashboard benchmark: server time to render the overview page (HTML with its SVG charts) for the
# demo organization with 400 days of history, as a ratio against the JSON score endpoint
# (GET /api/v1/organizations/contoso/score) measured in the same run (target: at most 2).
# Both are measured uncached: every request carries a unique query string, so the response cache
# never answers; throughput is turned into time per request (ratio = score req/s ÷ overview req/s).
#
#   bench/dashboard.sh [--duration SECONDS] [--connections N] [--binary PATH]
#
# Builds a release binary into .build-release unless --binary is given. Needs wrk and curl; runs on
# embedded SQLite on the loopback interface.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
connections=4
binary=""
while [ $# -gt 0 ]; do
    case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
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
    rm -rf "$work"
}
trap cleanup EXIT

port=19$((RANDOM % 900 + 100))
base="http://127.0.0.1:$port"
password="benchmark instance passphrase"
env=(POSTURE_DATA_DIR="$work" POSTURE_DEMO_DAYS=400 POSTURE_LOG_LEVEL=warning POSTURE_ADMIN_PASSWORD="$password")
env "${env[@]}" "$binary" serve --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
bench_wait_ready "$base"
session=$(bench_sign_in "$base" "$password")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
token=$(env "${env[@]}" "$binary" token create --org contoso --scope SecurityEvents.Read.All --expires 1h)

# A unique query string per request defeats the response cache.
cat >"$work/unique.lua" <<'LUA'
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "?n=" .. counter)
end
LUA
rps() {
    local path=$1 header=$2
    wrk -t1 "-c$connections" "-d${duration}s" -s "$work/unique.lua" -H "$header" "$base$path" | awk '/Requests\/sec/ {print $2}'
}
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: posture_session=$session" "$base/orgs/contoso?n=0")
[ "$status" = 200 ] || { echo "the overview answered $status" >&2; exit 1; }
curl -fs -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/organizations/contoso/score?n=0"
overview=$(rps /orgs/contoso "Cookie: posture_session=$session")
score=$(rps /api/v1/organizations/contoso/score "Authorization: Bearer $token")
awk -v o="$overview" -v s="$score" -v c="$connections" -v d="$duration" 'BEGIN {
    printf "dashboard benchmark (wrk -t1 -c%d -d%ss, 400 days, uncached): score JSON %.0f req/s (%.1f ms), overview HTML %.0f req/s (%.1f ms), ratio %.2f\n",
        c, d, s, 1000 * c / s, o, 1000 * c / o, s / o }'
