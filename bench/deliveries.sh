#!/usr/bin/env bash
# Delivery-queue benchmark: 1,000 organizations each fire one alert to a webhook receiver that
# answers in 50 ms, sent through the queue (database, leases, signing, recording), against the
# same number of plain signed HTTP posts from one process measured in the same run (target: at
# most 2× their time).
#
#   bench/deliveries.sh [ORGANIZATIONS] [CONCURRENCY]
#   POSTURE_BENCH_DATABASE_URL=postgres://… bench/deliveries.sh   # the queue on PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product posture-delivery-bench --scratch-path .build-release >/dev/null
exec .build-release/release/posture-delivery-bench "${1:-1000}" "${2:-16}"
