#!/usr/bin/env bash
# Load benchmark for the host (a bench, not a test): wrk on loopback against `disan serve` and, when
# installed, nginx serving the same files in the same run, printing requests/s, p50/p99 and the ratio.
#
#   bash benches/serve.sh            # 10 s per case; DURATION=5 for a quicker run
#
# Cases: a 10 KB page, a 50 KB tile, a 64 KiB Range of a 5 MB file, and /q/{code} with durable scan
# recording (nginx: a plain 302). Needs Debian's `wrk` (and `nginx-light` for the comparison). Only
# 127.0.0.1 is ever targeted; every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
cargo build --release --quiet
work=$(mktemp -d /tmp/disan-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as another user
trap 'kill $(jobs -p) 2>/dev/null || true; [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null; rm -rf "$work"' EXIT

# The sample collection, plus bench files of the sizes nginx was measured with.
./target/release/disan build --out "$work/dist" >/dev/null 2>&1
mkdir -p "$work/dist/media/bench"
head -c 10240 /dev/urandom | base64 -w 100 | head -c 10240 > "$work/dist/media/bench/page.html"
head -c 51200 /dev/urandom > "$work/dist/media/bench/tile.jpg"
head -c 5242880 /dev/urandom > "$work/dist/media/bench/audio.mp3"

./target/release/disan serve --out "$work/dist" --addr 127.0.0.1:18080 --db "$work/scans.sqlite3" 2>"$work/disan.log" &
DISAN_PID=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null && break; sleep 0.1; done

have_nginx=0
if command -v nginx >/dev/null; then
  have_nginx=1
  cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:18081;
    root $work/dist;
    location /q/ { return 302 /vi/den-doc-cuoc/#scene=bac-da; }
  }
}
CONF
  nginx -c "$work/nginx.conf" -g 'daemon off;' &
  NGINX_PID=$!
  for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:18081/media/bench/page.html && break; sleep 0.1; done
fi

rss() { awk '/VmRSS/ {print $2/1024 " MB"}' "/proc/$1/status"; }
run() { # name url [header]
  local out
  if [ -n "${3:-}" ]; then out=$(wrk -t2 -c64 -d"${DURATION}s" --latency -H "$3" "$2"); else out=$(wrk -t2 -c64 -d"${DURATION}s" --latency "$2"); fi
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx or 3xx/ {print $5} /Socket errors/ {print $0}' <<<"$out" | tr '\n' ' ')
  printf '%s|%s|%s|%s|%s\n' "$1" "$rps" "$p50" "$p99" "${errs:-0}"
}

echo "disan RSS at start: $(rss $DISAN_PID)"
printf '| case | server | req/s | p50 | p99 | errors |\n|---|---|---|---|---|---|\n'
declare -A R
for case in page tile range qr; do
  case $case in
    page) path=/media/bench/page.html; hdr= ;;
    tile) path=/media/bench/tile.jpg; hdr= ;;
    range) path=/media/bench/audio.mp3; hdr='Range: bytes=1048576-1114111' ;;
    qr) path=/q/ss-dc1; hdr= ;;
  esac
  IFS='|' read -r _ rps p50 p99 errs < <(run "$case" "http://127.0.0.1:18080$path" "$hdr")
  R[$case-disan]=$rps
  printf '| %s | disan | %s | %s | %s | %s |\n' "$case" "$rps" "$p50" "$p99" "$errs"
  if [ $have_nginx = 1 ]; then
    IFS='|' read -r _ rps p50 p99 errs < <(run "$case" "http://127.0.0.1:18081$path" "$hdr")
    R[$case-nginx]=$rps
    printf '| %s | nginx | %s | %s | %s | %s |\n' "$case" "$rps" "$p50" "$p99" "$errs"
  fi
done
echo "disan RSS at end: $(rss $DISAN_PID)"
scans=$(./target/release/disan stats --db "$work/scans.sqlite3" --format csv | awk -F, '$1=="site" {s+=$4} END {print s+0}')
echo "scans recorded during the /q/ case: $scans"
if [ $have_nginx = 1 ]; then
  for case in page tile range qr; do
    awk -v a="${R[$case-disan]}" -v b="${R[$case-nginx]}" -v c="$case" 'BEGIN { printf "%s: disan/nginx = %.2f\n", c, a/b }'
  done
fi
