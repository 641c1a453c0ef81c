import AXCompliance

/// The look every axlicense HTML page shares: the license report (`axlicense report`) and the License Management page
/// of `axlicense serve`. One stylesheet, one header, one legend of the status icons and one table script, so the pages
/// read as one product and a fix made to one is made to both.
///
/// A page is `PageChrome.page(title:header:main:footer:)`; its header is `PageChrome.header(heading:meta:extra:)`.
/// Text arguments are escaped here; arguments named `…HTML` are markup the caller built (escaping its text with
/// `PageChrome.escaped`). Tables styled and scripted by the chrome are `<table class="data">` inside a
/// `<section class="table">` with an `<h2>`; a numeric heading carries `data-type="number"`, a cell its sort value in
/// `data-sort` (a number, or a rank for ordered words such as license tiers).
public enum PageChrome {
    /// The stylesheet of every page. Tables are not wrapped in a scroll box: cells wrap instead, so no column hides
    /// behind a horizontal scroll bar and headings stick to the top of the window (a scroll box is a sticky heading's
    /// containing block, which does not scroll vertically, so the heading never moved). Charts are SVG scaled to the
    /// width of their grid cell (at most 620 px, so their text stays near its drawn size), one per row on a phone and
    /// side by side on a desktop.
    public static let stylesheet = """
        :root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2733;background:#f5f7fa}
        *,*::before,*::after{box-sizing:border-box}
        body{margin:0 auto;max-width:1400px;padding:16px clamp(10px,2.5vw,24px)}h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.1rem;margin:1.2em 0 .5em}
        .meta{color:#4b5866;margin:0;overflow-wrap:anywhere}.tiles{display:flex;flex-wrap:wrap;gap:10px}
        .tile{background:#fff;border:1px solid #d5dbe3;border-radius:8px;padding:10px 14px;min-width:130px;max-width:100%;display:flex;flex-direction:column;overflow-wrap:anywhere}
        .tile.emphasis{border-color:#2f6fb3;box-shadow:0 0 0 1px #2f6fb3 inset}.tile .label{font-size:.8rem;color:#4b5866}
        .tile .value{font-size:1.35rem;font-weight:600;font-variant-numeric:tabular-nums}.tile .detail{font-size:.8rem;color:#4b5866}
        .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,400px),1fr));gap:16px;align-items:start}
        figure{background:#fff;border:1px solid #d5dbe3;border-radius:8px;margin:0;padding:10px;min-width:0}
        figure svg{display:block;width:100%;max-width:620px;height:auto;margin:0 auto}
        figcaption{font-size:.85rem;color:#4b5866;text-align:center}svg text{fill:#1d2733;font-family:inherit}
        .alert{background:#fff4e5;border:1px solid #e0a050;border-radius:6px;padding:8px 12px;overflow-wrap:anywhere}.ok{color:#3f8f5a}
        .legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:.4em 0;padding:0;list-style:none;font-size:.85rem;color:#4b5866}
        table.data{border-collapse:separate;border-spacing:0;background:#fff;font-size:.85rem;width:100%}
        table.data th,table.data td{border:solid #d5dbe3;border-width:0 1px 1px 0;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        table.data tr>:first-child{border-left-width:1px}table.data thead th{border-top-width:1px}
        table.data th{background:#e9eef4;cursor:pointer;user-select:none;position:sticky;top:0;z-index:1}
        table.data th[data-type=number]{text-align:right}table.data td.num{text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:normal;white-space:nowrap}
        th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
        input.filter{margin:0 0 6px;padding:4px 8px;border:1px solid #b9c3cf;border-radius:4px;width:min(260px,100%)}
        footer{color:#4b5866;font-size:.8rem;margin:2em 0 1em}code{font-size:.9em;overflow-wrap:anywhere}.note{color:#4b5866}
        @media (max-width:600px){table.data{font-size:.75rem}table.data th,table.data td{padding:3px 4px}}
        @media print{input.filter{display:none}body{background:#fff}table.data th{position:static}}
        """

    /// Sorting and filtering for every `table.data`, added only when JavaScript runs (a page is complete without it).
    /// A click (or Enter) on a heading sorts by that column: a heading of `data-type` `number` or `rank` by each
    /// cell's `data-sort` value (the machine number behind `$1,234.00`; a license tier's rank), others by text. The filter box keeps the rows with a cell that contains the
    /// typed text; a match never spans two cells.
    public static let tableScript = """
        document.querySelectorAll("table.data").forEach(function (table) {
          var body = table.tBodies[0], headings = table.tHead.rows[0].cells, section = table.closest("section");
          var input = document.createElement("input");
          input.type = "search"; input.className = "filter";
          var name = section && section.querySelector("h2") ? section.querySelector("h2").textContent : "table";
          input.placeholder = "Filter " + name + "…";
          input.setAttribute("aria-label", "Filter " + name);
          input.addEventListener("input", function () {
            var query = input.value.toLowerCase();
            Array.prototype.forEach.call(body.rows, function (row) {
              row.hidden = query !== "" && !Array.prototype.some.call(row.cells, function (cell) {
                return cell.textContent.toLowerCase().indexOf(query) >= 0;
              });
            });
          });
          table.parentNode.insertBefore(input, table);
          function key(cell) { return cell && cell.dataset.sort !== undefined ? cell.dataset.sort : (cell ? cell.textContent : ""); }
          Array.prototype.forEach.call(headings, function (heading, column) {
            heading.tabIndex = 0;
            function sort() {
              var ascending = heading.getAttribute("aria-sort") !== "ascending";
              var numeric = heading.dataset.type === "number" || heading.dataset.type === "rank";
              Array.prototype.forEach.call(headings, function (other) { other.removeAttribute("aria-sort"); });
              heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = key(a.cells[column]), y = key(b.cells[column]);
                var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
                return ascending ? order : -order;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            }
            heading.addEventListener("click", sort);
            heading.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
          });
        });
        """

    /// Text made safe for HTML content and attribute values (the one escaping rule of every page).
    public static func escaped(_ text: String) -> String { xmlEscaped(text) }

    /// The page header: the heading, lines of facts under it (text), then `extraHTML` (alerts, notes: markup).
    public static func header(heading: String, meta: [String], extraHTML: String = "") -> String {
        "<header>\n<h1>\(xmlEscaped(heading))</h1>\n" + meta.map { #"<p class="meta">\#(xmlEscaped($0))</p>"# + "\n" }.joined() + extraHTML + "</header>\n"
    }

    /// What the status icons of the License View mean, shown wherever they appear (grid, chart, notifications).
    public static let statusLegend: String =
        #"<ul class="legend" aria-label="Status icons">"#
        + [LicenseStatus.warning, .newerVersion].map { #"<li data-status="\#($0.rawValue)">\#(xmlEscaped(statusMeaning($0)))</li>"# }.joined()
        + "</ul>\n"

    /// A status icon and what it means (`⚠️ expired, or more used than purchased`).
    static func statusMeaning(_ status: LicenseStatus) -> String {
        switch status {
        case .warning: status.marker(emoji: true) + " expired, or more licenses used than purchased"
        case .newerVersion: status.marker(emoji: true) + " a newer version is available"
        case .healthy: "no icon: nothing to do"
        }
    }

    /// A report table as a chrome table (`<section class="table">` with its heading, optional note and legend):
    /// escaped, amounts shown with `money` and sorted by value, license tiers sorted by rank.
    public static func table(_ table: ReportTable, id: String, money: MoneyFormat? = nil, note: String? = nil, legendHTML: String = "") -> String {
        HTMLTableRenderer(money: money).render(table, id: id, note: note, legendHTML: legendHTML)
    }

    /// A whole self-contained page: the stylesheet inline (then `extraStyle`, a page's own rules), `headerHTML` (from
    /// `header`), `mainHTML`, a footer (text), and `script` (the table script by default; nil for none). No file, font
    /// or address is fetched.
    public static func page(title: String, headerHTML: String, mainHTML: String, footer: String, script: String? = tableScript,
                            extraStyle: String = "") -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"axlicense\">\n"
            + "<title>\(xmlEscaped(title))</title>\n<style>\(stylesheet)\(extraStyle.isEmpty ? "" : "\n" + extraStyle)</style>\n</head>\n<body>\n"
            + headerHTML + "<main>\n" + mainHTML + "</main>\n<footer>\(xmlEscaped(footer))</footer>\n"
            + (script.map { "<script>\($0)</script>\n" } ?? "") + "</body>\n</html>\n"
    }
}
