#!/usr/bin/env bash
# Evidence benchmark: assessing a generated Microsoft 365 snapshot of 100,000 users (read, decoded
# and assessed) as a ratio against decoding the same files alone, measured in the same run
# (target: at most 1.5).
#
#   bench/evidence.sh [--users N] [--rounds R]
#
# Builds the benchmark in release mode into .build-release and prints the medians and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
users=100000
rounds=7
while [ $# -gt 0 ]; do
    case "$1" in
    --users) users=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
swift build -c release --product posture-evidence-bench --scratch-path .build-release >/dev/null
.build-release/release/posture-evidence-bench "$users" "$rounds"
