#!/usr/bin/env bash
# The customers service's everyday calls through the gateway, each next to a baseline run in
# the same script: the gateway's own GET /healthz (HTTP only, no backend, no token).
#   register  POST /v1/customers, a new email each time (a synced write, cheap argon2id)
#   login     POST /v1/auth/login (cheap argon2id check, a new session: a synced write)
#   get       GET /v1/customers/{id} with the customer's token
#   update    PATCH /v1/customers/{id} {"occupation": ...} (a synced write and an event)
#   interact  POST /v1/customers/{id}/interactions (a synced write and an event)
# Prints req/s, p50, p99, the ratio to the baseline, and CPU seconds per 1,000 requests of the
# gateway and the service. argon2id runs with 8 KiB and 1 pass so the service, not password
# hashing, is measured (production hashing costs ~50 ms a call by design).
#   bench/customers.sh [seconds-per-run] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
CONNS="${2:-32}"
./crm build crm-devbroker crm-customers crm-orders crm-gateway >/dev/null
STRICT_LIMIT="100000000/1s"  # logins are the load here, not an attack
. bench/lib.sh
start_stack

curl -sf -X POST "http://$HTTP/v1/customers" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"correct horse battery","displayName":"Bench Customer"}' \
  > "$WORK/customer.json"
ID=$(field "$WORK/customer.json" customerId)
TOKEN=$(curl -sf -X POST "http://$HTTP/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"correct horse battery"}' |
  sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')

request_script() {  # request_script <file> <method> <path> <body with %d for a counter>
  cat > "$1" <<LUA
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("$2", "$3", {["Content-Type"] = "application/json",
                                ["Authorization"] = "Bearer $TOKEN"},
                    string.format('$4', counter))
end
LUA
}
request_script "$WORK/login.lua" POST /v1/auth/login \
  '{"email":"bench@example.com","password":"correct horse battery"}'
request_script "$WORK/update.lua" PATCH "/v1/customers/$ID" '{"occupation":"baker %d"}'
request_script "$WORK/interact.lua" POST "/v1/customers/$ID/interactions" \
  '{"channel":"PHONE","direction":"INBOUND","topic":"bench call %d"}'

measure() {  # measure <label> <wrk url> [wrk args...]: one line of the table
  local label=$1; shift
  local g0 s0 g1 s1
  g0=$(cpu_ticks "$GATEWAY"); s0=$(cpu_ticks "$SERVICE")
  read -r rps p50 p99 < <(wrk_run "$@")
  g1=$(cpu_ticks "$GATEWAY"); s1=$(cpu_ticks "$SERVICE")
  local n; n=$(awk -v r="$rps" -v s="$SECONDS_PER_RUN" 'BEGIN {print int(r * s)}')
  local ratio; ratio=$(awk -v r="$rps" -v b="${BASE_RPS:-$rps}" 'BEGIN {printf "%.3f", r / b}')
  printf '%-10s %10s %9s %9s %10s %14s %14s\n' "$label" "$rps" "$p50" "$p99" "$ratio" \
    "$(per_k $((g1 - g0)) "$n")" "$(per_k $((s1 - s0)) "$n")"
  LAST_RPS=$rps
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"); $SECONDS_PER_RUN s per run, $CONNS connections"
printf '%-10s %10s %9s %9s %10s %14s %14s\n' run "req/s" "p50 ms" "p99 ms" "x baseline" "gw CPU s/1k" "svc CPU s/1k"
wrk -t1 -c4 -d1s "http://$HTTP/healthz" >/dev/null
measure baseline "http://$HTTP/healthz"
BASE_RPS=$LAST_RPS
measure register "http://$HTTP" -s bench/unique_registration.lua
measure login "http://$HTTP" -s "$WORK/login.lua"
measure get "http://$HTTP/v1/customers/$ID" -H "Authorization: Bearer $TOKEN"
measure update "http://$HTTP" -s "$WORK/update.lua"
measure interact "http://$HTTP" -s "$WORK/interact.lua"
echo "peak RSS: gateway $(peak_rss_mb "$GATEWAY") MB, service $(peak_rss_mb "$SERVICE") MB"
