#!/usr/bin/env bash
# 10 minutes of steady deliveries to a release build on loopback, resident memory sampled every 10 s (a table);
# fails when the RSS at the end is more than 10 % above the RSS after the first minute. See scripts/soak.py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release --product firebreak
exec python3 scripts/soak.py "$@"
