import AXLicensing
/// What a column holds (see Docs/reports.md). The kind, not the report, decides how a cell is aligned, whether CSV keeps it a number, and
/// what happens when a terminal is too narrow for it: numbers never shrink, names are cut with an ellipsis, and
/// lists, paths and messages wrap onto more lines.
public enum ColumnKind: Sendable, Hashable {
    /// A name or short label (role, user, SKU, object): cut with "…" when too wide.
    case text
    /// A count: right-aligned, a number in CSV, never shortened.
    case number
    /// An amount of money: right-aligned, a number in CSV, never shortened.
    case money
    /// A license tier or a license summary: cut with "…" when too wide.
    case license
    /// A comma-separated list of names (roles, SKUs, privileges): wraps.
    case list
    /// A grant path or a file location: wraps.
    case path
    /// Prose (a cause, a diagnostic message, details): wraps.
    case message
    /// A calendar date (`2026-10-31`): an Excel date in the workbook; cut with "…" when too wide, like text.
    case date

    /// Right-aligned columns (numbers and money) keep their values unshortened and stay numbers in CSV.
    public var isNumeric: Bool { self == .number || self == .money }

    /// Whether a cell too wide for its column continues on the next line (else it is cut with an ellipsis).
    var wraps: Bool { self == .list || self == .path || self == .message }
}

/// How much a column is worth when a terminal is too narrow for all of them: the lowest goes first.
public enum ColumnPriority: Int, Sendable, Hashable, Comparable {
    /// Detail a reader can look up elsewhere (model, label, versions): dropped first.
    case low = 0
    /// Useful, but the row still reads without it.
    case normal = 1
    /// What the row is about and its answer (name, license, cost): never dropped.
    case essential = 2

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One column of a report table: its heading, what it holds, and how much it matters on a narrow terminal.
public struct ReportColumn: Sendable, Hashable {
    /// The heading, also the name `--columns` picks it by (case-insensitively).
    public var header: String
    public var kind: ColumnKind
    public var priority: ColumnPriority

    public init(_ header: String, _ kind: ColumnKind = .text, priority: ColumnPriority = .normal) {
        self.header = header
        self.kind = kind
        self.priority = priority
    }
}

/// A titled grid: the one table model behind the terminal table, CSV, markdown, the HTML report and workbook sheets.
/// Cells are text as shown; the columns say how to lay them out.
public struct ReportTable: Sendable, Hashable {
    /// Shown above the table in table, markdown and HTML output (not in CSV).
    public var title: String?
    public var columns: [ReportColumn]
    public var rows: [[String]]

    public init(title: String? = nil, columns: [ReportColumn], rows: [[String]]) {
        self.title = title
        self.columns = columns
        self.rows = rows
    }

    /// The headings, in order.
    public var header: [String] { columns.map(\.header) }

    /// The cell of `row` in `column` (empty where a row is short).
    func cell(_ row: [String], _ column: Int) -> String { column < row.count ? row[column] : "" }

    /// The table with only the named columns, in the order named (names match headings case-insensitively); nil when
    /// it has none of them.
    func selecting(_ names: [String]) -> ReportTable? {
        let picked = names.compactMap { name in columns.firstIndex { $0.header.lowercased() == name.lowercased() } }
        guard !picked.isEmpty else { return nil }
        return ReportTable(title: title, columns: picked.map { columns[$0] }, rows: rows.map { row in picked.map { cell(row, $0) } })
    }
}

/// Inline text of a report: plain words, code (names shown literally) and emphasis. Terminal output shows the words;
/// markdown marks them up, escaping what the inputs supplied.
public struct ReportText: Sendable, Hashable, ExpressibleByStringLiteral {
    /// One run of inline text.
    public enum Span: Sendable, Hashable {
        case plain(String)
        case code(String)
        case strong(String)
        /// An amount inside a sentence (`(210.00 per month)`): the formats people read show it with the catalog's
        /// currency (`$210.00`) through the one `MoneyFormat`; without one it is the machine form. `signed` writes a
        /// change (`+182.00`); `strong` emphasises it with the strong words around it.
        case money(Money, signed: Bool = false, strong: Bool = false)
    }

    public var spans: [Span]

    public init(_ spans: [Span]) { self.spans = spans }
    public init(_ text: String) { spans = [.plain(text)] }
    public init(stringLiteral value: String) { spans = [.plain(value)] }

    /// The words without markup, amounts in the machine form (`1234.50`, `+30.00`).
    public var plain: String { shown(nil).spans.map(\.words).joined() }

    /// The text with every amount written as `money` shows it (the machine form when nil), as plain or strong words;
    /// neighbouring runs of one kind are joined, so an emphasised sentence holding amounts stays one strong run.
    public func shown(_ money: MoneyFormat?) -> ReportText {
        var result: [Span] = []
        for span in spans {
            var next = span
            if case .money(let amount, let signed, let strong) = span {
                let text = money.map { signed ? $0.signedText(amount) : $0.text(amount) } ?? (signed ? AXReports.signed(amount) : amount.description)
                next = strong ? .strong(text) : .plain(text)
            }
            switch (result.last, next) {
            case (.plain(let left)?, .plain(let right)): result[result.count - 1] = .plain(left + right)
            case (.strong(let left)?, .strong(let right)): result[result.count - 1] = .strong(left + right)
            default: result.append(next)
            }
        }
        return ReportText(result)
    }

    /// The same text emphasised throughout: every plain run and amount strong, code kept as code.
    public var strong: ReportText {
        ReportText(spans.map { span in
            switch span {
            case .plain(let text): .strong(text)
            case .money(let amount, let signed, _): .money(amount, signed: signed, strong: true)
            default: span
            }
        })
    }
}

extension ReportText {
    /// A license with its monthly cost, the way explain and permissions state it: `Finance (210.00 per month)`, then
    /// `more` inside the brackets (`; entry-point license Operations`); the formats people read show `$210.00`.
    static func license(_ summary: String, costing cost: Money, _ more: String = "") -> ReportText {
        ReportText([.plain("\(summary) ("), .money(cost), .plain(" per month\(more))")])
    }
}

extension ReportText.Span {
    /// The span's words (an amount in the machine form).
    var words: String {
        switch self {
        case .plain(let text), .code(let text), .strong(let text): text
        case .money(let amount, let signed, _): signed ? AXReports.signed(amount) : amount.description
        }
    }
}

/// One label and its value in the facts above a report (`License: Operations + Finance (210.00 per month)`).
public struct ReportFact: Sendable, Hashable {
    public var label: String
    /// The value as text, which may hold amounts inside its words (`Finance (210.00 per month)`).
    public var text: ReportText
    /// What the value is: `.money` for an amount, `.text` for anything else.
    public var kind: ColumnKind

    /// The value; an amount (`kind` `.money`) in the machine form (`-30.00`), shown with the currency by the formats
    /// people read.
    public var value: String {
        get { text.plain }
        set { text = ReportText(newValue) }
    }

    public init(_ label: String, _ value: String, kind: ColumnKind = .text) {
        self.label = label
        self.text = ReportText(value)
        self.kind = kind
    }

    /// A fact whose words hold amounts (`ReportText.Span.money`), shown with the currency by the formats people read.
    public init(_ label: String, _ text: ReportText) {
        self.label = label
        self.text = text
        self.kind = .text
    }
}

/// The formats a report element can be limited to, when terminal and markdown readers need different views of the same
/// facts (the diff's causes: a table on a terminal, collapsible lists in a pull request).
public enum ReportAudience: Sendable, Hashable {
    /// The terminal table format.
    case terminal
    /// Markdown.
    case markdown
}

/// One piece of a report: what it says, never how a format draws it.
public indirect enum ReportElement: Sendable, Hashable {
    /// The report's title: `terminal` on a terminal, `markdown` as the page's first-level heading.
    case title(String, markdown: String)
    /// A section heading (markdown level `level`; a plain line on a terminal).
    case heading(ReportText, level: Int)
    /// Label/value lines: aligned on a terminal, a bullet list in markdown.
    case facts([ReportFact])
    /// A table (its title a markdown heading of `headingLevel`).
    case table(ReportTable, headingLevel: Int)
    /// A paragraph.
    case paragraph(ReportText)
    /// A total amount under a table: `Label: value` (the label in bold in markdown); the value in the machine form
    /// (`2808.00`), shown with the currency by the formats people read.
    case total(String, String)
    /// Lines of one paragraph, each on its own line.
    case lines([String])
    /// A bullet list in markdown; one line per item on a terminal.
    case list([ReportText])
    /// Notes about the result: `Note: …` on a terminal, quoted in markdown.
    case notes([String])
    /// A warning that the result is incomplete: quoted in markdown.
    case alert(String)
    /// Content a pull-request reader opens on demand (markdown `<details>`); shown in full on a terminal.
    case details(summary: String, [ReportElement])
    /// An element shown only to one audience.
    case only(ReportAudience, ReportElement)
}

/// A report as a value: what every format renders. Sections are separated by a blank line on a terminal; the
/// `jsonBody` is the stable JSON (documented in the README), and `csvTable` is the one table CSV holds. Each part is
/// made when a renderer asks for it, so JSON of 100,000 users builds no text table and the table format no JSON body.
public struct Report: Sendable {
    private let makeSections: @Sendable () -> [[ReportElement]]
    private let makeCSVTable: @Sendable () -> ReportTable?
    private let makeJSONBody: @Sendable () -> any Encodable & Sendable

    public init(sections: @escaping @autoclosure @Sendable () -> [[ReportElement]], csvTable: @escaping @autoclosure @Sendable () -> ReportTable?,
                jsonBody: @escaping @autoclosure @Sendable () -> any Encodable & Sendable) {
        makeSections = sections
        makeCSVTable = csvTable
        makeJSONBody = jsonBody
    }

    /// What the terminal and markdown formats show, in order.
    public var sections: [[ReportElement]] { makeSections() }
    /// The table `--format csv` writes (CSV holds one table).
    public var csvTable: ReportTable? { makeCSVTable() }
    /// The value `--format json` encodes.
    public var jsonBody: any Encodable & Sendable { makeJSONBody() }

    /// Every table of the report (shown to any audience), in order.
    public var tables: [ReportTable] {
        func collect(_ element: ReportElement) -> [ReportTable] {
            switch element {
            case .table(let table, _): [table]
            case .details(_, let children): children.flatMap(collect)
            case .only(_, let child): collect(child)
            default: []
            }
        }
        return sections.flatMap { $0.flatMap(collect) } + (csvTable.map { [$0] } ?? [])
    }

    /// The column headings `--columns` may name, each once, in order of first appearance.
    public var columnNames: [String] {
        var seen = Set<String>(), names: [String] = []
        for header in tables.flatMap(\.header) where seen.insert(header.lowercased()).inserted { names.append(header) }
        return names
    }

    /// The report with only the named columns in every table; a table with none of them is left out.
    public func selectingColumns(_ names: [String]) throws(ColumnSelectionError) -> Report {
        let valid = columnNames
        let known = Set(valid.map { $0.lowercased() })
        let unknown = names.filter { !known.contains($0.lowercased()) }
        guard unknown.isEmpty, !names.isEmpty else { throw ColumnSelectionError(unknown: unknown, valid: valid) }
        func select(_ element: ReportElement) -> ReportElement? {
            switch element {
            case .table(let table, let level): table.selecting(names).map { .table($0, headingLevel: level) }
            case .details(let summary, let children):
                children.compactMap(select).contains { if case .table = $0 { true } else { false } }
                    ? .details(summary: summary, children.compactMap(select)) : nil
            case .only(let audience, let child): select(child).map { .only(audience, $0) }
            default: element
            }
        }
        func hasTable(_ element: ReportElement) -> Bool {
            switch element {
            case .table: true
            case .details(_, let children): children.contains(where: hasTable)
            case .only(_, let child): hasTable(child)
            default: false
            }
        }
        // A section that showed tables and has none left (its totals, its notes) goes with them.
        let sections = self.sections.compactMap { section -> [ReportElement]? in
            let selected = section.compactMap(select)
            return section.contains(where: hasTable) && !selected.contains(where: hasTable) ? nil : selected
        }
        let csvTable = self.csvTable?.selecting(names)
        let body = makeJSONBody
        return Report(sections: sections, csvTable: csvTable, jsonBody: body())
    }
}

/// `--columns` named a column no table of the report has.
public struct ColumnSelectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The names that match no heading (empty when no name was given).
    public var unknown: [String]
    /// The headings the report has.
    public var valid: [String]

    public var description: String {
        let valid = "; the columns are: " + self.valid.joined(separator: ", ")
        if unknown.isEmpty { return "no column named" + valid }
        return (unknown.count == 1 ? "no column named '\(unknown[0])'" : "no columns named " + unknown.map { "'\($0)'" }.joined(separator: ", ")) + valid
    }
}

/// How a report is rendered beyond its format: the terminal width, the columns picked and how amounts are shown.
public struct RenderOptions: Sendable, Hashable {
    /// The terminal's width in characters; nil writes full values whatever their length (files, pipes).
    public var width: Int?
    /// The columns to show (`--columns`), nil for all.
    public var columns: [String]?
    /// How the table, markdown and HTML formats show amounts (the catalog's currency); nil shows the machine form
    /// (`1234.50`) that CSV and JSON always keep.
    public var money: MoneyFormat?

    public init(width: Int? = nil, columns: [String]? = nil, money: MoneyFormat? = nil) {
        self.width = width
        self.columns = columns
        self.money = money
    }
}

/// A report type that can say what it shows as a `Report` value.
public protocol ReportConvertible: Sendable {
    /// The report as a value.
    var report: Report { get }
}

extension ReportConvertible {
    /// The report in `format`, fitted to `options`.
    public func render(_ format: OutputFormat, options: RenderOptions = RenderOptions()) throws(ColumnSelectionError) -> String {
        try report.render(format, options: options)
    }

    /// The report in `format` with every column and full values (files, pipes, tests).
    public func render(_ format: OutputFormat) -> String {
        report.render(format)
    }
}

extension Report {
    /// The report in `format`, fitted to `options`.
    public func render(_ format: OutputFormat, options: RenderOptions) throws(ColumnSelectionError) -> String {
        var report = try options.columns.map { names throws(ColumnSelectionError) in try selectingColumns(names) } ?? self
        // HTML tables format their own amounts, keeping the machine value to sort by.
        if let money = options.money, format == .table || format == .markdown || format == .html { report = report.displayingMoney(money, tables: format != .html) }
        return report.render(format, width: options.width, money: options.money)
    }

    /// The report as people read it: the cells of `.money` columns, money facts and totals, and the amounts inside
    /// sentences (`ReportText.Span.money`) shown with `money` (`$1,234.50`); CSV and JSON are unchanged (they keep machine numbers).
    func displayingMoney(_ money: MoneyFormat, tables: Bool = true) -> Report {
        let sections = makeSections, csvTable = makeCSVTable, body = makeJSONBody
        return Report(sections: sections().map { $0.map { Self.shown($0, money, tables: tables) } }, csvTable: csvTable(), jsonBody: body())
    }

    private static func shown(_ element: ReportElement, _ money: MoneyFormat, tables: Bool) -> ReportElement {
        switch element {
        case .table(let table, let level): tables ? .table(shown(table, money), headingLevel: level) : element
        case .facts(let facts): .facts(facts.map { $0.kind == .money ? ReportFact($0.label, money.display($0.value), kind: .money) : ReportFact($0.label, $0.text.shown(money)) })
        case .total(let label, let value): .total(label, money.display(value))
        case .heading(let text, let level): .heading(text.shown(money), level: level)
        case .paragraph(let text): .paragraph(text.shown(money))
        case .list(let items): .list(items.map { $0.shown(money) })
        case .details(let summary, let children): .details(summary: summary, children.map { shown($0, money, tables: tables) })
        case .only(let audience, let child): .only(audience, shown(child, money, tables: tables))
        default: element
        }
    }

    private static func shown(_ table: ReportTable, _ money: MoneyFormat) -> ReportTable {
        let columns = table.columns.indices.filter { table.columns[$0].kind == .money }
        guard !columns.isEmpty else { return table }
        var table = table
        for row in table.rows.indices {
            for column in columns where column < table.rows[row].count { table.rows[row][column] = money.display(table.rows[row][column]) }
        }
        return table
    }

    /// The report in `format` with every column and full values.
    public func render(_ format: OutputFormat) -> String { render(format, width: nil, money: nil) }

    func render(_ format: OutputFormat, width: Int?, money: MoneyFormat?) -> String {
        switch format {
        case .table: TerminalRenderer(width: width).render(self)
        case .markdown: MarkdownRenderer().render(self)
        case .html: HTMLRenderer(money: money).render(self)
        case .csv: csvTable.map { CSVRenderer().render($0) } ?? ""
        case .json: encodeJSON(jsonBody)
        }
    }
}

/// The licensing method a report's licenses come from, as JSON writes it: `{"name": "objects", "primary": …,
/// "comparison": …, "defaulted": …, "objectLicenses": …, "note": …}`.
struct MethodJSON: Encodable, Sendable {
    var name: String
    var primary: String
    var comparison: String?
    var defaulted: Bool
    var objectLicenses: String?
    var note: String

    init(_ use: MethodUse) {
        name = use.name
        primary = use.primary.rawValue
        comparison = use.comparison?.rawValue
        defaulted = use.wasDefaulted
        objectLicenses = use.objectLicenses?.path
        note = use.note
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(primary, forKey: .primary)
        try container.encode(comparison, forKey: .comparison)
        try container.encode(defaulted, forKey: .defaulted)
        try container.encode(objectLicenses, forKey: .objectLicenses)
        try container.encode(note, forKey: .note)
    }

    enum CodingKeys: String, CodingKey { case name, primary, comparison, defaulted, objectLicenses, note }
}

/// A report's JSON body with a top-level `method` member beside its own.
private struct MethodTaggedJSON: Encodable, Sendable {
    var body: any Encodable & Sendable
    var method: MethodJSON

    enum CodingKeys: String, CodingKey { case method }

    func encode(to encoder: any Encoder) throws {
        try body.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(method, forKey: .method)
    }
}

extension Report {
    /// The report naming the licensing method its licenses come from: a first line on the terminal, in markdown and
    /// HTML, and a `method` member in JSON (CSV holds one table; the command says it on standard error).
    public func noting(_ method: MethodUse) -> Report {
        // Each part is still made only when a renderer asks for it.
        let base = self
        return Report(sections: [[.lines([method.note])]] + base.sections, csvTable: base.csvTable,
                      jsonBody: MethodTaggedJSON(body: base.jsonBody, method: MethodJSON(method)))
    }
}

/// A report with the method it was computed by named (see `Report.noting`).
public struct MethodNotedReport<Base: ReportConvertible>: ReportConvertible {
    public var base: Base
    public var method: MethodUse

    public init(_ base: Base, method: MethodUse) {
        self.base = base
        self.method = method
    }

    public var report: Report { base.report.noting(method) }
}
