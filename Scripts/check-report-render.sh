#!/usr/bin/env bash
# Opens an axlicense HTML report in headless Chromium (Debian's `chromium`) and checks that the page rendered:
# a screenshot that is not blank, and a DOM (after the page's script ran) holding the tiles, the charts and every
# table with its filter box. Then, at a 390 px (phone) and a 1400 px (desktop) window, a probe script added to a copy
# of the page measures it in the browser and writes what it found into the dumped DOM: no horizontal overflow of the
# page, a table heading that stays at the top of the window after scrolling into the table, charts scaled to their
# boxes (and filling the width on a desktop), the filter never matching across two cells, and license tiers sorting
# by rank.
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
late() { echo "check-report-render: chromium did not finish the $1 in 120 s" >&2; exit 1; }
timeout 120 "$browser" "${flags[@]}" --screenshot="$shot" "file://$html" >/dev/null 2>&1 || late screenshot
timeout 120 "$browser" "${flags[@]}" --virtual-time-budget=2000 --dump-dom "file://$html" 2>/dev/null > "$profile/dom.html" || late "DOM dump"
# The probe runs after the page's own script (it is the last thing in the body) and writes JSON into <pre id="probe">.
probe='<script>(function () {
  var out = {width: window.innerWidth, problems: []};
  try {
  var doc = document.documentElement;
  out.scrollWidth = doc.scrollWidth;
  if (doc.scrollWidth > window.innerWidth + 1) out.problems.push("page is " + doc.scrollWidth + " px wide in a " + window.innerWidth + " px window");
  document.querySelectorAll("main *").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth + 1 && out.problems.length < 8) out.problems.push((el.closest("section") && el.closest("section").id ? "#" + el.closest("section").id + " " : "") + el.tagName.toLowerCase() + (el.getAttribute("class") ? "." + el.getAttribute("class") : "") + " ends at " + Math.round(r.right) + " px");
  });
  document.querySelectorAll("figure").forEach(function (figure) {
    var svg = figure.querySelector("svg"); if (!svg) return;
    if (svg.getBoundingClientRect().width > figure.clientWidth + 1) out.problems.push("a chart is wider than its box");
  });
  var charts = document.querySelector(".charts");
  if (charts) {
    var figures = Array.prototype.slice.call(charts.querySelectorAll("figure")).map(function (f) { return f.getBoundingClientRect(); });
    var used = figures.reduce(function (right, r) { return Math.max(right, r.right); }, 0) - charts.getBoundingClientRect().left;
    out.chartsFill = used / charts.clientWidth;
    if (out.chartsFill < 0.9) out.problems.push("the charts fill only " + Math.round(out.chartsFill * 100) + "% of the width");
  }
  var table = document.querySelector("table[data-table=users]");
  var heading = table.tHead.rows[0].cells[0];
  window.scrollTo(0, table.getBoundingClientRect().top + window.scrollY + 120);
  out.headingTop = heading.getBoundingClientRect().top;
  out.tableTop = table.getBoundingClientRect().top;
  if (!(out.tableTop < -50 && Math.abs(out.headingTop) <= 1)) out.problems.push("the users table heading does not stick (heading at " + out.headingTop + " px, table at " + out.tableTop + " px)");
  window.scrollTo(0, 0);
  var input = table.closest("section").querySelector("input.filter");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  function filter(text) { input.value = text; input.dispatchEvent(new Event("input")); return rows.filter(function (row) { return !row.hidden; }).length; }
  var cells = rows[0].cells, across = cells[0].textContent.slice(-2) + cells[1].textContent.slice(0, 2);
  var inOneCell = rows.some(function (row) { return Array.prototype.some.call(row.cells, function (cell) { return cell.textContent.toLowerCase().indexOf(across.toLowerCase()) >= 0; }); });
  out.acrossCells = [across, filter(across), inOneCell];
  if (!inOneCell && out.acrossCells[1] !== 0) out.problems.push("the filter matched \"" + across + "\" across two cells");
  var user = cells[0].textContent;
  out.oneUser = filter(user);
  if (out.oneUser < 1 || rows.some(function (row) { return !row.hidden && !Array.prototype.some.call(row.cells, function (cell) { return cell.textContent.toLowerCase().indexOf(user.toLowerCase()) >= 0; }); })) out.problems.push("the filter by user id kept the wrong rows");
  filter("");
  var tierHeading = Array.prototype.filter.call(table.tHead.rows[0].cells, function (th) { return th.textContent === "License tier"; })[0];
  if (!tierHeading || tierHeading.dataset.type !== "rank") out.problems.push("the License tier column is not sorted by rank");
  else {
    tierHeading.click();
    var column = tierHeading.cellIndex;
    var ranks = Array.prototype.map.call(table.tBodies[0].rows, function (row) { return Number(row.cells[column].dataset.sort); });
    out.tierOrder = Array.prototype.map.call(table.tBodies[0].rows, function (row) { return row.cells[column].textContent; }).filter(function (t, i, all) { return all.indexOf(t) === i; });
    if (ranks.some(function (rank, i) { return i > 0 && rank < ranks[i - 1]; })) out.problems.push("license tiers did not sort by rank: " + out.tierOrder.join(", "));
  }
  } catch (error) { out.problems.push("the probe failed: " + error); }
  var target = window.parent.document;
  var pre = target.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out); target.body.appendChild(pre);
})();</script>'
# Headless Chromium's window is at least 500 px wide, so the page is measured in an iframe of the width under test
# (its own viewport: media queries and window.innerWidth are the iframe's), from a srcdoc so the probe may write its
# result into the outer page that --dump-dom prints.
python3 - "$html" "$profile" "$probe" <<'PY'
import html, sys
page = open(sys.argv[1], encoding="utf-8").read().replace("</body>", sys.argv[3] + "\n</body>")
for width in (390, 1400):
    frame = f'<iframe width="{width}" height="1200" style="border:0" srcdoc="{html.escape(page, quote=True)}"></iframe>'
    open(f"{sys.argv[2]}/probe-{width}.html", "w", encoding="utf-8").write(f'<!DOCTYPE html><html><body style="margin:0">{frame}</body></html>')
PY
for width in 390 1400; do
  timeout 120 "$browser" "${flags[@]/--window-size=1280,2400/--window-size=$((width + 40)),1300}" --virtual-time-budget=3000 --dump-dom \
    "file://$profile/probe-$width.html" 2>/dev/null > "$profile/probe-$width.out.html" || late "measurement at $width px"
done
python3 - "$shot" "$profile/dom.html" "$profile/probe-390.out.html" "$profile/probe-1400.out.html" <<'PY'
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
import html as htmllib, json
measured = []
for path in sys.argv[3:5]:
    found = re.search(r'<pre id="probe">(.*?)</pre>', open(path, encoding="utf-8").read(), re.S)
    if not found:
        problems.append(f"the probe did not run ({path})")
        continue
    probe = json.loads(htmllib.unescape(found.group(1)))
    problems += [f"at {probe['width']} px: {p}" for p in probe["problems"]]
    measured.append(f"{probe['width']} px: page {probe['scrollWidth']} px wide, heading at {probe['headingTop']} px after scrolling, "
                    f"charts fill {round(probe.get('chartsFill', 0) * 100)}%, tiers {' < '.join(probe.get('tierOrder', []))}")
if problems:
    sys.exit("check-report-render: " + "; ".join(problems))
print(f"rendered: {width}x{height} screenshot, {len(colours)} colours; {len(tables)} tables: {', '.join(tables)}")
for line in measured: print("measured: " + line)
PY
