import AXLicensing

/// How an amount of money is shown to a person: the catalog's currency as its symbol and the amount with thousands
/// separators (`$1,234.50`, `-€30.00`, `+£5.00`); a currency without a known symbol is written as its code
/// (`CHF 1,234.50`). The one formatter of the terminal table, markdown, HTML and workbook; CSV and JSON keep the plain
/// machine number (`1234.50`) so that programs read them without parsing a locale.
///
/// Report tables hold money cells in that machine form; the renderers pass the cells of `.money` columns through
/// `display(_:)`. The grouping and decimal separators are fixed (`,` and `.`), not the reader's locale, so the same
/// report gives the same bytes everywhere.
public struct MoneyFormat: Sendable, Hashable {
    /// The currency as the catalog names it (`USD`), upper-cased.
    public let currency: String

    /// The format for the catalog currency `currency` (an ISO 4217 code such as `USD`; case and spaces ignored).
    public init(currency: String) {
        self.currency = currency.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
    }

    /// The format of a catalog's prices.
    public init(_ catalog: SkuCatalog) { self.init(currency: catalog.currency) }

    /// The symbols of common currencies, written before the amount. Others are written as their code and a space.
    private static let symbols: [String: String] = [
        "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "INR": "₹", "KRW": "₩", "AUD": "A$", "CAD": "CA$",
        "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "MXN": "MX$", "BRL": "R$", "ILS": "₪", "TWD": "NT$", "PHP": "₱", "VND": "₫",
    ]

    /// What is written before every amount: the symbol (`$`), or the code and a space (`CHF `); nothing when the
    /// catalog names no currency.
    public var prefix: String {
        if let symbol = Self.symbols[currency] { return symbol }
        return currency.isEmpty ? "" : currency + " "
    }

    /// `$1,234.50`; a negative amount `-$1,234.50`.
    public func text(_ money: Money) -> String { text(cents: money.cents, sign: money.cents < 0 ? "-" : "") }

    /// A change: `+$30.00`, `-$30.00`, or `$0.00`.
    public func signedText(_ money: Money) -> String { text(cents: money.cents, sign: money.cents < 0 ? "-" : money.cents > 0 ? "+" : "") }

    private func text(cents: Int, sign: String) -> String {
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        var units = String(magnitude / 100)
        var grouped = ""
        while units.count > 3 {
            grouped = "," + units.suffix(3) + grouped
            units.removeLast(3)
        }
        return sign + prefix + units + grouped + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// A money cell as shown: every amount in the machine form the reports hold (`1234.50`, `+30.00`, `-5.00`, both
    /// sides of a change `180.00 → 210.00`, an amount with a note `0.00 (other license)`) formatted; any other text
    /// (empty, `n/a`) unchanged.
    public func display(_ cell: String) -> String {
        let arrow = " → "
        if cell.contains(arrow) { return cell.components(separatedBy: arrow).map(display).joined(separator: arrow) }
        if let amount = Self.cents(cell) { return text(cents: amount.cents, sign: amount.sign) }
        if cell.hasSuffix(")"), let note = cell.range(of: " ("), let amount = Self.cents(String(cell[..<note.lowerBound])) {
            return text(cents: amount.cents, sign: amount.sign) + cell[note.lowerBound...]
        }
        return cell
    }

    /// The cents and written sign of an amount in the machine form (`-1234.50`: 123450 and `-`), nil for other text.
    static func cents(_ cell: String) -> (cents: Int, sign: String)? {
        var digits = Substring(cell)
        var sign = ""
        if let first = digits.first, first == "+" || first == "-" {
            sign = String(first)
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, !parts[0].isEmpty, parts[0].count <= 16,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let units = Int(parts[0]), let fraction = Int(parts[1])
        else { return nil }
        let cents = units * 100 + fraction
        return (cents, cents == 0 ? "" : sign)
    }

    /// The Excel number format of amounts: the prefix as literal text, thousands separators, two decimals, negatives
    /// with a minus (`"$"#,##0.00`). A prefix Excel could misread (quotes, backslashes) falls back to the code's letters.
    var excelNumberFormat: String {
        let literal = prefix.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline }
        return (literal.isEmpty ? "" : "\"\(literal)\"") + "#,##0.00"
    }
}
