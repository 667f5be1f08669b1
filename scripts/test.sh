#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, actor and end-to-end on the real
# data in ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/data ]; then
  echo "test: ../shared/data (recorded Binance data) is missing beside this checkout" >&2
  exit 1
fi
scripts/setup.sh
scripts/build.sh
# Real TA-Lib for the indicator tests, exactly as locked in tests/reference/package-lock.json.
npm ci --prefix tests/reference --no-audit --no-fund --loglevel=error
# A standard OpenAPI validator (@apidevtools/swagger-parser) for the API's /openapi.json.
npm ci --prefix tests/openapi --no-audit --no-fund --loglevel=error
# The dashboard's chart library (lightweight-charts) and, for its browser test, playwright-core
# (it drives Debian's /usr/bin/chromium; no browser is downloaded).
npm ci --prefix web/dashboard --no-audit --no-fund --loglevel=error
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
cd build
ctest --output-on-failure --timeout 600 -j "$(nproc)"
