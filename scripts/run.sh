#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: `papertrader run` with
# config/papertrader.yaml (sessions trading a real recorded BTCUSDT stream at 10x).
# Extra arguments go to `papertrader run` (see `build/papertrader run --help`). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target papertrader
exec build/papertrader run "$@"
