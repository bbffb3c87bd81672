#!/usr/bin/env bash
# What the bench scripts share: a private customers service, dev broker and gateway with keys
# made as ./crm up makes them, and helpers to load and measure them. Source it after setting
# SECONDS_PER_RUN and CONNS; it sets B (build dir), WORK, SERVICE, GATEWAY, GRPC, HTTP.
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

start_stack() {  # the broker, customers (cheap argon2id) and the gateway, ready
  # Keys as ./crm up makes them: tokens are verified on every call, as in production.
  openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/token.key" 2>/dev/null
  openssl ec -in "$WORK/token.key" -pubout -out "$WORK/token.pub" 2>/dev/null
  openssl genpkey -algorithm X25519 -out "$WORK/mailer.pem" 2>/dev/null
  openssl pkey -in "$WORK/mailer.pem" -pubout -outform DER | tail -c 32 | base64 > "$WORK/mailer.pub"
  TRUSTED="crm/customers=$WORK/token.pub"
  "$B/services/devbroker/crm-devbroker" --ready-file "$WORK/broker.json" >"$WORK/broker.log" 2>&1 &
  PIDS+=($!); wait_file "$WORK/broker.json"
  "$B/services/customers/crm-customers" --data-dir "$WORK/customers" \
    --kafka-brokers "$(field "$WORK/broker.json" bootstrap)" --ready-file "$WORK/customers.json" \
    --token-private-key "$WORK/token.key" --token-public-keys "$TRUSTED" \
    --mailer-public-key "$WORK/mailer.pub" --access-token-ttl-s 3600 \
    --argon2-memory-kib 8 --argon2-passes 1 --worker-queue 4096 --log-level warning \
    >"$WORK/customers.log" 2>&1 &
  SERVICE=$!; PIDS+=($SERVICE); wait_file "$WORK/customers.json"
  GRPC=$(field "$WORK/customers.json" grpc)
  "$B/gateway/crm-gateway" --port 0 --upstreams "customers=$GRPC" --ready-file "$WORK/gateway.json" \
    --token-public-keys "$TRUSTED" --rate-limit-strict "${STRICT_LIMIT:-10/60s}" ${GATEWAY_ARGS:-} \
    >"$WORK/gateway.log" 2>&1 &
  GATEWAY=$!; PIDS+=($GATEWAY); wait_file "$WORK/gateway.json"
  HTTP=$(field "$WORK/gateway.json" http)
}

per_k() {  # per_k <cpu ticks> <requests>: CPU seconds per 1,000 requests
  awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.3f", t / hz / n * 1000; else print "-" }'
}
