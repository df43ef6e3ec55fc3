#!/usr/bin/env bash
# Report benchmark: the demo organization's one-year report (400 days of history), measured in one
# run on embedded SQLite, release build.
# - HTML: server time for the report page built for print against the overview page (both
#   uncached: a unique query string per request; wrk, time per request). Target: at most 2×.
# - PDF: wall time of GET …/report.pdf (read, render, print with headless Chromium) against
#   fetching the same report's HTML page and having the same Chromium render it (a screenshot of
#   the page at A4 size): what any browser-based view of the report costs. Target: at most 3×.
#
#   bench/reports.sh [--duration SECONDS] [--connections N] [--runs N] [--binary PATH]
#
# Builds a release binary into .build-release unless --binary is given. Needs wrk, curl and
# chromium (or chromium-headless-shell).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=10
connections=4
runs=5
binary=""
while [ $# -gt 0 ]; do
    case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
command -v wrk >/dev/null || { echo "install wrk first (apt-get install wrk)" >&2; exit 1; }
engine=$(command -v chromium-headless-shell || command -v chromium || true)
[ -n "$engine" ] || { echo "install chromium-headless-shell or chromium first" >&2; exit 1; }
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
env=(POSTURE_DATA_DIR="$work" POSTURE_DEMO_DAYS=400 POSTURE_LOG_LEVEL=warning POSTURE_ADMIN_PASSWORD="$password"
    POSTURE_PDF_ENGINE="$engine")
env "${env[@]}" "$binary" serve --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
bench_wait_ready "$base"
session=$(bench_sign_in "$base" "$password")
[ -n "$session" ] || { echo "could not sign in" >&2; exit 1; }
cookie="Cookie: posture_session=$session"
to=$(date -u +%F)
from=$(date -u -d "$to - 364 days" +%F)
report="/orgs/contoso/report?from=$from&to=$to"

bench_unique_script "$work/unique.lua"
ms() {
    local r
    r=$(wrk -t1 "-c$connections" "-d${duration}s" -s "$work/unique.lua" -H "$cookie" "$base$1" | awk '/Requests\/sec/ {print $2}')
    awk -v r="$r" -v c="$connections" 'BEGIN { printf "%.2f", 1000 * c / r }'
}
status=$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" "$base$report")
[ "$status" = 200 ] || { echo "the report answered $status" >&2; exit 1; }
overview=$(ms /orgs/contoso)
html=$(ms "$report")

now_ms() { date +%s%3N; }
pdf_total=0
view_total=0
for run in $(seq 1 "$runs"); do
    start=$(now_ms)
    curl -fs -H "$cookie" -o "$work/report.pdf" "$base/orgs/contoso/report.pdf?from=$from&to=$to&n=$run"
    pdf_total=$((pdf_total + $(now_ms) - start))
    start=$(now_ms)
    curl -fs -H "$cookie" -o "$work/report.html" "$base$report&n=$run"
    # The page links its stylesheet on the server; the file gets it inline, as the PDF has it.
    curl -fs -o "$work/report-a4.css" "$base/assets/report-a4.css"
    sed -i "s#<link rel=\"stylesheet\" href=\"/assets/report-a4.css\">#<link rel=\"stylesheet\" href=\"report-a4.css\">#" "$work/report.html"
    "$engine" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile-$run" \
        --window-size=794,1123 --screenshot="$work/report.png" "file://$work/report.html" >/dev/null 2>&1
    view_total=$((view_total + $(now_ms) - start))
done
head -c 5 "$work/report.pdf" | grep -q '%PDF-' || { echo "no PDF came back" >&2; exit 1; }
pages=$(command -v pdfinfo >/dev/null && pdfinfo "$work/report.pdf" | awk '/^Pages:/ {print $2}' || echo "?")

echo "report benchmark (one-year report of the demo, 400 days of history, $(basename "$engine"))"
awk -v o="$overview" -v h="$html" -v c="$connections" -v d="$duration" 'BEGIN {
    printf "  HTML report %7.2f ms, overview %7.2f ms (wrk -t1 -c%s -d%ss, uncached), ratio %.2f (target <= 2)\n", h, o, c, d, h / o }'
awk -v p="$pdf_total" -v v="$view_total" -v n="$runs" -v pages="$pages" 'BEGIN {
    printf "  PDF %7.0f ms (%s pages), HTML fetched and rendered by the same engine %7.0f ms (%s runs each), ratio %.2f (target <= 3)\n", p / n, pages, v / n, n, p / v }'
