#!/usr/bin/env bash
# Load on the running service, measured from outside. For SQLite (a fresh file) and, when
# REDEPLOY_BENCH_POSTGRES_URL names a server, PostgreSQL (a fresh database there): starts
# `serve --demo`, times it to /readyz, reads its resident memory, waits for the demo's past
# cases to be recorded (they follow ready, in the background), then drives 16 connections
# for DURATION seconds at each of
#   GET /api/v1/trusts                           (small and fixed: the yardstick)
#   GET /api/v1/vacancies/{id}/candidates        (first page of 50, as the vacancy's trust HR)
#   GET /api/v1/staff/{id}/matches               (first page of 50, as the staff member)
#   the same two lists for every vacancy / every staff member in turn, as admin (so that
#   almost every request ranks afresh: a snapshot keeps only the last 2,048 lists it ranked)
# and prints requests/s with p50 and p99 latency for each, in the same run.
#
# Usage: benches/serve-load.sh [BINARY]      (default target/release/redeploy)
# Environment: DURATION (default 10), CONNECTIONS (default 16), REDEPLOY_BENCH_POSTGRES_URL,
# and the service's own, e.g. REDEPLOY__DEMO__STAFF=20000 REDEPLOY__DEMO__VACANCIES=100000 for
# England scale. Needs wrk (Debian package wrk), curl and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="$(realpath "${1:-target/release/redeploy}")"
duration="${DURATION:-10}"
connections="${CONNECTIONS:-16}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
work="$(mktemp -d)"
service=""
cleanup() {
  [ -n "${service}" ] && kill "${service}" 2>/dev/null && wait "${service}" 2>/dev/null
  rm -rf "${work}"
}
trap cleanup EXIT

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

run_backend() {
  local name="$1" url="$2"
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  local base="http://127.0.0.1:${port}"
  rm -rf "${work}/data"
  local started
  started=$(date +%s.%N)
  if [ -n "${url}" ]; then
    "${binary}" --data-dir "${work}/data" --database-url "${url}" serve --demo --listen "127.0.0.1:${port}" \
      >"${work}/out.txt" 2>"${work}/log.txt" &
  else
    "${binary}" --data-dir "${work}/data" serve --demo --listen "127.0.0.1:${port}" \
      >"${work}/out.txt" 2>"${work}/log.txt" &
  fi
  service=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "${base}/readyz" || true)" = 200 ]; do
    kill -0 "${service}" 2>/dev/null || { cat "${work}/log.txt" >&2; exit 1; }
    sleep 0.05
  done
  local ready
  ready=$(python3 -c "print(f'{$(date +%s.%N) - ${started}:.2f}')")
  local rss_kb
  rss_kb=$(ps -o rss= -p "${service}" | tr -d ' ')
  echo "== ${name}: ready in ${ready} s, ${rss_kb} KB resident"
  # The demo's past cases are recorded just after ready; measure the lists once they are.
  for _ in $(seq 1 2400); do
    grep -q "past cases are recorded" "${work}/log.txt" && break
    sleep 0.05
  done
  local recorded
  recorded=$(python3 -c "print(f'{$(date +%s.%N) - ${started}:.2f}')")
  echo "== ${name}: the demo's past cases recorded ${recorded} s after start"

  sign_in() {
    local role="$1" email password
    read -r email password < <(awk -v role="${role}" '$1 == "demo" && $2 == "account:" && $3 == role {print $4, $5; exit}' "${work}/out.txt")
    curl -sf -X POST "${base}/api/v1/session" -H 'content-type: application/json' \
      -d "{\"email\":\"${email}\",\"password\":\"${password}\"}" | json 'd["token"]'
  }
  local hr staff
  hr="$(sign_in trust_hr)"
  staff="$(sign_in staff)"
  # The trust's vacancy with the most candidates, and the staff member's own record.
  local vacancy best=0 candidates
  for id in $(curl -sf -H "Authorization: Bearer ${hr}" "${base}/api/v1/vacancies?status=open&per_page=50" | json '" ".join(str(v["id"]) for v in d["items"])'); do
    candidates=$(curl -sf -H "Authorization: Bearer ${hr}" "${base}/api/v1/vacancies/${id}/candidates?per_page=1" | json 'd["total"]')
    if [ "${candidates}" -gt "${best}" ]; then best="${candidates}"; vacancy="${id}"; fi
  done
  local me matches
  me="$(curl -sf -H "Authorization: Bearer ${staff}" "${base}/api/v1/staff?per_page=1" | json 'd["items"][0]["id"]')"
  matches=$(curl -sf -H "Authorization: Bearer ${staff}" "${base}/api/v1/staff/${me}/matches?per_page=1" | json 'd["total"]')

  # Every id of a list, one a line, for the rotating loads.
  all_ids() {
    local token="$1" path="$2" page=1 total
    while :; do
      total=$(curl -sf -H "Authorization: Bearer ${token}" "${base}${path}?per_page=500&page=${page}" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); [print(i["id"]) for i in d["items"]]; print(d["total"], file=sys.stderr)' 2>&1 >>"${work}/ids.txt")
      [ $((page * 500)) -ge "${total}" ] && break
      page=$((page + 1))
    done
  }
  cat >"${work}/rotate.lua" <<'LUA'
local ids, n = {}, 0
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local pattern = os.getenv("BENCH_PATH")
request = function()
  n = n + 1
  return wrk.format(nil, (pattern:gsub("{id}", ids[(n * 7919) % #ids + 1])))
end
LUA

  load() {
    local label="$1" token="$2" path="$3" script="${4:-}"
    wrk -t2 -c"${connections}" -d"${duration}s" --latency ${script:+-s "${script}"} \
      -H "Authorization: Bearer ${token}" "${base}${path}" >"${work}/wrk.txt"
    python3 - "${label}" "${work}/wrk.txt" <<'PY'
import re, sys
label, text = sys.argv[1], open(sys.argv[2]).read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def ms(p):
    value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"   {label:<48} {rate:8.0f} req/s   p50 {ms(50):7.2f} ms   p99 {ms(99):7.2f} ms"
      + (f"   {errors.group(1)} non-2xx!" if errors else ""))
PY
  }
  load "GET /api/v1/trusts" "${hr}" "/api/v1/trusts"
  load "GET …/vacancies/${vacancy}/candidates (${best} in all)" "${hr}" "/api/v1/vacancies/${vacancy}/candidates?per_page=50"
  load "GET …/staff/${me}/matches (${matches} in all)" "${staff}" "/api/v1/staff/${me}/matches?per_page=50"
  local admin
  admin="$(sign_in admin)"
  : >"${work}/ids.txt"; all_ids "${admin}" /api/v1/vacancies
  BENCH_IDS="${work}/ids.txt" BENCH_PATH="/api/v1/vacancies/{id}/candidates?per_page=50" \
    load "GET …/vacancies/{each of $(wc -l <"${work}/ids.txt")}/candidates" "${admin}" / "${work}/rotate.lua"
  : >"${work}/ids.txt"; all_ids "${admin}" /api/v1/staff
  BENCH_IDS="${work}/ids.txt" BENCH_PATH="/api/v1/staff/{id}/matches?per_page=50" \
    load "GET …/staff/{each of $(wc -l <"${work}/ids.txt")}/matches" "${admin}" / "${work}/rotate.lua"
  kill "${service}"; wait "${service}" 2>/dev/null || true
  service=""
}

run_backend SQLite ""
if [ -n "${REDEPLOY_BENCH_POSTGRES_URL:-}" ]; then
  database="redeploy_bench_$$"
  psql "${REDEPLOY_BENCH_POSTGRES_URL}" -qc "CREATE DATABASE ${database}"
  server="${REDEPLOY_BENCH_POSTGRES_URL%/*}"
  run_backend PostgreSQL "${server}/${database}"
  psql "${REDEPLOY_BENCH_POSTGRES_URL}" -qc "DROP DATABASE IF EXISTS ${database} WITH (FORCE)"
fi
