#!/usr/bin/env bash
# What durability costs in the platform Store: synced commits against the no-fsync baseline,
# and how group commit amortizes fsyncs across concurrent writers. Prints the figures and ratios
# that docs/performance.md records.
#   bench/store.sh [seconds-per-run] [threads]
set -euo pipefail
cd "$(dirname "$0")/.."
./crm build crm-bench-store >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), disk of $(df --output=source "${TMPDIR:-/tmp}" | tail -1)"
build/bench/crm-bench-store --seconds "${1:-5}" --threads "${2:-8}" --dir "${TMPDIR:-/tmp}"
