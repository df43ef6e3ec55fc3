#!/usr/bin/env bash
# Dashboard benchmark: server time to render each page of the demo organization (400 days of
# history) as a ratio against the JSON endpoints that carry the same data, measured in the same run
# (target: at most 2): the overview against the score document, the actions list and an action's
# flyout against the action list and the action, History against the history, Metrics against its
# five metrics added up.
# Both sides are measured uncached: every request carries a unique query string, so the response
# cache never answers; throughput is turned into time per request.
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

bench_unique_script "$work/unique.lua"
rps() {
    local path=$1 header=$2
    wrk -t1 "-c$connections" "-d${duration}s" -s "$work/unique.lua" -H "$header" "$base$path" | awk '/Requests\/sec/ {print $2}'
}
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: posture_session=$session" "$base/orgs/contoso?n=0")
[ "$status" = 200 ] || { echo "the overview answered $status" >&2; exit 1; }
curl -fs -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/organizations/contoso/score?n=0"
cookie="Cookie: posture_session=$session"
bearer="Authorization: Bearer $token"
api=/api/v1/organizations/contoso
action=$(curl -fs -H "$bearer" "$base$api/actions" | python3 -c 'import json, sys; print(json.load(sys.stdin)["value"][0]["id"])')
# Each page against the JSON the same data comes from: the score document for the overview, the
# action list and one action for the list and its flyout, the history (series and changes) for
# History, and the five metrics for Metrics (their times added up).
ms() { awk -v r="$(rps "$1" "$2")" -v c="$connections" 'BEGIN { printf "%.2f", 1000 * c / r }'; }
report() {
    awk -v name="$1" -v page="$2" -v json="$3" -v what="$4" 'BEGIN {
        printf "  %-16s page %7.2f ms, JSON %7.2f ms (%s), ratio %.2f\n", name, page, json, what, page / json }'
}
echo "dashboard benchmark (wrk -t1 -c$connections -d${duration}s, 400 days, uncached)"
report overview "$(ms /orgs/contoso "$cookie")" "$(ms "$api/score" "$bearer")" "score"
report actions "$(ms /orgs/contoso/actions "$cookie")" "$(ms "$api/actions" "$bearer")" "actions"
report "action flyout" "$(ms "/orgs/contoso/actions/$action" "$cookie")" "$(ms "$api/actions/$action" "$bearer")" "one action"
report history "$(ms /orgs/contoso/history "$cookie")" "$(ms "$api/history" "$bearer")" "history"
metrics_json=0
for part in regressions comparison risk-acceptance score-changes zone; do
    metrics_json=$(awk -v a="$metrics_json" -v b="$(ms "$api/metrics/$part" "$bearer")" 'BEGIN { printf "%.2f", a + b }')
done
report metrics "$(ms /orgs/contoso/metrics "$cookie")" "$metrics_json" "five metrics added"
