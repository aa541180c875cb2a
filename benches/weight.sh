#!/usr/bin/env bash
# Page weight of a tour page: builds the sample collection and prints, for one site page, every file the
# page asks for before the visitor does anything (the HTML, the style sheets and scripts it links, the
# inline pieces of the HTML on their own), raw, gzip -9 and brotli bytes (brotli: the `.br` file the build
# writes and the host sends to browsers that accept it), then the scripts the page loads later
# (static/later.js: when the first view is done, or on first use; the viewer's later controls: when the
# first view is drawn, or on first touch). Beside it, the same for a Pannellum
# page (pannellum.js + pannellum.css), the library most tours are built with.
#
#   bash benches/weight.sh [SITE] [LANG]        # default: den-doc-cuoc vi; SITE `-`: the home page
#
# DISAN: the program to build with (default: the newer of target/release/disan and target/debug/disan).
# PANNELLUM: a folder with pannellum.js and pannellum.css (default: the field kit's anchor, see
# /work/shared/field/README.md, or node_modules/pannellum/build after `npm install pannellum@2.5.7`).
set -euo pipefail
cd "$(dirname "$0")/.."
site=${1:-den-doc-cuoc}
lang=${2:-vi}
disan=${DISAN:-}
if [ -z "$disan" ]; then   # the newer of the release and debug builds
  for d in target/release/disan target/debug/disan; do
    [ -x "$d" ] && { [ -z "$disan" ] || [ "$d" -nt "$disan" ]; } && disan=$d
  done
fi
[ -n "$disan" ] || { echo "build disan first (cargo build --release)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$disan" build --out "$out/dist" >/dev/null 2>&1 || { "$disan" build --out "$out/dist"; exit 1; }
page="$out/dist/$lang/$site/index.html"
[ "$site" = - ] && page="$out/dist/$lang/index.html"
[ -f "$page" ] || { echo "no page $lang/$site in the sample" >&2; exit 1; }

gz() { gzip -9c | wc -c; }
row() { printf '%-38s %8s %8s %8s\n' "$1" "$2" "$3" "${4:-}"; }
first_raw=0 first_gz=0 first_br=0 later_raw=0 later_gz=0 later_br=0
echo "page ${page#"$out/dist"} (built by $disan)"
row "file" "raw B" "gzip B" "br B"
add() { # name file group
  local raw gzb brb
  raw=$(wc -c <"$2"); gzb=$(gz <"$2")
  if [ -f "$2.br" ]; then brb=$(wc -c <"$2.br"); else brb=$raw; fi   # too small to be worth compressing
  row "$1" "$raw" "$gzb" "$brb"
  if [ "$3" = first ]; then first_raw=$((first_raw + raw)); first_gz=$((first_gz + gzb)); first_br=$((first_br + brb))
  else later_raw=$((later_raw + raw)); later_gz=$((later_gz + gzb)); later_br=$((later_br + brb)); fi
}
add "index.html" "$page" first
# What the HTML carries inline, each piece on its own (already counted in index.html).
python3 - "$page" <<'EOF'
import gzip, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
pieces = {
    "  inline: tour data (JSON)": r'<script type="application/json" id="tour-data">.*?</script>',
    "  inline: structured data (ld+json)": r'<script type="application/ld\+json">.*?</script>',
    "  inline: first preview (base64)": r'data:image/[a-z]+;base64,[^"]*',
    "  inline: scripts": r'<script>.*?</script>',
}
for name, pat in pieces.items():
    found = "".join(re.findall(pat, html, re.S)).encode()
    if found:
        print(f"{name:<38} {len(found):>8} {len(gzip.compress(found, 9)):>8}")
EOF
# Style sheets and scripts the HTML links (a <script src> or <link rel=stylesheet>), then those it names
# for later (data-script).
for url in $(grep -o '<link rel="stylesheet" href="[^"]*"\|<script src="[^"]*"' "$page" | grep -o '"/[^"]*"' | tr -d '"'); do
  add "${url#/_/}" "$out/dist$url" first
done
row "before any interaction" "$first_raw" "$first_gz" "$first_br"
for url in $(grep -o 'data-script="[^"]*"' "$page" | grep -o '"/[^"]*"' | tr -d '"' | sort -u); do
  add "later: ${url#/_/}" "$out/dist$url" later
done
# The viewer's later controls (scene list, compass, share, motion): the viewer asks for them itself once the
# first view is drawn, by a name written into its script.
for name in $(cat "$out"/dist/_/viewer.*.js | grep -o 'viewer-more\.[0-9a-f]*\.js' | sort -u); do
  add "later: $name" "$out/dist/_/$name" later
done
row "with the later scripts" "$((first_raw + later_raw))" "$((first_gz + later_gz))" "$((first_br + later_br))"
# What those scripts fetch when they run, named on their elements (the narration's data in `data-src`, the
# scripts' words in `data-words`), then what only printing loads (the QR code, a lazy image).
for url in $(grep -o 'data-\(src\|words\)="[^"]*"' "$page" | grep -o '"/[^"]*"' | tr -d '"' | sort -u); do
  add "later: ${url#/media/}" "$out/dist$url" later
done
for url in $(grep -o '<img class="print-qr" src="[^"]*"' "$page" | grep -o '"/[^"]*"' | tr -d '"'); do
  add "print: ${url##*/}" "$out/dist$url" later
done
row "with what they fetch, and print" "$((first_raw + later_raw))" "$((first_gz + later_gz))" "$((first_br + later_br))"

pannellum=${PANNELLUM:-}
if [ -z "$pannellum" ]; then
  for d in "${LH:-/tmp/disan-field}/anchor/www" node_modules/pannellum/build; do
    [ -f "$d/pannellum.js" ] && { pannellum=$d; break; }
  done
fi
echo
if [ -n "$pannellum" ] && [ -f "$pannellum/pannellum.js" ]; then
  echo "Pannellum ($pannellum), the library alone"
  row "file" "raw B" "gzip B"
  p_raw=0 p_gz=0
  for f in pannellum.js pannellum.css; do
    raw=$(wc -c <"$pannellum/$f"); gzb=$(gz <"$pannellum/$f")
    row "$f" "$raw" "$gzb"
    p_raw=$((p_raw + raw)); p_gz=$((p_gz + gzb))
  done
  row "total" "$p_raw" "$p_gz"
else
  echo "Pannellum not found: set PANNELLUM to a folder with pannellum.js and pannellum.css"
fi
