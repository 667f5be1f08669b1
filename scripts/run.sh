#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: `papertrader run` with
# config/papertrader.yaml. With no arguments its sessions trade the real recorded BTCUSDT stream
# in ../shared/data at 10x (the config's own default, the live Binance market, needs the internet:
# `scripts/run.sh --config config/papertrader.yaml` runs it as configured). Arguments go to
# `papertrader run` instead (see `build/papertrader run --help`). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target papertrader
# The dashboard's chart library, exactly as locked in web/dashboard/package-lock.json.
npm ci --prefix web/dashboard --no-audit --no-fund --loglevel=error
if [ $# -eq 0 ]; then
  recording=../shared/data/streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz
  if [ -f "$recording" ]; then
    set -- --replay "$recording" --speed 10
  else
    echo "run: $recording is missing; trading the live market as configured" >&2
  fi
fi
exec build/papertrader run "$@"
