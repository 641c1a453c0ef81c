import AXLicensing
import CSV
import Foundation

/// The formats every command writes.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal (the default).
    case table
    /// RFC 4180 CSV of the command's main rows, for spreadsheets.
    case csv
    /// The full result with diagnostics; stable and documented in the README.
    case json
    /// GitHub-flavoured markdown tables, for pull requests and wikis.
    case markdown
    /// One self-contained HTML page (no scripts, no network) of what the table format shows, for sharing.
    case html
}

/// Width in terminal characters: ASCII text (nearly all) is measured by bytes, without grapheme breaking.
func displayWidth(_ text: String) -> Int {
    var text = text
    return text.withUTF8 { bytes in bytes.allSatisfy { $0 < 0x80 } ? bytes.count : nil } ?? text.count
}

/// The terminal format: sections separated by a blank line, tables in aligned columns. With a `width` (a terminal),
/// every line fits it: long cells wrap or are cut with "…", low-priority columns are left out (a note says which), and
/// long lines of text wrap; without one (files, pipes), every value is written in full.
struct TerminalRenderer {
    var width: Int?

    func render(_ report: Report) -> String {
        report.sections.map { $0.compactMap(visible) }.filter { !$0.isEmpty }
            .map { $0.map(render).joined() }.joined(separator: "\n")
    }

    private func visible(_ element: ReportElement) -> ReportElement? {
        switch element {
        case .only(.terminal, let child): visible(child)
        case .only(.markdown, _): nil
        default: element
        }
    }

    private func render(_ element: ReportElement) -> String {
        switch element {
        case .title(let text, _): return lines([text])
        case .heading(let text, _): return lines([text.plain])
        case .facts(let facts): return renderFacts(facts)
        case .table(let table, _): return renderTable(table)
        case .paragraph(let text): return lines([text.plain])
        case .total(let label, let value): return lines(["\(label): \(value)"])
        case .lines(let texts): return lines(texts)
        case .list(let items): return lines(items.map(\.plain))
        case .notes(let notes): return lines(notes.map { "Note: " + $0 })
        case .alert(let text): return lines([text])
        case .details(_, let children): return children.compactMap(visible).map(render).joined()
        case .only(_, let child): return render(child)
        }
    }

    /// Each text on its own line, wrapped to the width.
    private func lines(_ texts: [String], indent: Int = 0) -> String {
        texts.map { text in wrapped(text, indent: indent).joined(separator: "\n") + "\n" }.joined()
    }

    /// `text` as lines of at most `width` characters, continuation lines indented by `indent` spaces.
    private func wrapped(_ text: String, indent: Int) -> [String] {
        guard let width, displayWidth(text) > width else { return [text] }
        let first = Self.wrap(text, width)
        guard first.count > 1, indent > 0, indent < width / 2 else { return first }
        let head = Self.wrap(text, width)[0]
        let rest = String(text.dropFirst(head.count)).drop { $0 == " " }
        return [head] + Self.wrap(String(rest), width - indent).map { String(repeating: " ", count: indent) + $0 }
    }

    /// `text` on one line: each line break (CR LF, LF, CR, VT, FF, NEL, U+2028, U+2029) becomes a space, so a name
    /// holding one (`&#10;` in XML) cannot split a table row or a fact across lines of the terminal.
    static func singleLine(_ text: String) -> String {
        guard mayBreakLines(text) else { return text }
        var result = ""
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "\n" where previous == "\r": continue
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// False when `text` holds no byte that can start a line break (CR, LF, VT, FF, or the lead byte of NEL, LS or
    /// PS): then `singleLine` returns it unchanged.
    private static func mayBreakLines(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.contains { ($0 >= 0x0A && $0 <= 0x0D) || $0 == 0xC2 || $0 == 0xE2 } }
    }

    /// The table with every heading and cell on one line (`singleLine`).
    static func singleLineCells(_ table: ReportTable) -> ReportTable {
        var table = table
        for index in table.columns.indices { table.columns[index].header = singleLine(table.columns[index].header) }
        for row in table.rows.indices where table.rows[row].contains(where: { mayBreakLines($0) && singleLine($0) != $0 }) {
            table.rows[row] = table.rows[row].map(singleLine)
        }
        return table
    }

    /// Label/value lines with the values aligned.
    private func renderFacts(_ facts: [ReportFact]) -> String {
        let labelWidth = facts.map(\.label.count).max() ?? 0
        return facts.map { fact in
            let line = fact.label + ":" + String(repeating: " ", count: labelWidth - fact.label.count + 1) + Self.singleLine(fact.value)
            return wrapped(line, indent: labelWidth + 2).joined(separator: "\n") + "\n"
        }.joined()
    }

    // MARK: Tables

    private func renderTable(_ table: ReportTable) -> String {
        let table = Self.singleLineCells(table)
        guard let width else { return Self.fullTable(table) }
        let natural = Self.naturalWidths(table)
        guard natural.reduce(0, +) + 2 * max(0, natural.count - 1) > width else { return Self.fullTable(table) }
        return fittedTable(table, natural: natural, width: width)
    }

    private static func naturalWidths(_ table: ReportTable) -> [Int] {
        table.columns.indices.map { column in
            table.rows.reduce(displayWidth(table.columns[column].header)) { max($0, displayWidth(table.cell($1, column))) }
        }
    }

    /// Columns padded to their widest cell, a rule under the header: every value in full.
    static func fullTable(_ table: ReportTable) -> String {
        let header = table.header
        var widths = header.map(displayWidth)
        for row in table.rows {
            for column in header.indices where column < row.count { widths[column] = max(widths[column], displayWidth(row[column])) }
        }
        let rightAligned = table.columns.map(\.kind.isNumeric)
        // One byte buffer for the whole table: tens of thousands of rows render without a String per padded cell.
        var out: [UInt8] = []
        out.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (table.rows.count + 3))
        func pad(_ count: Int) { if count > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) } }
        func line(_ cells: [String]) {
            let start = out.count
            for column in header.indices {
                if column > 0 { pad(2) }
                let cell = column < cells.count ? cells[column] : ""
                let padding = widths[column] - displayWidth(cell)
                if rightAligned[column] { pad(padding); out.append(contentsOf: cell.utf8) } else { out.append(contentsOf: cell.utf8); pad(padding) }
            }
            while out.count > start, out.last == UInt8(ascii: " ") { out.removeLast() }
            out.append(UInt8(ascii: "\n"))
        }
        if let title = table.title { out.append(contentsOf: title.utf8); out.append(UInt8(ascii: "\n")) }
        line(header)
        out.append(contentsOf: widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ").utf8)
        out.append(UInt8(ascii: "\n"))
        for row in table.rows { line(row) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The table within `width`: low-priority columns are left out first (rightmost first) until the rest fit in
    /// full, or none is left; then, while even the narrowest the rest can be does not fit, the other non-essential
    /// columns; then the widest columns shrink, one character at a time, to a minimum (numbers never shrink).
    private func fittedTable(_ table: ReportTable, natural: [Int], width: Int) -> String {
        let columns = table.columns
        func longestWord(_ text: String) -> Int { text.split(separator: " ").map { displayWidth(String($0)) }.max() ?? 0 }
        // Narrowest without losing anything: headings wrap between words, lists and paths between words, numbers and
        // names stay whole.
        let lossless = columns.indices.map { column -> Int in
            let kind = columns[column].kind
            let cells = table.rows.map { kind.wraps ? longestWord(table.cell($0, column)) : displayWidth(table.cell($0, column)) }.max() ?? 0
            return min(natural[column], max(cells, longestWord(columns[column].header)))
        }
        // Narrowest at all: numbers stay whole, names keep 16 characters (10 for the less important) before the "…",
        // lists and paths break inside words below 12.
        let minimum = columns.indices.map { column -> Int in
            let kind = columns[column].kind
            if kind.isNumeric { return lossless[column] }
            return min(lossless[column], kind.wraps ? 12 : columns[column].priority == .essential ? 16 : 10)
        }
        var shown = Array(columns.indices)
        func total(_ widths: [Int]) -> Int { shown.map { widths[$0] }.reduce(0, +) + 2 * max(0, shown.count - 1) }
        var dropped: [Int] = []
        func drop(while tooWide: () -> Bool, priority: ColumnPriority) {
            while tooWide(), let victim = shown.last(where: { columns[$0].priority == priority }) {
                shown.removeAll { $0 == victim }
                dropped.append(victim)
            }
        }
        drop(while: { total(natural) > width }, priority: .low)
        drop(while: { total(minimum) > width }, priority: .normal)
        var widths = natural
        // First without loss, then with: the widest column that can still shrink gives up a character; among equals,
        // the least valuable, rightmost.
        for floor in [lossless, minimum] {
            while total(widths) > width {
                guard let widest = shown.filter({ widths[$0] > floor[$0] })
                    .max(by: { (widths[$0], -columns[$0].priority.rawValue, $0) < (widths[$1], -columns[$1].priority.rawValue, $1) }) else { break }
                widths[widest] -= 1
            }
        }
        var out = ""
        if let title = table.title { out += lines([title]) }
        func emit(_ cells: [[String]], rightAligned: [Bool]) {
            let height = cells.map(\.count).max() ?? 1
            for index in 0..<height {
                var line = ""
                for (position, column) in shown.enumerated() {
                    if position > 0 { line += "  " }
                    let text = index < cells[position].count ? cells[position][index] : ""
                    let padding = String(repeating: " ", count: max(0, widths[column] - displayWidth(text)))
                    line += rightAligned[position] ? padding + text : text + padding
                }
                out += line.trailingSpacesRemoved() + "\n"
            }
        }
        emit(shown.map { Self.wrap(columns[$0].header, widths[$0]) }, rightAligned: shown.map { columns[$0].kind.isNumeric })
        out += shown.map { String(repeating: "-", count: widths[$0]) }.joined(separator: "  ") + "\n"
        for row in table.rows {
            emit(shown.map { column in
                let cell = table.cell(row, column), room = widths[column]
                if displayWidth(cell) <= room { return [cell] }
                return columns[column].kind.wraps ? Self.wrap(cell, room) : [Self.truncate(cell, room)]
            }, rightAligned: shown.map { columns[$0].kind.isNumeric })
        }
        if !dropped.isEmpty {
            out += lines(["Not shown to fit \(width) columns: " + dropped.sorted().map { columns[$0].header }.joined(separator: ", ") + "."])
        }
        return out
    }

    /// `text` cut to `width` characters, the last one an ellipsis.
    static func truncate(_ text: String, _ width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        guard width > 1 else { return "…" }
        return String(text.prefix(width - 1)).trailingSpacesRemoved() + "…"
    }

    /// `text` broken into lines of at most `width` characters, between words where it can, inside a word longer than
    /// a line.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        guard width > 0, displayWidth(text) > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for piece in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(piece)
            let candidate = current.isEmpty ? word : current + " " + word
            if displayWidth(candidate) <= width {
                current = candidate
                continue
            }
            if !current.isEmpty { lines.append(current); current = "" }
            while displayWidth(word) > width {
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            current = word
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}

/// GitHub-flavoured markdown: every piece of text the inputs supplied is escaped here (`Markdown.text`, `Markdown.code`),
/// so no report can forget it.
struct MarkdownRenderer {
    func render(_ report: Report) -> String {
        report.sections.flatMap { $0 }.compactMap(visible).map(render).joined(separator: "\n")
    }

    private func visible(_ element: ReportElement) -> ReportElement? {
        switch element {
        case .only(.markdown, let child): visible(child)
        case .only(.terminal, _): nil
        default: element
        }
    }

    private func render(_ element: ReportElement) -> String {
        switch element {
        case .title(_, let markdown): return "# " + Markdown.text(markdown) + "\n"
        case .heading(let text, let level): return String(repeating: "#", count: level) + " " + inline(text) + "\n"
        case .facts(let facts): return facts.map { "- **\(Markdown.text($0.label)):** \(Markdown.text($0.value))\n" }.joined()
        case .table(let table, let level): return Self.table(table, headingLevel: level)
        case .paragraph(let text): return inline(text) + "\n"
        case .total(let label, let value): return "**\(Markdown.text(label)):** \(Markdown.text(value))\n"
        case .lines(let texts): return texts.map { Markdown.text($0) + "\n" }.joined()
        case .list(let items): return items.map { "- " + inline($0) + "\n" }.joined()
        case .notes(let notes): return notes.map { "> Note: " + Markdown.text($0) + "\n" }.joined()
        case .alert(let text): return "> " + Markdown.text(text) + "\n"
        case .details(let summary, let children):
            return (["<details><summary>\(xmlEscaped(summary))</summary>\n"] + children.compactMap(visible).map(render) + ["</details>\n"])
                .joined(separator: "\n")
        case .only(_, let child): return render(child)
        }
    }

    private func inline(_ text: ReportText) -> String {
        text.shown(nil).spans.map { span in
            switch span {
            case .plain(let text): Markdown.text(text)
            case .code(let text): Markdown.code(text)
            case .strong(let text): "**" + Markdown.text(text) + "**"
            case .money: Markdown.text(span.words)
            }
        }.joined()
    }

    /// A markdown table; every cell and the title are escaped text (one row per row, whatever a name holds).
    static func table(_ table: ReportTable, headingLevel: Int = 2) -> String {
        var lines: [String] = []
        if let title = table.title { lines.append(String(repeating: "#", count: headingLevel) + " " + Markdown.text(title)); lines.append("") }
        lines.append("| " + table.header.map(Markdown.text).joined(separator: " | ") + " |")
        lines.append("|" + table.columns.map { $0.kind.isNumeric ? " ---: |" : " --- |" }.joined())
        for row in table.rows {
            lines.append("| " + table.columns.indices.map { Markdown.text(table.cell(row, $0)) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// RFC 4180 CSV of one table (the title is not part of CSV). A text cell a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`, as OWASP recommends; numbers in
/// numeric columns (`-130.00`) stay numbers.
struct CSVRenderer {
    func render(_ table: ReportTable) -> String {
        let stream = OutputStream.toMemory()
        // CSVWriter on a memory stream cannot fail to open; writes only fail on closed streams.
        let writer = try! CSVWriter(stream: stream)
        try! writer.write(row: table.header.map(Self.spreadsheetText))
        for row in table.rows {
            try! writer.write(row: row.indices.map { column in
                column < table.columns.count && table.columns[column].kind.isNumeric && Double(row[column]) != nil
                    ? row[column] : Self.spreadsheetText(row[column])
            })
        }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A CSV text cell that no spreadsheet evaluates.
    static func spreadsheetText(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return cell }
        return "'" + cell
    }
}

/// A self-contained HTML page of a report in the look of `PageChrome` (no script): what the terminal shows, as
/// headings, paragraphs, lists and tables; every piece of text is escaped here (`xmlEscaped`).
struct HTMLRenderer {
    /// How table cells show amounts; nil keeps the machine form.
    var money: MoneyFormat? = nil

    func render(_ report: Report) -> String {
        let elements = report.sections.flatMap { $0 }.compactMap(visible)
        var title = "axlicense report"
        for element in elements { if case .title(let text, _) = element { title = text; break } }
        var tables = 0
        let body = elements.map { render($0, tables: &tables) }.joined()
        return PageChrome.page(title: title, headerHTML: "", mainHTML: body, footer: "Generated by axlicense.", script: nil)
    }

    private func visible(_ element: ReportElement) -> ReportElement? {
        switch element {
        case .only(.terminal, let child): visible(child)
        case .only(.markdown, _): nil
        default: element
        }
    }

    private func render(_ element: ReportElement, tables: inout Int) -> String {
        switch element {
        case .title(let text, _): return "<h1>\(xmlEscaped(text))</h1>\n"
        case .heading(let text, let level): return "<h\(min(max(level, 1), 6))>\(inline(text))</h\(min(max(level, 1), 6))>\n"
        case .facts(let facts): return "<ul class=\"facts\">" + facts.map { "<li><strong>\(xmlEscaped($0.label)):</strong> \(xmlEscaped($0.value))</li>" }.joined() + "</ul>\n"
        case .table(let table, _):
            tables += 1
            return HTMLTableRenderer(money: money).render(table, id: "table-\(tables)")
        case .paragraph(let text): return "<p>\(inline(text))</p>\n"
        case .total(let label, let value): return "<p><strong>\(xmlEscaped(label)):</strong> \(xmlEscaped(value))</p>\n"
        case .lines(let texts): return "<p>" + texts.map(xmlEscaped).joined(separator: "<br>") + "</p>\n"
        case .list(let items): return "<ul>" + items.map { "<li>\(inline($0))</li>" }.joined() + "</ul>\n"
        case .notes(let notes): return notes.map { "<p class=\"note\">Note: \(xmlEscaped($0))</p>\n" }.joined()
        case .alert(let text): return "<p class=\"alert\">\(xmlEscaped(text))</p>\n"
        case .details(let summary, let children):
            return "<details><summary>\(xmlEscaped(summary))</summary>\n" + children.compactMap(visible).map { render($0, tables: &tables) }.joined() + "</details>\n"
        case .only(_, let child): return render(child, tables: &tables)
        }
    }

    private func inline(_ text: ReportText) -> String {
        text.shown(nil).spans.map { span in
            switch span {
            case .plain(let text): xmlEscaped(text)
            case .code(let text): "<code>\(xmlEscaped(text))</code>"
            case .strong(let text): "<strong>\(xmlEscaped(text))</strong>"
            case .money: xmlEscaped(span.words)
            }
        }.joined()
    }
}

/// An HTML `<table>` of the HTML pages, styled and scripted by `PageChrome`; every heading and cell is escaped here
/// (`xmlEscaped`). Money is shown with `money` (the machine value kept in `data-sort`); a column whose cells are all
/// license tier names sorts by the tiers' rank (`None` < `TeamMembers` < `Activity` < `Operations`), not alphabetically.
struct HTMLTableRenderer {
    /// How amounts are shown; nil keeps the machine form.
    var money: MoneyFormat? = nil

    /// The table in a section with a heading (its title, else `id`) and an optional note (text) or legend (markup).
    func render(_ table: ReportTable, id: String, note: String? = nil, legendHTML: String = "") -> String {
        var html = #"<section class="table" id="\#(xmlEscaped(id))"><h2>\#(xmlEscaped(table.title ?? id))</h2>"#
        if let note { html += #"<p class="note">\#(xmlEscaped(note))</p>"# }
        html += legendHTML
        html += #"<table class="data" data-table="\#(xmlEscaped(id))"><thead><tr>"#
        let ranked = table.columns.indices.map { column in
            !table.columns[column].kind.isNumeric && !table.rows.isEmpty && table.rows.allSatisfy { LicenseTier(name: table.cell($0, column)) != nil }
        }
        for (index, column) in table.columns.enumerated() {
            let type = column.kind.isNumeric ? #" data-type="number""# : ranked[index] ? #" data-type="rank""# : ""
            html += #"<th scope="col"\#(type)>\#(xmlEscaped(column.header))</th>"#
        }
        html += "</tr></thead><tbody>\n"
        for row in table.rows {
            html += "<tr>"
            for (index, column) in table.columns.enumerated() {
                let cell = table.cell(row, index)
                if column.kind.isNumeric {
                    // The machine number (`1234.50`, `+30.00`) is the sort key; a cell that is not one sorts as 0.
                    let sortable = column.kind == .money ? MoneyFormat.cents(cell) != nil : Double(cell)?.isFinite == true
                    let shown = column.kind == .money ? money?.display(cell) ?? cell : cell
                    html += #"<td class="num"\#(sortable ? #" data-sort="\#(xmlEscaped(cell))""# : "")>\#(xmlEscaped(shown))</td>"#
                } else if ranked[index], let tier = LicenseTier(name: cell) {
                    html += #"<td data-sort="\#(tier.rawValue)">\#(xmlEscaped(cell))</td>"#
                } else {
                    html += "<td>\(xmlEscaped(cell))</td>"
                }
            }
            html += "</tr>\n"
        }
        if table.rows.isEmpty { html += #"<tr><td colspan="\#(table.columns.count)">None.</td></tr>"# + "\n" }
        return html + "</tbody></table></section>\n"
    }
}

extension String {
    func trailingSpacesRemoved() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}

/// Encodes report values as pretty, key-sorted JSON so output is stable across runs and platforms.
package func encodeJSON<Value: Encodable>(_ value: Value) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Report values are plain structs of strings and numbers: encoding cannot fail.
    let data = try! encoder.encode(value)
    return String(decoding: data, as: UTF8.self) + "\n"
}

/// The width of the terminal a report is shown on.
package enum TerminalWidth {
    /// The narrowest width tables are fitted to (a narrower terminal wraps the lines itself).
    package static let minimum = 40

    /// The width of the terminal standard output shows, or nil when standard output is not a terminal (a file, a pipe,
    /// which keep every value in full): `COLUMNS` when set to a number, else the terminal's own size.
    package static func ofStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        if let columns = environment["COLUMNS"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }), columns > 0 {
            return max(columns, minimum)
        }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return max(Int(size.ws_col), minimum)
    }
}
