#!/usr/bin/env bash
# What the bench scripts share: a private dev broker, customers and orders services and gateway
# with keys made as ./crm up makes them, and helpers to load and measure them. Source it after
# setting SECONDS_PER_RUN and CONNS; it sets B (build dir), WORK, SERVICE (customers), ORDERS,
# GATEWAY, GRPC (customers), ORDERS_GRPC, HTTP, ADMIN_EMAIL, ADMIN_PASSWORD.
#   . bench/lib.sh; start_stack
B=build
WORK=$(mktemp -d /tmp/crm-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

wait_file() { for _ in $(seq 1 200); do [ -s "$1" ] && return 0; sleep 0.1; done; echo "no $1" >&2; exit 1; }
field() { sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" "$1"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
peak_rss_mb() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
ms() {  # wrk latency ("812.00us", "1.23ms", "1.02s") -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
wrk_run() {  # wrk_run <label> <url> [wrk args...]: prints "rps p50 p99"
  local out; out=$(wrk -t2 -c"$CONNS" -d"${SECONDS_PER_RUN}s" --latency "${@:2}" "$1")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(ms "$(echo "$out" | awk '$1 == "50%" {print $2}')")
  p99=$(ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
  local non2xx; non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  [ -n "$non2xx" ] && echo "warning: $1: $non2xx non-2xx answers" >&2
  echo "$rps $p50 $p99"
}

es256() {  # es256 <name>: $WORK/<name>.key and .pub
  openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/$1.key" 2>/dev/null
  openssl ec -in "$WORK/$1.key" -pubout -out "$WORK/$1.pub" 2>/dev/null
}

start_stack() {  # the broker, customers (cheap argon2id), orders and the gateway, ready
  # Keys as ./crm up makes them: tokens are verified on every call, as in production.
  es256 token; es256 gateway
  for s in customers orders gateway; do es256 "svc-$s"; done
  openssl genpkey -algorithm X25519 -out "$WORK/mailer.pem" 2>/dev/null
  openssl pkey -in "$WORK/mailer.pem" -pubout -outform DER | tail -c 32 | base64 > "$WORK/mailer.pub"
  openssl rand -base64 32 > "$WORK/orders-secrets.key"
  TRUSTED="crm/customers=$WORK/token.pub,crm/gateway=$WORK/gateway.pub"
  for s in customers orders gateway; do TRUSTED+=",crm/svc/$s=$WORK/svc-$s.pub"; done
  ADMIN_EMAIL=bench-admin@example.com ADMIN_PASSWORD=bench-admin-password
  "$B/services/devbroker/crm-devbroker" --ready-file "$WORK/broker.json" >"$WORK/broker.log" 2>&1 &
  PIDS+=($!); wait_file "$WORK/broker.json"
  local brokers; brokers=$(field "$WORK/broker.json" bootstrap)
  "$B/services/customers/crm-customers" --data-dir "$WORK/customers" \
    --kafka-brokers "$brokers" --ready-file "$WORK/customers.json" \
    --token-private-key "$WORK/token.key" --token-public-keys "$TRUSTED" \
    --service-private-key "$WORK/svc-customers.key" \
    --admin-email "$ADMIN_EMAIL" --admin-password "$ADMIN_PASSWORD" \
    --mailer-public-key "$WORK/mailer.pub" --access-token-ttl-s 3600 \
    --argon2-memory-kib 8 --argon2-passes 1 --worker-queue 4096 --log-level warning \
    >"$WORK/customers.log" 2>&1 &
  SERVICE=$!; PIDS+=($SERVICE); wait_file "$WORK/customers.json"
  GRPC=$(field "$WORK/customers.json" grpc)
  "$B/services/orders/crm-orders" --data-dir "$WORK/orders" \
    --kafka-brokers "$brokers" --ready-file "$WORK/orders.json" \
    --token-public-keys "$TRUSTED" --service-private-key "$WORK/svc-orders.key" \
    --customers-address "$GRPC" --secrets-key-file "$WORK/orders-secrets.key" \
    --worker-queue 4096 --log-level warning ${ORDERS_ARGS:-} >"$WORK/orders.log" 2>&1 &
  ORDERS=$!; PIDS+=($ORDERS); wait_file "$WORK/orders.json"
  ORDERS_GRPC=$(field "$WORK/orders.json" grpc)
  "$B/gateway/crm-gateway" --port 0 --ready-file "$WORK/gateway.json" \
    --upstreams "customers=$GRPC,orders=$ORDERS_GRPC,aftersales=127.0.0.1:1,analytics=127.0.0.1:1" \
    --token-public-keys "$TRUSTED" --partner-token-key "$WORK/gateway.key" \
    --service-private-key "$WORK/svc-gateway.key" \
    --rate-limit-strict "${STRICT_LIMIT:-10/60s}" ${GATEWAY_ARGS:-} \
    >"$WORK/gateway.log" 2>&1 &
  GATEWAY=$!; PIDS+=($GATEWAY); wait_file "$WORK/gateway.json"
  HTTP=$(field "$WORK/gateway.json" http)
}

per_k() {  # per_k <cpu ticks> <requests>: CPU seconds per 1,000 requests
  awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.3f", t / hz / n * 1000; else print "-" }'
}
