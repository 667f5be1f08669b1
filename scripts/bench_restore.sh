#!/usr/bin/env bash
# The restore scenario of scripts/bench.sh: `papertrader run` with N sessions on the recorded
# BTCUSDT stream, killed with SIGKILL once the sessions have run for a while, then started again on
# the same database; measures the time from the restart to every session restored (the log line
# "session … restored" each restored session writes when its re-fed account is checked against
# the stored one, docs/operations.md "Restore"). Prints one Markdown table (header and row) on
# stdout; the restore time in seconds is the row's 5th column.
#
#   scripts/bench_restore.sh [--smoke] [BUILD_DIR]
#
# --smoke: 20 sessions at 50× — checks that the scenario still runs and every session comes
# back (no timing is judged). Exits non-zero when a step fails or a session is not restored.
# Environment: BENCH_RESTORE_SESSIONS (default 10000), BENCH_RESTORE_SPEED (default 20),
# BENCH_RESTORE_PROGRESS (replay progress lines to wait for after the last session runs, each
# ~5 s of wall time; default 2), BENCH_RESTORE_KEEP=1 keeps the work folder (database, logs).
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
build="${1:-build}"
if [ $smoke -eq 1 ]; then
  sessions=20 speed=50 progress=1
else
  sessions="${BENCH_RESTORE_SESSIONS:-10000}" speed="${BENCH_RESTORE_SPEED:-20}" progress="${BENCH_RESTORE_PROGRESS:-2}"
fi
data="$PWD/../shared/data/streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz"
[ -r "$data" ] || { echo "bench_restore: no recording $data" >&2; exit 1; }

dir=$(mktemp -d /tmp/papertrader-bench-restore.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  if [ "${BENCH_RESTORE_KEEP:-0}" = 1 ]; then echo "bench_restore: work folder kept: $dir" >&2; else rm -rf "$dir"; fi
}
trap cleanup EXIT

# N sessions cycling through the two tick-level examples (as the API scenario), no API.
{
  echo "database: $dir/bench.db"
  echo "defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 1, qty_step: 0.00001}"
  echo "sessions:"
  for i in $(seq 1 "$sessions"); do
    if [ $((i % 2)) -eq 0 ]; then s=rsi_scalper_5s; else s=ema_crossover_10s; fi
    echo "  - {name: bench-$i, strategy: $PWD/config/strategies/$s.yaml, symbol: BTCUSDT}"
  done
} > "$dir/papertrader.yaml"

start_run() { # log-file
  local log=$1
  "$build/papertrader" --log-level info run --config "$dir/papertrader.yaml" --replay "$data" --speed "$speed" \
    --no-warmup > "$log" 2>&1 &
  pid=$!
}

# Reads LOG as it is written until PATTERN has matched COUNT lines; gives up when the server ends
# or after 300 s. Waits on the log, not on time.
await_lines() { # log pattern count
  local line n=0
  coproc reader { exec timeout 300 tail -n +1 -F --pid="$pid" "$1" 2>/dev/null; }
  local reader_pid=$reader_PID
  while IFS= read -r line <&"${reader[0]}"; do
    if [[ $line =~ $2 ]]; then
      n=$((n + 1))
      [ "$n" -ge "$3" ] && break
    fi
  done
  kill "$reader_pid" 2>/dev/null || true
  wait "$reader_pid" 2>/dev/null || true
  [ "$(grep -cE -- "$2" "$1" || true)" -ge "$3" ]
}

first="$dir/first.log"
start_run "$first"
await_lines "$first" "session [0-9]+ \\(bench-$sessions\\) running" 1 ||
  { echo "bench_restore: session bench-$sessions never ran:" >&2; tail -20 "$first" >&2; exit 1; }
# The replay's progress lines (every ~5 s of wall time) after the sessions run: market data has
# been committed as each session's feed position by then.
running_at=$(grep -cE '^.*replay: [0-9]+ events in' "$first" || true)
await_lines "$first" 'replay: [0-9]+ events in' $((running_at + progress)) ||
  { echo "bench_restore: the replay did not go on:" >&2; tail -20 "$first" >&2; exit 1; }
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
events_before=$(grep -oE 'replay: [0-9]+ events in' "$first" | tail -1 | grep -oE '[0-9]+')

second="$dir/second.log"
t0=$(date +%s.%N)
start_run "$second"
await_lines "$second" 'session [0-9]+ \(bench-[0-9]+\) restored' "$sessions" ||
  { echo "bench_restore: $(grep -cE 'session [0-9]+ \(bench-[0-9]+\) restored' "$second" || true) of $sessions sessions restored:" >&2
    tail -20 "$second" >&2; exit 1; }
t1=$(date +%s.%N)
differences=$(grep -cE 'restored with [0-9]+ difference' "$second" || true)
refed=$(grep -oE 'restore: [0-9]+ session\(s\) restored' "$second" | grep -oE '[0-9]+' | head -1 || true)
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=""

echo "| sessions | speed | events replayed before the kill | sessions restored | restart to every session restored (s) | with differences |"
echo "|---:|---:|---:|---:|---:|---:|"
awk -v n="$sessions" -v s="$speed" -v e="${events_before:-0}" -v r="${refed:-0}" -v t0="$t0" -v t1="$t1" -v d="$differences" \
  'BEGIN { printf "| %d | %g× | %d | %d | %.2f | %d |\n", n, s, e, r, t1 - t0, d }'
[ "$differences" -eq 0 ] || { echo "bench_restore: $differences session(s) restored with differences" >&2; exit 1; }
