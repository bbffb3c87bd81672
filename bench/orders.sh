#!/usr/bin/env bash
# The orders service through the gateway, next to the same run's cheap registration write
# (bench/gateway.sh (d)) as the baseline:
#   register  POST /v1/customers, a new email each time (a synced write, cheap argon2id)
#   order     POST /v1/orders of 3 lines over 2 warehouses (a call to customers for the
#             checkout benefits, then one synced write: stock locked and reserved in both
#             warehouses, 2 shipments, 5 events), a new Idempotency-Key each time
#   tracking  POST /v1/partners/{carrier}/tracking-events, batches of 100 events signed as a
#             partner signs them (HMAC-SHA256 over the canonical request), each event a new
#             step of one of 100 shipments handed to the carrier
# Prints req/s, p50, p99, CPU seconds per 1,000 requests of the gateway and each service, the
# order rate against the registration rate, and tracking events/s.
#   bench/orders.sh [seconds-per-run] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
CONNS="${2:-32}"
STRICT_LIMIT="100000000/1s"  # registrations are the baseline load, not an attack
BATCH=100
for tool in wrk python3; do
  command -v "$tool" >/dev/null ||
    { echo "bench/orders.sh: $tool is missing: apt-get install $tool" >&2; exit 1; }
done
./crm build crm-devbroker crm-customers crm-orders crm-gateway >/dev/null
. bench/lib.sh
start_stack

json() { curl -sf "$@" -H 'Content-Type: application/json'; }
ADMIN=$(json -X POST "http://$HTTP/v1/auth/login" \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" |
  sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
A="Authorization: Bearer $ADMIN"
ID=$(json -X POST "http://$HTTP/v1/customers" \
  -d '{"email":"bench@example.com","password":"correct horse battery","displayName":"Bench"}' |
  sed -n 's/.*"customerId":"\([^"]*\)".*/\1/p')
TOKEN=$(json -X POST "http://$HTTP/v1/auth/login" \
  -d '{"email":"bench@example.com","password":"correct horse battery"}' |
  sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')

# Two warehouses; two products in the customer's region, one only in the other: 2 shipments.
json -X PUT "http://$HTTP/v1/warehouses/wh-north" -H "$A" -d '{"name":"North","region":"north"}' >/dev/null
json -X PUT "http://$HTTP/v1/warehouses/wh-south" -H "$A" -d '{"name":"South","region":"south"}' >/dev/null
for sku in KETTLE MUG LAMP; do
  json -X PUT "http://$HTTP/v1/products/$sku" -H "$A" \
    -d '{"name":"Bench product","priceCents":"1500","currency":"EUR","returnable":true}' >/dev/null
done
for stock in wh-north/stock/KETTLE wh-north/stock/MUG wh-south/stock/LAMP; do
  json -X PUT "http://$HTTP/v1/warehouses/$stock" -H "$A" -d '{"onHand":"1000000000"}' >/dev/null
done
SECRET="bench-carrier-secret-0123456789abcdef0123"
json -X PUT "http://$HTTP/v1/carriers/bench-express" -H "$A" \
  -d "{\"name\":\"Bench Express\",\"signingSecrets\":[\"$SECRET\"]}" >/dev/null

ORDER_BODY="{\"customerId\":\"$ID\",\"lines\":[{\"sku\":\"KETTLE\",\"quantity\":1},{\"sku\":\"MUG\",\"quantity\":2},{\"sku\":\"LAMP\",\"quantity\":1}],\"currency\":\"EUR\",\"shippingAddress\":{\"recipient\":\"Bench\",\"line1\":\"Main 1\",\"city\":\"Hamburg\",\"region\":\"north\",\"postalCode\":\"20095\",\"country\":\"DE\"},\"paymentMethod\":\"CASH_ON_DELIVERY\",\"delivery\":{\"speed\":\"STANDARD\"},\"splitPolicy\":\"SHIP_WHEN_READY\"}"
SHIPMENTS=$(json -X POST "http://$HTTP/v1/orders" -H "Authorization: Bearer $TOKEN" \
  -H 'Idempotency-Key: bench-check' -d "$ORDER_BODY" | grep -o '"shipmentId":"[^"]*"' | wc -l)
[ "$SHIPMENTS" = 2 ] || { echo "bench/orders.sh: the order did not split in 2 ($SHIPMENTS)" >&2; exit 1; }

cat > "$WORK/order.lua" <<LUA
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("POST", "/v1/orders", {["Content-Type"] = "application/json",
                                           ["Authorization"] = "Bearer $TOKEN",
                                           ["Idempotency-Key"] = string.format("bench-%d-%d", tid, counter)},
                    '$ORDER_BODY')
end
LUA

# 100 shipments handed to the carrier, tracking numbers BX-1 .. BX-100.
for i in $(seq 1 "$BATCH"); do
  ORDER=$(json -X POST "http://$HTTP/v1/orders" -H "Authorization: Bearer $TOKEN" \
    -H "Idempotency-Key: bench-track-$i" \
    -d "{\"customerId\":\"$ID\",\"lines\":[{\"sku\":\"KETTLE\",\"quantity\":1}],\"currency\":\"EUR\",\"shippingAddress\":{\"recipient\":\"Bench\",\"line1\":\"Main 1\",\"city\":\"Hamburg\",\"region\":\"north\",\"postalCode\":\"20095\",\"country\":\"DE\"},\"paymentMethod\":\"PREPAID\",\"delivery\":{\"speed\":\"STANDARD\"},\"splitPolicy\":\"SHIP_WHEN_READY\"}")
  SHIPMENT=$(echo "$ORDER" | sed -n 's/.*"shipmentId":"\([^"]*\)".*/\1/p')
  json -X POST "http://$HTTP/v1/shipments/$SHIPMENT:assign" -H "$A" \
    -d "{\"carrierId\":\"bench-express\",\"trackingNumber\":\"BX-$i\"}" >/dev/null
done

# Signed batches, made now (X-Timestamp must be within 300 s): batch k moves every shipment one
# step on (IN_TRANSIT / AT_STATION alternately) at time base + k s, so every event is applied.
BATCHES=$(( SECONDS_PER_RUN * 400 ))
python3 - "$WORK/batches" "$BATCHES" "$BATCH" "$SECRET" <<'PY'
import hashlib, hmac, json, os, sys, time
out, batches, size, secret = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].encode()
os.makedirs(out)
target = "/v1/partners/bench-express/tracking-events"
now = int(time.time())
base = now - 3600
for k in range(batches):
    status = "IN_TRANSIT" if k % 2 == 0 else "AT_STATION"
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + k))
    events = [{"eventId": "b%d-%d" % (k, i), "trackingNumber": "BX-%d" % i, "status": status,
               "occurredAt": at} for i in range(1, size + 1)]
    body = json.dumps({"events": events}, separators=(",", ":"))
    canonical = "\n".join(["POST", target, str(now), hashlib.sha256(body.encode()).hexdigest()])
    sig = hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()
    with open(os.path.join(out, "%d" % k), "w") as f:
        f.write("%d\n%s\n%s" % (now, sig, body))
PY
cat > "$WORK/tracking.lua" <<LUA
-- Each thread sends its own share of the pre-signed batches, in order, then stops sending new
-- ones (a repeat would be answered DUPLICATE, a cheaper path): wrk counts what was sent.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
  thread:set("nthreads", 2)
end
local k = nil
local batches = {}
function init(args)
  for i = tid - 1, $BATCHES - 1, nthreads do
    local f = io.open("$WORK/batches/" .. i)
    local ts = f:read("*l"); local sig = f:read("*l"); local body = f:read("*a"); f:close()
    batches[#batches + 1] = wrk.format("POST", "/v1/partners/bench-express/tracking-events",
      {["Content-Type"] = "application/json", ["X-Partner-Id"] = "bench-express",
       ["X-Timestamp"] = ts, ["X-Signature"] = sig}, body)
  end
  k = 0
end
function request()
  k = k + 1
  if k > #batches then k = #batches end
  return batches[k]
end
LUA

measure() {  # measure <label> <wrk url> [wrk args...]: one line of the table
  local label=$1; shift
  local g0 c0 o0 g1 c1 o1
  g0=$(cpu_ticks "$GATEWAY"); c0=$(cpu_ticks "$SERVICE"); o0=$(cpu_ticks "$ORDERS")
  read -r rps p50 p99 < <(wrk_run "$@")
  g1=$(cpu_ticks "$GATEWAY"); c1=$(cpu_ticks "$SERVICE"); o1=$(cpu_ticks "$ORDERS")
  local n; n=$(awk -v r="$rps" -v s="$SECONDS_PER_RUN" 'BEGIN {print int(r * s)}')
  printf '%-10s %10s %9s %9s %14s %16s %14s\n' "$label" "$rps" "$p50" "$p99" \
    "$(per_k $((g1 - g0)) "$n")" "$(per_k $((c1 - c0)) "$n")" "$(per_k $((o1 - o0)) "$n")"
  LAST_RPS=$rps
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"); $SECONDS_PER_RUN s per run, $CONNS connections"
printf '%-10s %10s %9s %9s %14s %16s %14s\n' run "req/s" "p50 ms" "p99 ms" "gw CPU s/1k" "cust CPU s/1k" "ord CPU s/1k"
measure register "http://$HTTP" -s bench/unique_registration.lua
REGISTER_RPS=$LAST_RPS
measure order "http://$HTTP" -s "$WORK/order.lua"
ORDER_RPS=$LAST_RPS
measure tracking "http://$HTTP" -s "$WORK/tracking.lua"
TRACK_RPS=$LAST_RPS
SENT=$(awk -v r="$TRACK_RPS" -v s="$SECONDS_PER_RUN" 'BEGIN {print int(r * s)}')
[ "$SENT" -ge "$BATCHES" ] &&
  echo "warning: all $BATCHES pre-signed batches were sent; the rest repeated the last (DUPLICATE)" >&2
echo "order / registration: $(awk -v o="$ORDER_RPS" -v r="$REGISTER_RPS" 'BEGIN {printf "%.3f", o / r}') (target >= 0.7)"
echo "tracking events/s: $(awk -v t="$TRACK_RPS" -v b="$BATCH" 'BEGIN {printf "%.0f", t * b}') (target >= 20000)"
echo "peak RSS: gateway $(peak_rss_mb "$GATEWAY") MB, customers $(peak_rss_mb "$SERVICE") MB, orders $(peak_rss_mb "$ORDERS") MB"
