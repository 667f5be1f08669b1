#!/usr/bin/env bash
# Builds Release and runs every benchmark scenario, writing docs/BENCHMARKS.md: the machine, the
# commands, Google Benchmark medians for the hot core functions, session throughput and memory
# (actors against a plain single-threaded loop, measured in the same run), event-to-fill latency
# at live speed and 10×, the REST API under wrk and WebSocket fan-out, persister throughput, restore
# of 10,000 sessions after SIGKILL, memory over a long replay (1,000 sessions, 6.5 weeks of 1m klines), and
# each target of issue 8 with met / missed by how much. About 13 minutes on 2 cores.
#
# Environment: BENCH_SESSIONS (throughput counts, default 1,100,1000,10000), BENCH_REPEAT (runs
# per throughput row, default 3), BENCH_LATENCY_SECONDS (wall seconds at 1×, default 75),
# BENCH_OUT (default docs/BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --target papertrader papertrader_bench papertrader_throughput papertrader_latency \
  papertrader_persist papertrader_ws_fanout

started=$(date +%s)
sessions="${BENCH_SESSIONS:-1,100,1000,10000}"
repeat="${BENCH_REPEAT:-3}"
latency_s="${BENCH_LATENCY_SECONDS:-75}"
out="${BENCH_OUT:-docs/BENCHMARKS.md}"
core_cmd="build/papertrader_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true"
throughput_cmd="build/papertrader_throughput --sessions $sessions --repeat $repeat"
latency_live_cmd="build/papertrader_latency --sessions 1000 --speed 1 --seconds $latency_s"
latency_fast_cmd="build/papertrader_latency --sessions 1000 --speed 10 --seconds 30"
# The same feed into the same sessions without the pipeline: the plain loop (the practical limit)
# and one actor per session (what the per-stage hops cost).
latency_plain_cmd="build/papertrader_latency --sessions 1000 --speed 1 --seconds 30 --pipeline plain"
latency_fused_cmd="build/papertrader_latency --sessions 1000 --speed 1 --seconds 30 --pipeline fused"
persist_cmd="build/papertrader_persist --sessions 1000 --rounds 50 --repeat 3"

# Restore after SIGKILL: 10,000 sessions on the recording, kill -9 mid-replay, restart on the same
# database, time until every session has logged its restore (scripts/bench_restore.sh).
restore_cmd="scripts/bench_restore.sh build"
# Memory over a long replay: 1,000 sessions through 6.5 weeks of 1m klines, database on
# (scripts/bench_long_run.sh).
long_cmd="scripts/bench_long_run.sh --build build"
# Its baseline in the same run: every equity point kept (no downsampling).
long_base=(scripts/bench_long_run.sh --build build --retention "{equity_full_resolution: forever}")
long_base_cmd="scripts/bench_long_run.sh --build build --retention '{equity_full_resolution: forever}'"

echo "bench: core functions ($core_cmd)" >&2
core=$($core_cmd 2>/dev/null | grep -E '_median|^Benchmark|^-' || true)
echo "bench: sessions ($throughput_cmd)" >&2
throughput=$($throughput_cmd)
stealing_cmd="build/papertrader_throughput --sessions 10000 --repeat 1 --policy stealing"
echo "bench: sessions on CAF's default scheduler ($stealing_cmd)" >&2
stealing=$($stealing_cmd | tail -1)
echo "bench: latency at 1× ($latency_live_cmd)" >&2
latency=$($latency_live_cmd --header)
echo "bench: latency at 10× ($latency_fast_cmd)" >&2
latency="$latency
$($latency_fast_cmd)"
echo "bench: latency of the plain loop ($latency_plain_cmd)" >&2
latency="$latency
$($latency_plain_cmd)"
echo "bench: latency of one actor per session ($latency_fused_cmd)" >&2
latency="$latency
$($latency_fused_cmd)"
echo "bench: API (scripts/bench_api.sh)" >&2
api=$(scripts/bench_api.sh build)
echo "bench: persistence ($persist_cmd)" >&2
persist=$($persist_cmd)
echo "bench: restore ($restore_cmd)" >&2
restore=$($restore_cmd)
echo "bench: long run ($long_cmd)" >&2
long_run=$($long_cmd)
echo "bench: long run baseline ($long_base_cmd)" >&2
long_base_row=$("${long_base[@]}" | tail -1)
elapsed=$(( $(date +%s) - started ))

# -- targets: pick the figures out of the tables ----------------------------------------------
col() { # table row-prefix column → the cell (1-based, Markdown columns)
  echo "$1" | awk -F'|' -v pre="$2" -v c="$3" 'index($0, pre) == 1 { gsub(/^ +| +$/, "", $(c + 1)); print $(c + 1); exit }'
}
ratio_10k=$(col "$throughput" "| 10000 |" 5)
rss_10k=$(col "$throughput" "| 10000 |" 7)
fills_10k=$(col "$throughput" "| 10000 |" 8)
p99_live=$(col "$latency" "| four actors per session | 1000 | 1× |" 10)
p99_plain=$(col "$latency" "| plain loop, 1 thread | 1000 | 1× |" 10)
restore_seconds=$(col "$restore" "| 10000 |" 5)
api_one=$(echo "$api" | grep -F '| GET /api/v1/sessions/' | grep -F '≤ 10,000/s' | head -1)
api_list=$(echo "$api" | grep -F '| GET /api/v1/sessions (first' | grep -F '≤ 10,000/s' | head -1)
verdict() { # value target-op limit unit
  awk -v v="$1" -v op="$2" -v t="$3" -v u="$4" 'BEGIN {
    if (v == "") { print "not measured"; exit }
    if (op == ">=") { if (v + 0 >= t) printf "met (%s%s)", v, u; else printf "**missed** by %.0f %% (%s%s)", (1 - v / t) * 100, v, u }
    else { if (v + 0 < t) printf "met (%s%s)", v, u; else printf "**missed**: %.1f× the limit (%s%s)", v / t, v, u } }'
}

{
  echo "# Benchmarks"
  echo
  echo "Written by \`scripts/bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo ' (with uncommitted changes)'), in $((elapsed / 60)) min $((elapsed % 60)) s."
  echo
  echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); load average at the start $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Timings on a shared machine vary by ±10–20 %; ratios measured in the same run are the figures to compare."
  echo
  echo "## Targets (issue 8)"
  echo
  echo "| target | this run |"
  echo "|---|---|"
  echo "| 10,000 concurrent sessions | $([ -n "$fills_10k" ] && echo "met: 10,000 sessions ran the recording, $fills_10k fills" || echo "not measured") |"
  echo "| actors on 2 cores ≥ the plain loop on 1 core, at 10,000 sessions | $(verdict "$ratio_10k" ">=" 1 "×") |"
  echo "| p99 event-to-fill < 1 ms, 1,000 sessions at live speed | $(verdict "$(awk -v u="$p99_live" 'BEGIN { if (u != "") printf "%.3f", u / 1000 }')" "<" 1 " ms"); the plain loop on 1 core: p99 $(awk -v u="$p99_plain" 'BEGIN { if (u != "") printf "%.3f ms", u / 1000; else print "not measured" }') |"
  echo "| < 64 KB per session at 10,000 sessions | $(verdict "$rss_10k" "<" 64 " KB") |"
  echo "| API p99 < 5 ms at 10,000 requests/s, GET /sessions/{id} | $(echo "$api_one" | awk -F'|' '{ gsub(/^ +| +$/, "", $7); gsub(/^ +| +$/, "", $6); gsub(/^ +| +$/, "", $4); if ($4 == "") print "not measured"; else printf "%s (%s req/s, p99 %s ms)", $7, $4, $6 }') |"
  echo "| API p99 < 5 ms at 10,000 requests/s, GET /sessions | $(echo "$api_list" | awk -F'|' '{ gsub(/^ +| +$/, "", $7); gsub(/^ +| +$/, "", $6); gsub(/^ +| +$/, "", $4); if ($4 == "") print "not measured"; else printf "%s (%s req/s, p99 %s ms)", $7, $4, $6 }') |"
  echo "| 10,000 sessions restored in < 5 s after SIGKILL | $(verdict "$restore_seconds" "<" 5 " s") |"
  echo
  echo "Why a target is missed, and what limits it, is in *What limits it* at the end."
  echo
  echo "## Hot core functions"
  echo
  echo "\`$core_cmd\` — median of 5 repetitions, per call."
  echo
  echo '```'
  echo "$core"
  echo '```'
  echo
  echo "## Throughput and memory: sessions on recorded data"
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
  echo
  echo "The same at 10,000 sessions on CAF's default work-stealing scheduler, one run (\`$stealing_cmd\`;"
  echo "papertrader runs on work sharing, see *What limits it*):"
  echo
  echo "$throughput" | sed -n '3,4p'
  echo "$stealing"
  echo
  echo "## Latency: event to fill at live speed"
  echo
  echo "\`$latency_live_cmd\`, \`$latency_fast_cmd\`, \`$latency_plain_cmd\` and \`$latency_fused_cmd\` — the recorded BTCUSDT stream"
  echo "(trades, book tickers, depth diffs) paced by its timestamps from its start, into 1,000 sessions"
  echo "(a quarter the 10 s EMA and 5 s RSI examples, the rest EMA crossovers on 1–3 s bars with varied"
  echo "periods, so that fills are many and spread), with the persister writing to a temporary SQLite"
  echo "database. A sample per fill: steady-clock time from its market batch's arrival at the broadcaster"
  echo "to the fill at the position tracker (three actor hops after the indicator engine). Measured in the"
  echo "same run on the same feed and broadcaster: *plain loop, 1 thread* — one actor runs every session's"
  echo "core code (\`session_runner\`) over each batch, session by session, a sample per fill once its"
  echo "session has run the batch: the practical limit of one core; *one actor per session (fused)* — a"
  echo "\`session_runner\` per actor, the four stages without their hops (not how papertrader runs, DESIGN"
  echo "decision 2). Neither stores anything; the actors' samples are taken before the commit too. One run"
  echo "each: the samples are the fills (thousands), percentiles from a log-linear histogram (±3 %)."
  echo
  echo "$latency"
  echo
  echo "## API: REST under wrk, WebSocket fan-out"
  echo
  echo "$api"
  echo
  echo "## Persistence"
  echo
  echo "\`$persist_cmd\` — 1,000 sessions each sending the persister batches shaped like a market order's"
  echo "output (2 order updates, 1 fill, 1 equity point, 1 decision, the account: 6 rows per fill) into a"
  echo "temporary SQLite database in WAL mode with synchronous=NORMAL (as \`papertrader run\` opens it: a"
  echo "commit does not wait for fsync, checkpoints do). Medians of 3 runs."
  echo
  echo "$persist"
  echo
  echo "## Restore"
  echo
  echo "\`$restore_cmd\` — \`papertrader run\` with 10,000 sessions (10 s EMA and 5 s RSI examples) on the recorded"
  echo "BTCUSDT stream at 20×, killed with SIGKILL about 10 s after the last session started, then started"
  echo "again on the same database: the time from the restart to the last \"session … restored\" log line"
  echo "(each restored session writes it once its re-fed account is checked against the stored one)."
  echo
  echo "$restore"
  echo
  echo "## Long runs: memory over 6.5 weeks of 1m klines"
  echo
  echo "\`$long_cmd\` — \`papertrader run\` with 1,000 sessions cycling through the seven example"
  echo "strategies of timeframe 1m or longer, through 66,087 BTCUSDT 1m klines (2023-03-16 to 2023-05-01)"
  echo "at full speed, database on. Resident memory sampled every 0.5 s beside the replay's progress"
  echo "lines (every 5 s, so *20 %* is the first sample at or past it; a run too short for them takes"
  echo "20 % of its wall time); peak is the kernel's VmHWM; *total* includes settling (the persister's"
  echo "backlog committed, reports written). What a session keeps should not grow with its history: peak"
  echo "/ 20 % is the measure (issue 17's target ≤ 1.3). The first row has the default retention (equity"
  echo "points past 7 days downsampled hourly); the second, its baseline in the same run, keeps every"
  echo "point (\`$long_base_cmd\`): the database sizes compare the two."
  echo
  echo "$long_run"
  echo "$long_base_row"
  echo
  cat bench/LIMITS.md
} > "$out"
echo "bench: wrote $out in ${elapsed} s" >&2
