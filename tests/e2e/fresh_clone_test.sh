#!/usr/bin/env bash
# The README's run command on a fresh clone, as a new user runs it: the committed repository is
# cloned into a temporary folder with the shared data beside it, `scripts/run.sh` is started there
# (it installs what is missing, builds and runs the main job on the real BTCUSDT recording), and
# then:
#   - the API answers /api/v1/health and, with the token the run wrote beside its database
#     (data/papertrader.db.token: data/ does not exist in a clone), /api/v1/sessions;
#   - every configured session is running (or finished, at the end of the recording) and at least one of them has traded (paid fees on a fill).
#
# Usage: tests/e2e/fresh_clone_test.sh [DATA_DIR]
#   DATA_DIR  the shared data folder (default ../shared/data next to the repository)
# Environment: FRESH_CLONE_KEEP=1 keeps the work folder; FRESH_CLONE_SPEED (default 30);
# FRESH_CLONE_BUILD_S bounds the wait for the build and start (default 1500).
# Needs git, curl and jq (scripts/setup.sh installs curl and jq).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data=${1:-$repo/../shared/data}
speed=${FRESH_CLONE_SPEED:-30}
[ -d "$data" ] || { echo "fresh_clone_test: no data folder $data"; exit 2; }
data=$(cd "$data" && pwd)
for tool in git curl jq; do
  command -v "$tool" >/dev/null || { echo "fresh_clone_test: $tool is missing"; exit 2; }
done

work=$(mktemp -d /tmp/pt-clone.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true
    timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || true # its exit, at most 10 s
    kill -KILL "$pid" 2>/dev/null || true
  fi
  if [ "${FRESH_CLONE_KEEP:-0}" = 1 ]; then echo "fresh_clone_test: work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "fresh_clone_test: FAILED: $*"
  echo "--- last lines of the run's output:"
  tail -n 40 "$work/run.log" 2>/dev/null || true
  exit 1
}

# The clone and its ../shared, as a new user has them.
git clone --quiet "$repo" "$work/papertrader"
mkdir -p "$work/shared"
ln -s "$data" "$work/shared/data"
cd "$work/papertrader"
[ ! -e data ] || fail "the clone already has data/"

echo "fresh_clone_test: scripts/run.sh in $work/papertrader (installs, builds, runs)"
stream=../shared/data/streams/binance-spot-BTCUSDT-2024-08-08T2354Z_2024-08-09T0005Z.txt.gz
setsid scripts/run.sh --replay "$stream" --speed "$speed" --listen 127.0.0.1:0 >"$work/run.log" 2>&1 &
pid=$!

# The build takes minutes on a cold 2-core machine: the run's log is followed (tail -F, no polling)
# until the API's line, the run's exit, or FRESH_CLONE_BUILD_S (default 1500 s; ctest gives the
# whole test 1800 s).
# wait_for_line PATTERN SECONDS: the first line of the run's log matching PATTERN (ERE), or nothing.
# (A read loop over a process substitution: it returns at the match without waiting for tail.)
wait_for_line() {
  local l
  while IFS= read -r l; do
    if [[ $l =~ $1 ]]; then
      echo "$l"
      return 0
    fi
  done < <(timeout "$2" tail -n +1 -F --pid="$pid" "$work/run.log" 2>/dev/null)
}
line=$(wait_for_line 'api listening on 127\.0\.0\.1:[0-9]+' "${FRESH_CLONE_BUILD_S:-1500}")
port=$(sed -E 's/.*api listening on 127\.0\.0\.1:([0-9]+).*/\1/' <<<"$line")
kill -0 "$pid" 2>/dev/null || fail "scripts/run.sh exited before the API listened"
[ -n "$port" ] || fail "the API did not listen within ${FRESH_CLONE_BUILD_S:-1500} s"
echo "fresh_clone_test: the API listens on port $port"

curl -fsS "http://127.0.0.1:$port/api/v1/health" | jq -e '.status == "ok"' >/dev/null || fail "/api/v1/health"
[ -s data/papertrader.db.token ] || fail "no token file data/papertrader.db.token"
token=$(head -n1 data/papertrader.db.token)
configured=$(grep -cE '^  - name:' config/papertrader.yaml)

# The end of the recording (about 22 s at 30x): each session logs "finished: N fills". The run
# keeps serving, so the API is read after it.
[ -n "$(wait_for_line 'finished: [0-9]+ fills' 300)" ] || fail "no session finished the recording within 300 s"
kill -0 "$pid" 2>/dev/null || fail "papertrader exited after the replay instead of serving on"
sessions=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/sessions") || fail "GET /api/v1/sessions"
running=$(jq '[.items[] | select(.status == "running" or .status == "finished")] | length' <<<"$sessions")
# Fees are paid on every fill: a session with fees has traded.
traders=$(jq '[.items[] | select((.fees | tonumber) > 0)] | length' <<<"$sessions")
[ "$running" -eq "$configured" ] && [ "$traders" -gt 0 ] ||
  fail "$running of $configured sessions running or finished, $traders traded: $sessions"
echo "fresh_clone_test: $running sessions ran the recording, $traders of them traded"
