#!/usr/bin/env bash
# Renders a report folder's index.html and each of its SVG charts to PNG with headless Chromium, and
# checks the page: its title, every chart it links exists, and no console message (the page has no
# scripts, so any message is an error).
# usage: scripts/report-screenshots.sh SITE_DIR OUT_DIR [CHART_PREFIX ...]
#   SITE_DIR  a folder written by `sweep report GRID --out SITE_DIR`
#   OUT_DIR   where index.png and one PNG per chart (matching a prefix, default all) go
set -euo pipefail
site=$(cd "$1" && pwd)
out=$2
shift 2
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome) || {
    echo "report-screenshots: no chromium on PATH (Debian: apt-get install -y chromium)" >&2; exit 2; }
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files)

# The page as the browser built it, with console messages on stderr.
"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$site/index.html" \
    > "$out/index.dom.html" 2> "$out/console.log" || true
title=$(sed -n 's:.*<title>\(.*\)</title>.*:\1:p' "$out/index.dom.html" | head -1)
echo "title: $title"
missing=0
for chart in $(grep -o '<img src="[^"]*"' "$site/index.html" | sed 's/<img src="//; s/"$//'); do
    [ -s "$site/$chart" ] || { echo "missing chart: $chart" >&2; missing=1; }
done
errors=$(grep -c ':CONSOLE' "$out/console.log" || true)
echo "charts linked: $(grep -o '<img src=' "$site/index.html" | wc -l); console errors: $errors"
"$browser" "${flags[@]}" --window-size=1560,2400 --screenshot="$out/index.png" "file://$site/index.html" 2>/dev/null

# Each chart at its own size (its SVG's width and height).
for svg in "$site"/*.svg; do
    name=$(basename "$svg" .svg)
    if [ $# -gt 0 ]; then
        keep=0
        for prefix in "$@"; do [[ $name == "$prefix"* ]] && keep=1; done
        [ $keep = 1 ] || continue
    fi
    width=$(grep -o 'width="[0-9.]*"' "$svg" | head -1 | grep -o '[0-9.]*' | cut -d. -f1)
    height=$(grep -o 'height="[0-9.]*"' "$svg" | head -1 | grep -o '[0-9.]*' | cut -d. -f1)
    "$browser" "${flags[@]}" --window-size="$width,$height" --screenshot="$out/$name.png" "file://$svg" 2>/dev/null
done
ls "$out"/*.png | wc -l | xargs echo "screenshots:"
[ "$missing" = 0 ] && [ "$errors" = 0 ]
