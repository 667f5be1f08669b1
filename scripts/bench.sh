#!/usr/bin/env bash
# Builds Release and runs the benchmarks, writing docs/BENCHMARKS.md: the machine, the commands,
# Google Benchmark medians for the hot core functions, and session throughput and memory (actors
# against a plain single-threaded loop, measured in the same run). Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target papertrader_bench papertrader_throughput

sessions="${BENCH_SESSIONS:-1,100,1000,10000}"
repeat="${BENCH_REPEAT:-3}"
out=docs/BENCHMARKS.md
core_cmd="build/papertrader_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true"
throughput_cmd="build/papertrader_throughput --sessions $sessions --repeat $repeat"

echo "bench: core functions ($core_cmd)" >&2
core=$($core_cmd 2>/dev/null | grep -E '_median|^Benchmark|^-' || true)
echo "bench: sessions ($throughput_cmd)" >&2
throughput=$($throughput_cmd)

{
  echo "# Benchmarks"
  echo
  echo "Written by \`scripts/bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)."
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr). Timings on a shared machine vary by ±10–20 %;"
  echo "ratios measured in the same run are the figures to compare."
  echo
  echo "## Hot core functions"
  echo
  echo "\`$core_cmd\` — median of 5 repetitions, per call."
  echo
  echo '```'
  echo "$core"
  echo '```'
  echo
  echo "## Sessions on recorded data"
  echo
  echo "\`$throughput_cmd\` — the BTCUSDT trades (19,904 real ticks) replayed at full speed into N"
  echo "sessions cycling through four example strategies (EMA 10s, RSI 5s, EMA 1m, grid). *Plain loop*:"
  echo "one thread runs every session's core code (\`session_runner\`) over the same 512-event batches,"
  echo "session by session — the practical limit of one core. *Actors*: the real pipeline (broadcaster,"
  echo "four actors per session, supervisor) on the CAF scheduler. Rates are session-events per second,"
  echo "medians of $repeat runs; RSS per session is the growth of resident memory while the sessions were"
  echo "started (in a fresh process, so no memory freed by an earlier run is reused), divided by N;"
  echo "*fills* is the same in both (checked by the program)."
  echo
  echo "$throughput"
} > "$out"
echo "bench: wrote $out" >&2
