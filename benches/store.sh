#!/usr/bin/env bash
# Scan store benchmark (a bench, not a test): `/q/{code}` requests a second with every scan committed
# before its redirect, the host counting into SQLite and into PostgreSQL, in the same run on the same
# machine, interleaved and repeated; medians, then the rows in each store against the redirects wrk got.
#
#   bash benches/store.sh                       # release build, 3 rounds of 8 s per store
#   BIN=target/debug/disan DURATION=5 REPS=3 bash benches/store.sh
#
# PostgreSQL is a throwaway server started here with initdb + pg_ctl (Debian's `postgresql` package; as
# `nobody` when run as root) with its default durability: every commit is flushed to disk
# (synchronous_commit=on, fsync=on). SQLite runs as the host runs it: write-ahead log, synchronous=NORMAL
# (a commit survives the process, not a power cut). Every wrk request carries its own User-Agent, so each
# is a new visitor whose scan is written; the host runs without per-client limits or the scan ceiling.
# Only 127.0.0.1 is ever targeted; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-8}
REPS=${REPS:-3}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
pgbin=$(dirname "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
[ -x "$pgbin/pg_ctl" ] || { echo "PostgreSQL's initdb and pg_ctl are not installed (apt-get install postgresql)"; exit 1; }
if [ -z "${BIN:-}" ]; then
  cargo build --release --quiet
  BIN=target/release/disan
fi
work=$(mktemp -d /tmp/disan-store-bench.XXXXXX)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown nobody "$work"
  as_pg=(runuser -u nobody --)
fi
port=15432
cleanup() {
  [ -n "${SQLITE_PID:-}" ] && kill "$SQLITE_PID" 2>/dev/null
  [ -n "${PG_HOST_PID:-}" ] && kill "$PG_HOST_PID" 2>/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"${as_pg[@]}" "$pgbin/initdb" -U disan --auth=trust -E UTF8 -D "$work/pg" >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -w -t 60 -D "$work/pg" -l "$work/pg.log" \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1" start >/dev/null
url="postgres://disan@127.0.0.1:$port/postgres"

"$BIN" build --out "$work/dist" >/dev/null 2>&1
unlimited=(--client-rate 0 --max-per-client 100000 --max-scans-per-second 0 --log off)
"$BIN" serve --out "$work/dist" --addr 127.0.0.1:18081 --db "$work/scans.sqlite3" "${unlimited[@]}" \
  >/dev/null 2>"$work/sqlite-host.log" &
SQLITE_PID=$!
"$BIN" serve --out "$work/dist" --addr 127.0.0.1:18082 --db "$url" "${unlimited[@]}" >/dev/null 2>"$work/pg-host.log" &
PG_HOST_PID=$!
for p in 18081 18082; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$p/healthz" >/dev/null || { echo "host on $p did not start"; cat "$work"/*-host.log; exit 1; }
done

cat > "$work/visitors.lua" <<'LUA'
-- Unique across wrk's threads (id), runs (start time) and requests (n).
local threads = 0
function setup(thread) threads = threads + 1; thread:set("id", threads) end
function init(args) started = os.time(); n = 0 end
request = function()
  n = n + 1
  return wrk.format(nil, nil, { ["User-Agent"] = "bench-visitor/" .. id .. "/" .. started .. "/" .. n })
end
LUA

median() { sort -g | awk '{ a[NR]=$1 } END { if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2 }'; }
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 }; printf "%.2f", v }' <<<"$1"; }
measure() { # store port
  local out
  out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -s "$work/visitors.lua" "http://127.0.0.1:$2/q/ss-dc1")
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")") \
$(awk '/requests in/ {print $1}' <<<"$out") \
$(awk '/Socket errors/ { gsub(",", ""); s += $4 + $6 + $8 + $10 } /Non-2xx or 3xx/ { s += $5 } END { print s + 0 }' <<<"$out")" \
    >> "$work/$1"
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg); binary: $BIN"
for round in $(seq "$REPS"); do
  if [ $((round % 2)) = 1 ]; then order="sqlite postgres"; else order="postgres sqlite"; fi
  for store in $order; do
    if [ "$store" = sqlite ]; then measure sqlite 18081; else measure postgres 18082; fi
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %10s %10s %8s\n' store "req/s" "p99 ms" errors
for store in sqlite postgres; do
  printf '%-10s %10s %10s %8s\n' "$store" "$(cut -d' ' -f1 "$work/$store" | median)" \
    "$(cut -d' ' -f2 "$work/$store" | median)" "$(awk '{s+=$4} END {print s+0}' "$work/$store")"
done
sqlite_rps=$(cut -d' ' -f1 "$work/sqlite" | median); pg_rps=$(cut -d' ' -f1 "$work/postgres" | median)
awk -v a="$pg_rps" -v b="$sqlite_rps" 'BEGIN { printf "postgres / sqlite: %.2f×\n", a / b }'
# Every redirect wrk counted was committed first: the rows in each store are at least as many.
for store in sqlite postgres; do
  db="$work/scans.sqlite3"; [ "$store" = postgres ] && db=$url
  rows=$("$BIN" stats --db "$db" --format json | sed -n 's/^ *"total": \([0-9]*\).*/\1/p' | head -1)
  echo "$store: $rows scans stored for $(awk '{s+=$3} END {print s}' "$work/$store") redirects wrk completed"
done
