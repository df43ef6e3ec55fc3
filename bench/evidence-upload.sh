#!/usr/bin/env bash
# Evidence upload memory: how much the server's resident memory grows while it receives and
# assesses one large Microsoft 365 evidence snapshot, as a ratio against the body's size measured
# in the same run (the body itself is the baseline: holding it once in memory is 1×).
#
#   bench/evidence-upload.sh [--users N] [--binary PATH]
#
# Generates the snapshot with posture-evidence-bench (release), bundles it into one request body,
# starts the server on SQLite with the demo data, and samples the server's VmRSS every 20 ms
# during the upload.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
users=100000
binary=""
while [ $# -gt 0 ]; do
    case "$1" in
    --users) users=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
swift build -c release --product posture-evidence-bench --scratch-path .build-release >/dev/null
if [ -z "$binary" ]; then
    swift build -c release --product posture --scratch-path .build-release >/dev/null
    binary="$root/.build-release/release/posture"
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The generator writes the snapshot to the temporary folder, then times one assessment.
.build-release/release/posture-evidence-bench "$users" 1 >/dev/null
snapshot="${TMPDIR:-/tmp}/posture-evidence-bench-$users"
python3 - "$snapshot" "$work/body.json" <<'PY'
import json, os, sys
directory, out = sys.argv[1], sys.argv[2]
resources = {}
for name in sorted(os.listdir(directory)):
    if name.endswith(".json") and name != "manifest.json":
        with open(os.path.join(directory, name), "rb") as f:
            resources[name[:-5]] = json.load(f)
with open(os.path.join(directory, "manifest.json")) as f:
    manifest = json.load(f)
with open(out, "w") as f:
    json.dump({"manifest": manifest, "resources": resources}, f)
PY
body_bytes=$(stat -c %s "$work/body.json")

port=18$((RANDOM % 900 + 100))
env=(POSTURE_DATA_DIR="$work/data" POSTURE_LOG_LEVEL=warning)
mkdir -p "$work/data"
env "${env[@]}" "$binary" serve --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
token=$(env "${env[@]}" "$binary" token create --org contoso --scope SecurityEvents.ReadWrite.All --expires 1h)
rss() { awk '/VmRSS/ {print $2 * 1024}' "/proc/$server_pid/status"; }
# Anonymous memory only: the mapped body's pages count in VmRSS but belong to the file.
anon() { awk '/RssAnon/ {print $2 * 1024}' "/proc/$server_pid/status"; }
before=$(rss)
peak=$before
anon_before=$(anon)
anon_peak=$anon_before
curl -fsS -o "$work/answer.json" -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data-binary @"$work/body.json" "http://127.0.0.1:$port/api/v1/organizations/contoso/evidence/microsoft365" &
upload=$!
while kill -0 "$upload" 2>/dev/null; do
    now=$(rss)
    [ "$now" -gt "$peak" ] && peak=$now
    now=$(anon)
    [ "$now" -gt "$anon_peak" ] && anon_peak=$now
    sleep 0.02
done
wait "$upload"
measured=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['measured'])" "$work/answer.json")
growth=$((peak - before))
echo "body: $((body_bytes / 1048576)) MB ($users users); assessed $measured actions"
echo "server RSS before: $((before / 1048576)) MB, peak during the upload: $((peak / 1048576)) MB"
python3 -c "import sys; g, b = int(sys.argv[1]), int(sys.argv[2]); print(f'growth: {g / 1048576:.0f} MB = {g / b:.2f}x the body')" "$growth" "$body_bytes"
python3 -c "import sys; g, b = int(sys.argv[1]), int(sys.argv[2]); print(f'anonymous (heap) growth: {g / 1048576:.0f} MB = {g / b:.2f}x the body')" "$((anon_peak - anon_before))" "$body_bytes"
