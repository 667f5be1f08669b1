#!/usr/bin/env bash
# Configures and builds papertrader (Release) into build/. Extra arguments go to the build
# (e.g. a target name). Uses every core.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$(nproc)" "$@"
