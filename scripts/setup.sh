#!/usr/bin/env bash
# Installs every system package papertrader needs to build, run and test (Debian 12).
# Installs only what is missing; uses sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcaf-dev             # actors (CAF 0.17)
  rapidjson-dev          # JSON
  libyaml-cpp-dev        # config and strategy files
  libspdlog-dev          # logging
  libsqlite3-dev         # persistence
  sqlite3 curl jq        # the crash test (scripts/crash_test.sh) checks the database and the API
  libcli11-dev           # command line
  libssl-dev             # TLS for the live Binance feed
  libboost-dev           # Asio and Beast, header-only (web/)
  zlib1g-dev             # reading .gz market data
  libgtest-dev libgmock-dev  # tests
  libbenchmark-dev       # benchmarks (bench/)
  clang libclang-rt-14-dev  # libFuzzer for the parser fuzz target (fuzz/)
  chromium               # the dashboard's browser test (tests/browser, headless)
  wrk                    # the API benchmark (scripts/bench_api.sh)
  linux-perf             # profiling the benchmarks (perf record -g)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js and npm: the indicator tests compare against real TA-Lib (npm talib-web, see
# tests/reference). Any node >= 18 does; Debian 12's own is enough.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all system packages are installed"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  sudo_cmd=(sudo)
fi

echo "setup: installing ${missing[*]}"
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
