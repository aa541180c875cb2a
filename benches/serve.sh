#!/usr/bin/env bash
# Load benchmark for the host (a bench, not a test): wrk on loopback against `disan serve` and nginx
# serving the same files in the same run, interleaved and repeated, printing medians and the ratios the
# host is held to; then a long mixed run that samples the host's memory.
#
#   bash benches/serve.sh                  # 3 rounds of 8 s per case and server, then 60 s of mixed load
#   DURATION=5 REPS=5 MEMORY_SECONDS=60 bash benches/serve.sh
#   CASES="page tile" bash benches/serve.sh
#   LOGS=on bash benches/serve.sh          # both servers write a request log (nginx buffered, to a file;
#                                          # disan --log text, standard output to a file); default: both off
#
# Cases: a 10 KB page, a 50 KB tile, a 64 KiB Range of a 5 MB file, and /q/{code} with durable scan
# recording (nginx: a plain 302; every wrk request carries its own User-Agent, so each is a new visitor
# whose scan is committed). Goals (issue #14): static files ≥ 0.8× nginx's requests/s with p99 ≤ 2×
# nginx's; /q/ ≥ 0.5× nginx's 302; no errors; memory flat over the long run. Then HTTP/2 over TLS with
# h2load against nginx with HTTP/2 (H2=off skips it). The machine is shared and noisy, so only
# same-run ratios mean anything: each round runs every case on both servers back to back.
#
# All load comes from one address, so disan runs without its per-client limits (--client-rate 0,
# --max-per-client 100000) and without the scan ceiling; a deployment keeps them.
#
# Needs Debian's `wrk`, `nginx-light`, `nghttp2-client` (h2load) and openssl. Only 127.0.0.1 is ever
# targeted; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-8}
REPS=${REPS:-3}
MEMORY_SECONDS=${MEMORY_SECONDS:-60}
LOGS=${LOGS:-off}
H2=${H2:-on}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx-light)"; exit 1; }
cargo build --release --quiet
work=$(mktemp -d /tmp/disan-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as another user
cleanup() {
  [ -n "${DISAN_PID:-}" ] && kill "$DISAN_PID" 2>/dev/null
  [ -n "${DISAN_TLS_PID:-}" ] && kill "$DISAN_TLS_PID" 2>/dev/null
  [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The sample collection, plus bench files of the sizes nginx was measured with.
./target/release/disan build --out "$work/dist" >/dev/null 2>&1
mkdir -p "$work/dist/media/bench"
# (No `| head` after base64: its early exit is a SIGPIPE that pipefail turns into a failed run.)
head -c 8000 /dev/urandom | base64 -w 100 > "$work/dist/media/bench/page.html"
truncate -s 10240 "$work/dist/media/bench/page.html"
head -c 51200 /dev/urandom > "$work/dist/media/bench/tile.jpg"
head -c 5242880 /dev/urandom > "$work/dist/media/bench/audio.mp3"
chmod -R a+rX "$work/dist"

if [ "$LOGS" = on ]; then
  disan_log=text; nginx_log="access_log $work/nginx-access.log combined buffer=64k flush=1s;"
else
  disan_log=off; nginx_log="access_log off;"
fi
unlimited=(--client-rate 0 --max-per-client 100000 --max-scans-per-second 0)
./target/release/disan serve --out "$work/dist" --addr 127.0.0.1:18080 --db "$work/scans.sqlite3" --log "$disan_log" \
  "${unlimited[@]}" >"$work/disan-access.log" 2>"$work/disan.log" &
DISAN_PID=$!
# HTTPS for the HTTP/2 comparison: a throwaway self-signed certificate.
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 2 -keyout "$work/key.pem" -out "$work/cert.pem" \
  2>/dev/null
chmod 644 "$work/key.pem"
./target/release/disan serve --out "$work/dist" --addr 127.0.0.1:18443 --db "$work/scans-tls.sqlite3" --log off \
  "${unlimited[@]}" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" >/dev/null 2>"$work/disan-tls.log" &
DISAN_TLS_PID=$!

# A production-style nginx: a worker per core, sendfile, open file cache, logs as chosen above.
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  $nginx_log
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 100000;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  server {
    listen 127.0.0.1:18081;
    root $work/dist;
    location /q/ { return 302 /vi/den-doc-cuoc/#scene=bac-da; }
  }
  server {
    # nginx before 1.25.1 spells \`http2 on\` as a listen parameter.
    listen 127.0.0.1:18444 ssl http2;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    root $work/dist;
    location /q/ { return 302 /vi/den-doc-cuoc/#scene=bac-da; }
  }
}
CONF
nginx -c "$work/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for port in 18080 18081; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/media/bench/page.html" && break; sleep 0.1; done
done
for port in 18443 18444; do
  for _ in $(seq 100); do curl -skf -o /dev/null "https://127.0.0.1:$port/media/bench/page.html" && break; sleep 0.1; done
  for path in /media/bench/page.html /media/bench/tile.jpg; do curl -skf -o /dev/null "https://127.0.0.1:$port$path"; done
done

# Warm both: nginx's open file cache, disan's memory (a first request loads a file).
for port in 18080 18081; do
  for path in /media/bench/page.html /media/bench/tile.jpg /media/bench/audio.mp3; do
    curl -sf -o /dev/null "http://127.0.0.1:$port$path"
  done
done

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# wrk's latencies come as 850.00us, 1.20ms or 1.05s; everything in ms.
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 }; printf "%.2f", v }' <<<"$1"; }
median() { sort -g | awk '{ a[NR]=$1 } END { if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

path_of() {
  case $1 in
    page) echo /media/bench/page.html ;; tile) echo /media/bench/tile.jpg ;;
    range) echo /media/bench/audio.mp3 ;; qr) echo /q/ss-dc1 ;;
  esac
}
header_of() { [ "$1" = range ] && echo 'Range: bytes=1048576-1114111' || true; }

# Runs one case against one port; appends "rps p50 p99 errors requests" to $work/$case-$server.
measure() { # case server port
  local path hdr out
  path=$(path_of "$1"); hdr=$(header_of "$1")
  if [ -n "$hdr" ]; then
    out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "$hdr" "http://127.0.0.1:$3$path")
  else
    out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -s "$work/visitors.lua" "http://127.0.0.1:$3$path")
  fi
  local rps p50 p99 errs reqs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  # Socket errors (connect, read, write, timeout) and unexpected statuses, summed.
  errs=$(awk '/Socket errors/ { gsub(",", ""); s += $4 + $6 + $8 + $10 } /Non-2xx or 3xx/ { s += $5 } END { print s + 0 }' <<<"$out")
  # A 206 or a 302 is what these cases expect; wrk counts neither as an error.
  echo "$rps $p50 $p99 $errs $reqs" >> "$work/$1-$2"
}

# Every request a different device, so no scan is a repeat of the one before.
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

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)   (2-core machine shared with other work)"
echo "request logs: $LOGS (nginx and disan alike)"
echo "disan RSS at start: $(( $(rss_kb $DISAN_PID) / 1024 )) MB"
cases=${CASES:-page tile range qr}
for round in $(seq "$REPS"); do
  for case in $cases; do
    # Alternate which server goes first, so neither always meets the other's aftermath.
    if [ $((round % 2)) = 1 ]; then order="disan nginx"; else order="nginx disan"; fi
    for server in $order; do
      port=18080; [ $server = nginx ] && port=18081
      measure "$case" "$server" "$port"
    done
  done
  echo "round $round of $REPS done (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "load average after the rounds: $(cut -d' ' -f1-3 /proc/loadavg)"

col() { awk -v c="$2" '{print $c}' "$work/$1" | median; }
sum() { awk -v c="$2" '{s+=$c} END {print s+0}' "$work/$1"; }
echo
echo "medians of $REPS rounds, wrk -t2 -c64 -d${DURATION}s, keep-alive, no Accept-Encoding:"
printf '| case | server | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|\n'
for case in $cases; do
  for server in disan nginx; do
    printf '| %s | %s | %s | %s | %s | %s |\n' "$case" "$server" "$(col "$case-$server" 1)" "$(col "$case-$server" 2)" \
      "$(col "$case-$server" 3)" "$(sum "$case-$server" 4)"
  done
done
echo
for case in $cases; do
  awk -v c="$case" -v a="$(col "$case-disan" 1)" -v b="$(col "$case-nginx" 1)" \
      -v pa="$(col "$case-disan" 3)" -v pb="$(col "$case-nginx" 3)" -v e="$(sum "$case-disan" 4)" 'BEGIN {
    goal = (c == "qr") ? 0.5 : 0.8
    ok = (a / b >= goal) && (c == "qr" || pa <= 2 * pb) && e == 0
    printf "%-5s disan/nginx = %.2f× (goal ≥ %.1f×)   p99 %.2f vs %.2f ms = %.2f× %s   errors %d   %s\n",
      c, a / b, goal, pa, pb, pa / pb, (c == "qr") ? "(no p99 goal)" : "(goal ≤ 2×)", e, ok ? "MET" : "NOT MET"
  }'
done
qr_requests=$(sum qr-disan 5)
scans=$(./target/release/disan stats --db "$work/scans.sqlite3" --format csv | awk -F, '$1=="site" {s+=$4} END {print s+0}')
echo "scans in the database: $scans; /q/ requests wrk completed against disan: $qr_requests"

# HTTP/2 over TLS: h2load, one client per connection, 10 streams each, against disan and nginx.
if [ "$H2" = on ] && command -v h2load >/dev/null; then
  echo
  echo "HTTP/2 over TLS: h2load -c16 -m10 -D${DURATION} (median of $REPS rounds):"
  h2case() { # path port → req/s
    h2load -c16 -m10 -D"$DURATION" --warm-up-time=1 "https://127.0.0.1:$2$1" 2>/dev/null |
      awk '/^finished in/ { gsub(",", ""); for (i = 1; i <= NF; i++) if ($i ~ /req\/s/) print $(i-1) }'
  }
  printf '| case | disan req/s | nginx req/s | ratio |\n|---|---|---|---|\n'
  for case in page tile; do
    : > "$work/h2-$case-disan"; : > "$work/h2-$case-nginx"
    for _ in $(seq "$REPS"); do
      h2case "$(path_of "$case")" 18443 >> "$work/h2-$case-disan"
      h2case "$(path_of "$case")" 18444 >> "$work/h2-$case-nginx"
    done
    a=$(median < "$work/h2-$case-disan"); b=$(median < "$work/h2-$case-nginx")
    printf '| %s | %s | %s | %s× |\n' "$case" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')"
  done
fi

# What a visitor feels: time until a tour page's network settles (its first view sharp: every tile it asked
# for loaded) over HTTPS on a 3G-like phone profile (300 ms round trip, 1.5 Mbit/s), in headless Chromium
# with cold caches: disan with HTTP/2, the same with HTTP/1.1 only, nginx with HTTP/2. Needs the field
# harness (../shared/field/README.md; LH=/tmp/disan-field by default). VISITOR=off skips it.
LH=${LH:-/tmp/disan-field}
SETTLE=${SETTLE:-$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd)/shared/field/harness/settle.cjs}
if [ "${VISITOR:-on}" = on ] && [ -x "$LH/node_modules/.bin/node" ] && [ -f "$SETTLE" ]; then
  ./target/release/disan serve --out "$work/dist" --addr 127.0.0.1:18445 --no-scans --log off --no-http2 \
    --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" >/dev/null 2>"$work/disan-h1.log" &
  DISAN_H1_PID=$!
  for _ in $(seq 100); do curl -skf -o /dev/null "https://127.0.0.1:18445/healthz" && break; sleep 0.1; done
  page=/vi/den-doc-cuoc/
  echo
  echo "visitor: $page over HTTPS, 300 ms round trip, 1.5 Mbit/s down, cold cache; settled ms (median of $REPS):"
  printf '| server | settled ms | requests | protocols |\n|---|---|---|---|\n'
  for target in "disan h2:18443" "disan h1 only:18445" "nginx h2:18444"; do
    name=${target%%:*}; port=${target##*:}
    : > "$work/settle-$port"
    for _ in $(seq "$REPS"); do
      NODE_PATH="$LH/node_modules" "$LH/node_modules/.bin/node" "$SETTLE" "https://127.0.0.1:$port$page" 300 188743 \
        >> "$work/settle-$port" 2>/dev/null || true
    done
    ms=$(grep -o '"settled_ms":[0-9]*' "$work/settle-$port" | cut -d: -f2 | median)
    last=$(tail -1 "$work/settle-$port")
    req=$(grep -o '"requests":[0-9]*' <<<"$last" | cut -d: -f2)
    proto=$(grep -o '"protocols":{[^}]*}' <<<"$last" | cut -d: -f2-)
    printf '| %s | %s | %s | %s |\n' "$name" "$ms" "$req" "$proto"
  done
  kill "$DISAN_H1_PID" 2>/dev/null || true
fi

# Memory over a long mixed run: all four cases at once, RSS sampled every 5 s.
echo
echo "memory: ${MEMORY_SECONDS} s of mixed load (4 × wrk -t1 -c16), disan RSS every 5 s:"
pids=()
for case in $cases; do
  hdr=$(header_of "$case")
  if [ -n "$hdr" ]; then
    wrk -t1 -c16 -d"${MEMORY_SECONDS}s" -H "$hdr" "http://127.0.0.1:18080$(path_of "$case")" > "$work/mem-$case.txt" &
  else
    wrk -t1 -c16 -d"${MEMORY_SECONDS}s" "http://127.0.0.1:18080$(path_of "$case")" > "$work/mem-$case.txt" &
  fi
  pids+=($!)
done
samples=()
for _ in $(seq $((MEMORY_SECONDS / 5))); do
  sleep 5
  samples+=($(( $(rss_kb $DISAN_PID) / 1024 )))
done
wait "${pids[@]}"
mem_errors=$(cat "$work"/mem-*.txt | awk '/Socket errors/ { gsub(",", ""); s += $4 + $6 + $8 + $10 } /Non-2xx or 3xx/ { s += $5 } END { print s + 0 }')
mem_requests=$(cat "$work"/mem-*.txt | awk '/requests in/ { s += $1 } END { print s + 0 }')
echo "  samples (MB): ${samples[*]}"
printf '  first %s MB, last %s MB, max %s MB; %s requests, %s errors\n' "${samples[0]}" "${samples[-1]}" \
  "$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)" "$mem_requests" "$mem_errors"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
