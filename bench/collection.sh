#!/usr/bin/env bash
# Scheduled-collection benchmark: 100 organizations connected to the recorded Graph service (on
# this machine), one round with at most 4 collections at a time, against one `posture collect` of
# the same data measured in the same run (target: time per organization at most 1.5× it).
#
#   bench/collection.sh [ORGANIZATIONS] [CONCURRENCY] [BASELINE_ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product posture-collection-bench --scratch-path .build-release >/dev/null
exec .build-release/release/posture-collection-bench "${1:-100}" "${2:-4}" "${3:-7}"
