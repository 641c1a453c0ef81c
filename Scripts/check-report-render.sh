#!/usr/bin/env bash
# Opens an axlicense HTML report in headless Chromium (Debian's `chromium`) and checks that the page rendered:
# a screenshot that is not blank, and a DOM (after the page's script ran) holding the tiles, the charts and every
# table with its filter box.
#   Scripts/check-report-render.sh REPORT.html [SCREENSHOT.png]
# Exit 0 when the page rendered; 1 with the reason otherwise.
set -euo pipefail
html=$(realpath "$1")
shot=${2:-${TMPDIR:-/tmp}/axlicense-report-$$.png}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n $browser ]] || { echo "check-report-render: no chromium on PATH (apt-get install chromium)" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$profile" --window-size=1280,2400)
timeout 120 "$browser" "${flags[@]}" --screenshot="$shot" "file://$html" >/dev/null 2>&1
timeout 120 "$browser" "${flags[@]}" --virtual-time-budget=2000 --dump-dom "file://$html" 2>/dev/null > "$profile/dom.html"
python3 - "$shot" "$profile/dom.html" <<'PY'
import re, struct, sys, zlib

shot, dom_path = sys.argv[1], sys.argv[2]
data = open(shot, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("check-report-render: the screenshot is not a PNG")
# Decode the PNG (8-bit RGB or RGBA, not interlaced) with zlib only.
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    chunk = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
        if depth != 8 or colour not in (2, 6) or interlace:
            sys.exit(f"check-report-render: unexpected PNG format (depth {depth}, colour {colour})")
        channels = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += chunk
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * channels
previous = bytearray(stride)
colours = set()
dark = 0
for row in range(height):
    start = row * (stride + 1)
    filter_type, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
    for i in range(stride):
        left = line[i - channels] if i >= channels else 0
        up = previous[i]
        upper_left = previous[i - channels] if i >= channels else 0
        if filter_type == 1: line[i] = (line[i] + left) & 255
        elif filter_type == 2: line[i] = (line[i] + up) & 255
        elif filter_type == 3: line[i] = (line[i] + (left + up) // 2) & 255
        elif filter_type == 4:
            p = left + up - upper_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 255
    previous = line
    if row % 4 == 0:
        for x in range(0, width, 4):
            r, g, b = line[x * channels:x * channels + 3]
            colours.add((r >> 4, g >> 4, b >> 4))
            if r + g + b < 200: dark += 1
if len(colours) < 8 or dark < 500:
    sys.exit(f"check-report-render: the screenshot looks blank ({len(colours)} colours, {dark} dark samples)")

dom = open(dom_path, encoding="utf-8").read()
problems = []
for key in ("monthlyCost", "users", "tier-Operations", "diagnostics"):
    if f'data-key="{key}"' not in dom: problems.append(f"tile {key} missing")
if dom.count("<svg") < 2: problems.append("charts missing")
tables = re.findall(r'data-table="([^"]+)"', dom)
for table in ("users", "roles", "skus"):
    if table not in tables: problems.append(f"table {table} missing")
if dom.count('class="filter"') != len(tables): problems.append("the script did not add a filter box to every table")
if problems:
    sys.exit("check-report-render: " + "; ".join(problems))
print(f"rendered: {width}x{height} screenshot, {len(colours)} colours; {len(tables)} tables: {', '.join(tables)}")
PY
