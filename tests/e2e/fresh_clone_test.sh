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
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
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

# The build takes minutes on a cold 2-core machine; the wait ends at the log line, the exit, or
# FRESH_CLONE_BUILD_S (default 1500 s; ctest gives the whole test 1800 s).
port=""
deadline=$(( $(date +%s) + ${FRESH_CLONE_BUILD_S:-1500} ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  port=$(grep -oE 'api listening on 127\.0\.0\.1:[0-9]+' "$work/run.log" | head -n1 | sed 's/.*://' || true)
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "scripts/run.sh exited before the API listened"
  sleep 0.4
done
[ -n "$port" ] || fail "the API did not listen within ${FRESH_CLONE_BUILD_S:-1500} s"
echo "fresh_clone_test: the API listens on port $port"

curl -fsS "http://127.0.0.1:$port/api/v1/health" | jq -e '.status == "ok"' >/dev/null || fail "/api/v1/health"
[ -s data/papertrader.db.token ] || fail "no token file data/papertrader.db.token"
token=$(head -n1 data/papertrader.db.token)
configured=$(grep -cE '^  - name:' config/papertrader.yaml)

traded=0
for _ in $(seq 1 300); do
  sessions=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/sessions") || fail "GET /api/v1/sessions"
  # "finished": a fast machine may reach the end of the recording before this loop looks.
  running=$(jq '[.items[] | select(.status == "running" or .status == "finished")] | length' <<<"$sessions")
  # Fees are paid on every fill: a session with fees has traded.
  traders=$(jq '[.items[] | select((.fees | tonumber) > 0)] | length' <<<"$sessions")
  if [ "$running" -eq "$configured" ] && [ "$traders" -gt 0 ]; then traded=1; break; fi
  kill -0 "$pid" 2>/dev/null || fail "papertrader exited while the replay ran"
  sleep 0.2
done
[ "$traded" = 1 ] || fail "after 60 s: $running of $configured sessions running, $traders traded: $sessions"
echo "fresh_clone_test: $running sessions running, $traders of them traded so far"
