#!/usr/bin/env bash
# The gateway's cost, measured in one go on this machine:
#   (a) nginx serving a static JSON the size of a customer: the HTTP ceiling here
#   (b) GET /v1/customers/{id} through the gateway, with a customer's access token (verified by
#       the gateway and again by the service, which also checks the session)
#   (c) the same RPC straight to the service with crm-grpc-load (no HTTP, no JSON)
#   (d) POST /v1/customers through the gateway: a synced write (argon2id made cheap here, so
#       the gateway and the store are measured, not password hashing)
# It prints req/s, p50, p99, CPU seconds per 1,000 requests and peak RSS of gateway and
# service, the ratios b/a and b/c, and the gateway's RSS with 1,000 idle keep-alive connections.
#   bench/gateway.sh [seconds-per-run] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
CONNS="${2:-64}"
# Registration is in the strict rate class (10 a minute per client): (d) measures it, not 429s.
STRICT_LIMIT="100000000/1s"
for tool in nginx wrk; do
  command -v "$tool" >/dev/null ||
    { echo "bench/gateway.sh: $tool is missing: apt-get install nginx wrk" >&2; exit 1; }
done
./crm build crm-devbroker crm-customers crm-orders crm-gateway crm-grpc-load >/dev/null
. bench/lib.sh
start_stack

BODY=$(curl -sf -X POST "http://$HTTP/v1/customers" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"correct horse battery","displayName":"Bench Customer"}')
ID=$(echo "$BODY" | sed -n 's/.*"customerId":"\([^"]*\)".*/\1/p')
TOKEN=$(curl -sf -X POST "http://$HTTP/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"correct horse battery"}' |
  sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
AUTH="Authorization: Bearer $TOKEN"
printf '%s' "$BODY" > "$WORK/customer.json"
chmod 755 "$WORK"; chmod 644 "$WORK/customer.json"  # nginx workers run unprivileged

# (a) nginx with the same payload: the ceiling of HTTP on this machine.
NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx.error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { root $WORK; default_type application/json; }
  }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK"
PIDS+=($(cat "$WORK/nginx.pid"))

# Warm up every path once.
wrk -t1 -c4 -d1s -H "$AUTH" "http://$HTTP/v1/customers/$ID" >/dev/null
read -r A_RPS A_P50 A_P99 < <(wrk_run "http://127.0.0.1:$NGINX_PORT/customer.json")

g0=$(cpu_ticks $GATEWAY); s0=$(cpu_ticks $SERVICE)
read -r B_RPS B_P50 B_P99 < <(wrk_run "http://$HTTP/v1/customers/$ID" -H "$AUTH")
g1=$(cpu_ticks $GATEWAY); s1=$(cpu_ticks $SERVICE)
B_N=$(awk -v r="$B_RPS" -v s="$SECONDS_PER_RUN" 'BEGIN {print r * s}')

s2=$(cpu_ticks $SERVICE)
C_OUT=$("$B/bench/crm-grpc-load" --target "$GRPC" --method crm.customers.v1.CustomersService/GetCustomer \
  --request "{\"customerId\":\"$ID\"}" --bearer "$TOKEN" --connections "$CONNS" --seconds "$SECONDS_PER_RUN")
s3=$(cpu_ticks $SERVICE)
C_RPS=$(echo "$C_OUT" | awk '{print $2}'); C_P50=$(echo "$C_OUT" | awk '{print $4}'); C_P99=$(echo "$C_OUT" | awk '{print $6}')
C_N=$(echo "$C_OUT" | awk '{print $8}')

g4=$(cpu_ticks $GATEWAY); s4=$(cpu_ticks $SERVICE)
read -r D_RPS D_P50 D_P99 < <(wrk_run "http://$HTTP" -s bench/unique_registration.lua)
g5=$(cpu_ticks $GATEWAY); s5=$(cpu_ticks $SERVICE)
D_N=$(awk -v r="$D_RPS" -v s="$SECONDS_PER_RUN" 'BEGIN {print r * s}')


# Gateway memory while 1,000 keep-alive connections are open.
wrk -t2 -c1000 -d6s "http://$HTTP/healthz" >/dev/null 2>&1 &
WRK=$!
sleep 4
RSS_1000=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$GATEWAY/status")
OPEN=$(ls "/proc/$GATEWAY/fd" | wc -l)
wait $WRK || true

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"); $SECONDS_PER_RUN s per run, $CONNS connections"
printf '%-34s %10s %9s %9s %16s %16s\n' run "req/s" "p50 ms" "p99 ms" "gw CPU s/1k" "svc CPU s/1k"
printf '%-34s %10s %9s %9s %16s %16s\n' "(a) nginx static JSON" "$A_RPS" "$A_P50" "$A_P99" - -
printf '%-34s %10s %9s %9s %16s %16s\n' "(b) GET customer via gateway" "$B_RPS" "$B_P50" "$B_P99" "$(per_k $((g1 - g0)) "$B_N")" "$(per_k $((s1 - s0)) "$B_N")"
printf '%-34s %10s %9s %9s %16s %16s\n' "(c) GetCustomer direct gRPC" "$C_RPS" "$C_P50" "$C_P99" - "$(per_k $((s3 - s2)) "$C_N")"
printf '%-34s %10s %9s %9s %16s %16s\n' "(d) POST customer via gateway" "$D_RPS" "$D_P50" "$D_P99" "$(per_k $((g5 - g4)) "$D_N")" "$(per_k $((s5 - s4)) "$D_N")"
echo "ratio b/a: $(awk -v b="$B_RPS" -v a="$A_RPS" 'BEGIN {printf "%.3f", b / a}')   ratio b/c: $(awk -v b="$B_RPS" -v c="$C_RPS" 'BEGIN {printf "%.3f", b / c}')"
echo "peak RSS: gateway $(peak_rss_mb $GATEWAY) MB, service $(peak_rss_mb $SERVICE) MB"
echo "gateway RSS with 1,000 keep-alive connections open: $RSS_1000 MB ($OPEN open file descriptors)"
