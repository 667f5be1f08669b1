#!/usr/bin/env bash
# Crash test: `papertrader run` replays the real BTCUSDT stream recording with several sessions,
# is killed with SIGKILL at random moments (seeded, logged) and started again on the same
# database each time; then once more on the first committed `finished` at the end of the replay,
# and started again with the same command, which must run no session a second time. Then:
#   - every fill a client was told about (the fill counts pushed over the WebSocket to
#     pt_ws_recorder, the fills served by GET /api/v1/sessions/{id}/fills) is in the database
#     as each kill left it, before the restart;
#   - no fill is stored twice, and no session got a second row;
#   - PRAGMA integrity_check is ok;
#   - every session's fills, orders, decisions, equity points and final account equal those of the
#     same replay run once without a crash (into another database).
#
# Usage: scripts/crash_test.sh BINARY [DATA_DIR] [SEED]
#   BINARY    the papertrader executable
#   DATA_DIR  the shared data folder (default ../shared/data next to the repository)
#   SEED      seeds the kill moments (default: CRASH_TEST_SEED, else random; always logged)
# Environment: CRASH_TEST_KILLS (default 4), CRASH_TEST_SPEED (replay speed, default 25: a run
# lasts ~30 s), CRASH_TEST_KEEP=1 keeps the work folder.
# Needs bash, curl, jq and the sqlite3 command line (scripts/setup.sh installs them), and
# pt_ws_recorder (the cmake target; PT_WS_RECORDER, else next to BINARY): a WebSocket client
# that records every fill count pushed to it.
set -euo pipefail

bin=${1:?usage: crash_test.sh BINARY [DATA_DIR] [SEED]}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data=${2:-$repo/../shared/data}
seed=${3:-${CRASH_TEST_SEED:-$(( $(date +%s) % 32768 ))}}
kills=${CRASH_TEST_KILLS:-4}
speed=${CRASH_TEST_SPEED:-25}
[ -d "$data" ] || { echo "crash_test: no data folder $data"; exit 2; }
data=$(cd "$data" && pwd)
stream=$data/streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz
for tool in curl jq sqlite3; do
  command -v "$tool" >/dev/null || { echo "crash_test: $tool is missing (scripts/setup.sh)"; exit 2; }
done
[ -x "$bin" ] || { echo "crash_test: no executable $bin"; exit 2; }
[ -r "$stream" ] || { echo "crash_test: no recording $stream"; exit 2; }

work=$(mktemp -d /tmp/pt-crash.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  if [ -n "${rec_pid:-}" ] && kill -0 "$rec_pid" 2>/dev/null; then kill -TERM "$rec_pid" 2>/dev/null || true; fi
  if [ "${CRASH_TEST_KEEP:-0}" = 1 ]; then echo "crash_test: work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "crash_test: FAILED: $*"; exit 1; }

export PAPERTRADER_API_TOKEN=crash-test-token-0123
strategies=$repo/config/strategies
# A busy strategy for this 11-minute recording: 2 s bars, stop loss, trailing stop and cooldown
# (so restore has protective anchors and cooldowns to rebuild), about 24 fills.
cat >"$work/fast.yaml" <<EOF
name: crash-fast
symbol: BTCUSDT
timeframe: 2s
indicators:
  fast: {type: ema, period: 3}
  slow: {type: ema, period: 8}
entry: crosses_above(fast, slow)
exit: crosses_below(fast, slow)
risk: {stop_loss: {percent: 0.05}, trailing_stop: {percent: 0.03}, cooldown: 10s}
sizing: {percent_of_equity: 50}
EOF
cat >"$work/papertrader.yaml" <<EOF
database: $work/unused.db
feed:
  replay: $stream
  speed: $speed
sessions:
  - {name: ema-10s, strategy: $strategies/ema_crossover_10s.yaml}
  - {name: rsi-5s, strategy: $strategies/rsi_scalper_5s.yaml}
  - {name: ema-10s-small, strategy: $strategies/ema_crossover_10s.yaml, initial_cash: 700}
  - {name: rsi-5s-fee, strategy: $strategies/rsi_scalper_5s.yaml, taker_fee_bps: 25}
  - {name: fast, strategy: $work/fast.yaml}
  - {name: fast-small, strategy: $work/fast.yaml, initial_cash: 900, slippage_bps: 2}
EOF
sessions=6

echo "crash_test: seed $seed, $kills kills, replay speed $speed, work folder $work"
RANDOM=$seed

# 1. The reference: the same replay without a crash (at full speed: batching does not change results).
"$bin" run --config "$work/papertrader.yaml" --db "$work/reference.db" --speed max --listen '' --exit-at-end \
  >"$work/reference.log" 2>&1 || { tail -20 "$work/reference.log"; fail "the reference run failed"; }
ref_fills=$(sqlite3 "$work/reference.db" "SELECT COUNT(*) FROM fills")
echo "crash_test: reference run: $ref_fills fills"
[ "$ref_fills" -gt 0 ] || fail "the reference run made no fills: nothing to compare"

# 2. Runs killed at random moments, each restarted on the same database.
db=$work/crash.db
told=$work/told.txt # "session fill_count" lines and "session fill_id" lines, as clients were told
: >"$told"
recorder=${PT_WS_RECORDER:-$(dirname "$bin")/pt_ws_recorder}
[ -x "$recorder" ] || { echo "crash_test: no WebSocket recorder $recorder (cmake target pt_ws_recorder)"; exit 2; }
rec_pid=""
start_recorder() { # $1 = the API's port: a WebSocket client writes every session summary pushed
  # to it ("count ID FILLS" lines, flushed at once) to $told
  "$recorder" "$1" "$PAPERTRADER_API_TOKEN" "$told" 2>>"$work/recorder.log" &
  rec_pid=$!
}
record_served() { # $1 = the API's port; records the fill ids the REST API serves a client now
  local base="http://127.0.0.1:$1/api/v1" auth="Authorization: Bearer $PAPERTRADER_API_TOKEN"
  local list id
  list=$(curl -sf --max-time 2 -H "$auth" "$base/sessions?limit=100") || return 0
  for id in $(jq -r '.items[].id' <<<"$list" 2>/dev/null); do
    curl -sf --max-time 2 -H "$auth" "$base/sessions/$id/fills?limit=1000" |
      jq -r --arg id "$id" '.items[] | "fill \($id) \(.fill_id)"' >>"$told" 2>/dev/null || true
  done
}
# Reads lines of FILE as they are written (tail -F) until one matches PATTERN (prints its match)
# or COUNT lines were read, or the process PID ended, or 120 s passed: waits on events, not time.
follow() { # PID FILE COUNT [PATTERN]
  local n=0 line
  while [ "$n" -lt "$3" ] && IFS= read -r line; do
    n=$((n + 1))
    if [ -n "${4:-}" ] && [[ $line =~ $4 ]]; then
      echo "${BASH_REMATCH[1]}"
      return 0
    fi
  done < <(timeout 120 tail -n +1 -F --pid="$1" "$2" 2>/dev/null)
}

q() { sqlite3 "$1" "$2"; }
# Every fill a client was told about during the run that just ended is in the database as the
# kill left it (before any restart could redo it): a fill is reported only once committed.
told_counts=0
told_ids=0
check_told() {
  local kind id n stored
  while read -r kind id n; do
    if [ "$kind" = count ]; then
      stored=$(q "$db" "SELECT COUNT(*) FROM fills WHERE session_id = $id")
      [ "$stored" -ge "$n" ] || fail "run $run, session $id: a client was told of $n fills, the database has $stored"
      told_counts=$((told_counts + 1))
    else
      [ "$(q "$db" "SELECT COUNT(*) FROM fills WHERE session_id = $id AND fill_id = $n")" = 1 ] ||
        fail "run $run, session $id: fill $n was served to a client but is not in the database"
      told_ids=$((told_ids + 1))
    fi
  done < <(sort -u "$told")
  : >"$told"
}

finished=0
run=0
killed=0
while [ "$finished" = 0 ]; do
  run=$((run + 1))
  log=$work/run-$run.log
  # The run killed at the end keeps serving once the replay has ended, so the kill finds it alive.
  at_end=--exit-at-end
  [ "$run" != $((kills + 1)) ] || at_end=""
  "$bin" run --config "$work/papertrader.yaml" --db "$db" --listen 127.0.0.1:0 $at_end >"$log" 2>&1 &
  pid=$!
  # The API's port, from the line the run logs once it listens.
  port=$(follow "$pid" "$log" 100000 'api listening on 127\.0\.0\.1:([0-9]+)')
  if [ -n "$port" ]; then start_recorder "$port"; fi
  if [ "$run" = $((kills + 1)) ] && [ -n "$port" ]; then
    # The end of the replay: killed as soon as a session's "finished" is committed, while the
    # others may still be settling. The next run, the same command, must not run any of them again.
    echo "crash_test: run $run: SIGKILL on the first committed 'finished'"
    deadline=$((SECONDS + 120))
    until [ "$(q "$db" "SELECT COUNT(*) FROM sessions WHERE status = 'finished'" 2>/dev/null || echo 0)" -gt 0 ]; do
      kill -0 "$pid" 2>/dev/null || fail "run $run ended before any session finished"
      [ "$SECONDS" -lt "$deadline" ] || fail "run $run: no session finished within 120 s"
      sleep 0.01
    done
    kill -KILL "$pid" 2>/dev/null || true
    finished_at_kill=$(q "$db" "SELECT COUNT(*) FROM sessions WHERE status = 'finished'")
    echo "crash_test: run $run: killed with $finished_at_kill of $sessions sessions finished"
  elif [ "$run" -le "$kills" ] && [ -n "$port" ]; then
    # A random moment in the run's progress: after the k-th session summary pushed to the client.
    pushes=$((5 + RANDOM % 100))
    echo "crash_test: run $run: SIGKILL after $pushes pushed summaries"
    follow "$pid" "$told" "$pushes" >/dev/null
    record_served "$port"
    kill -KILL "$pid" 2>/dev/null || true
  else
    echo "crash_test: run $run: to the end of the replay"
  fi
  set +e
  wait "$pid" 2>/dev/null
  rc=$?
  if [ -n "$rec_pid" ]; then wait "$rec_pid" 2>/dev/null; fi
  set -e
  pid=""
  rec_pid=""
  if [ "$rc" = 137 ]; then killed=$((killed + 1)); fi
  check_told
  grep -h "restored\|will be restored\|fed as fast as possible\|not started again" "$log" | sed 's/^/    /' || true
  if [ "$run" = $((kills + 2)) ] && [ -n "${finished_at_kill:-}" ]; then
    not_again=$(grep -c "is not started again" "$log" || true)
    [ "$not_again" = "$finished_at_kill" ] ||
      fail "run $run: $not_again session(s) left out as ended, $finished_at_kill were finished at the kill"
  fi
  rows=$(q "$db" "SELECT COUNT(*) FROM sessions")
  [ "$rows" -le "$sessions" ] || fail "run $run: $rows session rows instead of $sessions (a session ran again as a new one)"
  if [ "$rc" = 0 ]; then
    finished=1
  elif [ "$rc" != 137 ]; then
    tail -30 "$log"
    fail "run $run exited with status $rc"
  fi
  # A run killed after the replay ended is started again too: it must run no session a second time.
  if [ "$run" -gt $((kills + 3)) ]; then fail "the replay did not finish after $run runs"; fi
done
echo "crash_test: $run runs, $killed killed with SIGKILL"
[ "$killed" -gt 0 ] || fail "no run was killed: the kill moments all came after the end of the replay"

# 3. The checks.
[ "$(q "$db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check: $(q "$db" "PRAGMA integrity_check")"
dup=$(q "$db" "SELECT COUNT(*) FROM (SELECT session_id, fill_id FROM fills GROUP BY 1, 2 HAVING COUNT(*) > 1)")
[ "$dup" = 0 ] || fail "$dup fill(s) stored twice"
rows=$(q "$db" "SELECT COUNT(*) FROM sessions")
[ "$rows" = "$sessions" ] || fail "$rows session rows instead of $sessions (a session came back as a new one)"
unfinished=$(q "$db" "SELECT COUNT(*) FROM sessions WHERE status <> 'finished'")
[ "$unfinished" = 0 ] || fail "$unfinished session(s) did not finish"

echo "crash_test: $told_counts distinct fill counts pushed over the WebSocket and $told_ids fill ids served by" \
  "REST, all in the database"
[ "$told_counts" -gt 0 ] || fail "the WebSocket client was told nothing: the check checked nothing"

compare() { # $1 = what, $2 = query with a session name column first
  if ! diff <(q "$work/reference.db" "$2") <(q "$db" "$2") >"$work/diff.txt"; then
    head -20 "$work/diff.txt"
    fail "$1 differ from the run without crashes"
  fi
}
compare fills "SELECT s.name, f.fill_id, f.order_id, f.ts_event_ms, f.side, f.price_raw, f.qty_raw, f.fee_raw,
  f.liquidity FROM fills f JOIN sessions s USING (session_id) ORDER BY s.name, f.fill_id"
compare accounts "SELECT name, status, cash_raw, position_qty_raw, cost_basis_raw, realized_pnl_raw, fees_raw,
  mark_price_raw, equity_raw, last_event_ms, feed_events FROM sessions ORDER BY name"
compare orders "SELECT s.name, o.order_id, o.side, o.qty_raw, o.status, o.reject_reason, o.created_ms, o.updated_ms
  FROM orders o JOIN sessions s USING (session_id) ORDER BY s.name, o.order_id"
compare decisions "SELECT s.name, d.ts_event_ms, d.rule, d.inputs, d.action, d.order_id
  FROM decisions d JOIN sessions s USING (session_id) ORDER BY s.name, d.rowid"
compare "equity points" "SELECT s.name, e.ts_event_ms, e.equity_raw, e.cash_raw, e.position_qty_raw,
  e.mark_price_raw FROM equity_points e JOIN sessions s USING (session_id) ORDER BY s.name, e.rowid"
fills=$(q "$db" "SELECT COUNT(*) FROM fills")
echo "crash_test: OK: $fills fills in $sessions sessions equal the run without crashes (fills, orders, decisions," \
  "equity points, accounts); no duplicate; integrity_check ok"
