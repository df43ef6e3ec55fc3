#!/usr/bin/env bash
# Comparison-trend benchmark: the one-year comparison trend of one organization among 10,000
# organizations (3.65 million daily snapshots) on PostgreSQL, as a ratio against the equivalent
# single SQL aggregate run directly on the same data in the same run (target: at most 2).
#
#   bench/comparison.sh [--organizations N] [--days D] [--rounds R]
#
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 (scripts/lib/postgres.sh), builds the
# benchmark in release mode into .build-release, generates the data inside PostgreSQL and prints
# the medians and the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
organizations=10000
days=365
rounds=30
while [ $# -gt 0 ]; do
    case "$1" in
    --organizations) organizations=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
# shellcheck source=../scripts/lib/postgres.sh
source scripts/lib/postgres.sh
trap pg_stop EXIT
swift build -c release --product posture-bench --scratch-path .build-release >/dev/null
pg_start
POSTURE_BENCH_DATABASE_URL=$POSTURE_TEST_POSTGRES_URL .build-release/release/posture-bench "$organizations" "$days" "$rounds"
