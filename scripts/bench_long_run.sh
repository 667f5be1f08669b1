#!/usr/bin/env bash
# Memory over a long replay: N sessions (default 1000) cycling through the example strategies of
# timeframe 1m or longer, through 6.5 weeks of BTCUSDT 1m klines at full speed, database on (the
# run of docs/BENCHMARKS.md, "Long runs"). Samples the process's resident memory every 0.5 s beside
# the replay's progress, and prints a markdown row: RSS at 20 % of the replay, peak RSS, their
# ratio, replay and total wall time, database size. What a session keeps should not grow with its
# history, so peak RSS should stay close to the RSS at 20 %.
#
# Usage: scripts/bench_long_run.sh [--sessions N] [--build DIR] [--retention YAML] [--no-db] [--keep]
#   --smoke       20 sessions: checks that the scenario runs and prints its row.
#   --no-db       the same run without a database (`run --no-db`): the sessions alone, the baseline
#                 for what persistence costs in time (database column: 0). Its memory is not
#                 comparable: with no database to serve them, reports keep every fill and decision.
#   --retention   the config's `retention:` mapping, e.g. '{equity_full_resolution: forever}'
#                 (default: none given, so the defaults: points past 7 days downsampled hourly).
#   --keep        keep the run's folder (database, log) and print its path.
set -euo pipefail
cd "$(dirname "$0")/.."

sessions=1000
build=build
retention=
no_db=
keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --sessions) sessions=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --smoke) sessions=20; shift ;;
    --retention) retention=$2; shift 2 ;;
    --no-db) no_db=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench_long_run: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
data=../shared/data/klines/spot-1m-ohlcv/BTCUSDT-1m-ohlcv-2023-03-16_2023-05-01.csv.gz
[ -f "$data" ] || { echo "bench_long_run: $data is missing (../shared beside this checkout)" >&2; exit 1; }
[ -x "$build/papertrader" ] || { echo "bench_long_run: $build/papertrader is not built (scripts/build.sh)" >&2; exit 1; }

dir=$(mktemp -d /tmp/pt-long-run.XXXXXX)
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  if [ -n "$keep" ]; then echo "bench_long_run: kept $dir" >&2; else rm -rf "$dir"; fi
}
trap cleanup EXIT

strategies=(ema_crossover rsi_mean_reversion ema_pullback_limit bollinger_breakout macd_trend_1h_filter
            volume_profile_breakout grid)
{
  echo "database: $dir/long.db"
  [ -n "$retention" ] && echo "retention: $retention"
  echo "defaults: {initial_cash: 10000, taker_fee_bps: 10, slippage_bps: 1, qty_step: 0.00001}"
  echo "sessions:"
  for i in $(seq 1 "$sessions"); do
    s=${strategies[$(((i - 1) % ${#strategies[@]}))]}
    echo "  - {name: long-$i, strategy: $PWD/config/strategies/$s.yaml, symbol: BTCUSDT}"
  done
} > "$dir/papertrader.yaml"

t0=$EPOCHREALTIME
"$build/papertrader" --log-level info run --config "$dir/papertrader.yaml" --replay "$data" --speed max \
  --listen '' --exit-at-end ${no_db:+--no-db} > "$dir/run.log" 2>&1 &
pid=$!
# One line per sample: wall time (s), RSS in kB, market events the replay has fed so far.
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  fed=$(grep -oE 'replay: [0-9]+ events' "$dir/run.log" | tail -1 | grep -oE '[0-9]+' || true)
  finished=$(grep -oE 'replay finished: [0-9]+ events' "$dir/run.log" | grep -oE '[0-9]+' || true)
  [ -n "$finished" ] && fed=$finished
  [ -n "$rss" ] && echo "$EPOCHREALTIME $rss ${fed:-0} ${hwm:-0} ${finished:+end}" >> "$dir/samples"
  sleep 0.5
done
wait "$pid" || { echo "bench_long_run: the run failed:" >&2; tail -20 "$dir/run.log" >&2; exit 1; }
pid=
t_end=$EPOCHREALTIME
total=$(grep -oE 'replay finished: [0-9]+ events' "$dir/run.log" | grep -oE '[0-9]+')
finished_sessions=$(grep -cE 'session [0-9]+ \(long-[0-9]+\) finished' "$dir/run.log" || true)
[ "$finished_sessions" -eq "$sessions" ] ||
  { echo "bench_long_run: $finished_sessions of $sessions sessions finished" >&2; exit 1; }
db_bytes=0
[ -n "$no_db" ] || db_bytes=$(du -cb "$dir"/long.db* | tail -1 | cut -f1)

echo "| sessions | events | RSS at 20 % of the replay (MB) | peak RSS (MB) | peak / 20 % | replay (s) | total (s) | database (MB) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
awk -v n="$sessions" -v total="$total" -v t0="$t0" -v t_end="$t_end" -v db="$db_bytes" '
  { t[NR] = $1; rss[NR] = $2; fed[NR] = $3; hwm = ($4 > hwm ? $4 : hwm); if ($5 == "end" && !replay) replay = $1 - t0 }
  END {
    # The process may end before a sample sees "replay finished" (a short run settles at once).
    if (!replay) replay = t_end - t0
    at20 = 0
    for (i = 1; i <= NR; ++i) if (fed[i] >= 0.2 * total) { at20 = rss[i]; break }
    # A run shorter than the 5 s between progress lines: 20 % of the replay wall time instead.
    if (at20 == 0) for (i = 1; i <= NR; ++i) if (t[i] >= t0 + 0.2 * replay) { at20 = rss[i]; break }
    if (at20 == 0) { print "bench_long_run: no sample at 20 % of the replay" > "/dev/stderr"; exit 1 }
    printf "| %d | %d | %.0f | %.0f | %.2f | %.1f | %.1f | %.0f |\n", n, total, at20 / 1024, hwm / 1024,
           hwm / at20, replay, t_end - t0, db / 1e6
  }' "$dir/samples"
