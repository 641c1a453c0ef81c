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
        let code = currency.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        self.currency = code
        prefix = Self.symbols[code] ?? (code.isEmpty ? "" : code + " ")
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
    public let prefix: String

    /// `$1,234.50`; a negative amount `-$1,234.50`.
    public func text(_ money: Money) -> String { text(cents: money.cents, sign: money.cents < 0 ? "-" : "") }

    /// A change: `+$30.00`, `-$30.00`, or `$0.00`.
    public func signedText(_ money: Money) -> String { text(cents: money.cents, sign: money.cents < 0 ? "-" : money.cents > 0 ? "+" : "") }

    private func text(cents: Int, sign: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(cents: cents.magnitude, sign: sign.utf8, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `sign`, the prefix and the amount with thousands separators: the one place amounts are spelled.
    private func append(cents: UInt, sign: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: sign)
        bytes.append(contentsOf: prefix.utf8)
        var units = cents / 100
        var digits: [UInt8] = []
        repeat {
            if digits.count % 4 == 3 { digits.append(UInt8(ascii: ",")) }
            digits.append(UInt8(ascii: "0") + UInt8(units % 10))
            units /= 10
        } while units > 0
        bytes.append(contentsOf: digits.reversed())
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(cents % 100 / 10))
        bytes.append(UInt8(ascii: "0") + UInt8(cents % 10))
    }

    /// A money cell as shown: every amount in the machine form the reports hold (`1234.50`, `+30.00`, `-5.00`, both
    /// sides of a change `180.00 → 210.00`, an amount with a note `0.00 (other license)`) formatted; any other text
    /// (empty, `n/a`) unchanged. Reports of 100,000 users pass every cost cell through here, so it reads bytes.
    public func display(_ cell: String) -> String {
        var cell = cell
        return cell.withUTF8 { bytes in
            var shown: [UInt8] = []
            shown.reserveCapacity(bytes.count + 8)
            // " → " separates the two sides of a change; each side is shown on its own.
            let arrow: [UInt8] = [0x20, 0xE2, 0x86, 0x92, 0x20]
            var start = 0, index = 0
            while index + arrow.count <= bytes.count {
                if bytes[index] == 0x20, bytes[index + 1] == 0xE2, bytes[index + 2] == 0x86, bytes[index + 3] == 0x92, bytes[index + 4] == 0x20 {
                    appendShown(UnsafeBufferPointer(rebasing: bytes[start..<index]), to: &shown)
                    shown.append(contentsOf: arrow)
                    index += arrow.count
                    start = index
                } else {
                    index += 1
                }
            }
            appendShown(UnsafeBufferPointer(rebasing: bytes[start...]), to: &shown)
            return String(decoding: shown, as: UTF8.self)
        }
    }

    /// One side of a cell: an amount, an amount followed by ` (note)`, or other text copied as is.
    private func appendShown(_ part: UnsafeBufferPointer<UInt8>, to shown: inout [UInt8]) {
        if let amount = Self.cents(part) {
            append(cents: amount.cents, sign: amount.sign, to: &shown)
            return
        }
        // `0.00 (other license)`: the amount ends at the first " (" and the part ends with ")".
        if part.last == UInt8(ascii: ")"), let note = part.indices.first(where: { $0 + 1 < part.count && part[$0] == 0x20 && part[$0 + 1] == UInt8(ascii: "(") }),
           let amount = Self.cents(UnsafeBufferPointer(rebasing: part[..<note])) {
            append(cents: amount.cents, sign: amount.sign, to: &shown)
            shown.append(contentsOf: part[note...])
            return
        }
        shown.append(contentsOf: part)
    }

    /// The cents and written sign of an amount in the machine form (`-1234.50`: 123450 and `-`), nil for other text.
    static func cents(_ cell: String) -> (cents: Int, sign: String)? {
        var cell = cell
        return cell.withUTF8 { bytes in cents(bytes).map { (Int($0.cents), String(decoding: $0.sign, as: UTF8.self)) } }
    }

    /// `cents(_:)` over bytes: an optional `+`/`-`, 1–16 ASCII digits, `.`, exactly two ASCII digits. The sign of
    /// zero is dropped (`-0.00` is `0.00`).
    private static func cents(_ bytes: UnsafeBufferPointer<UInt8>) -> (cents: UInt, sign: [UInt8])? {
        var index = 0
        var sign: [UInt8] = []
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = [first]
            index = 1
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        var units: UInt = 0, unitDigits = 0
        while index < bytes.count, isDigit(bytes[index]) {
            units = units * 10 + UInt(bytes[index] - UInt8(ascii: "0"))
            unitDigits += 1
            index += 1
        }
        guard unitDigits > 0, unitDigits <= 16, bytes.count == index + 3, bytes[index] == UInt8(ascii: "."),
              isDigit(bytes[index + 1]), isDigit(bytes[index + 2])
        else { return nil }
        let cents = units * 100 + UInt(bytes[index + 1] - UInt8(ascii: "0")) * 10 + UInt(bytes[index + 2] - UInt8(ascii: "0"))
        return (cents, cents == 0 ? [] : sign)
    }

    /// The Excel number format of amounts: the prefix as literal text, thousands separators, two decimals, negatives
    /// with a minus (`"$"#,##0.00`). A prefix Excel could misread (quotes, backslashes) falls back to the code's letters.
    var excelNumberFormat: String {
        let literal = prefix.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline }
        return (literal.isEmpty ? "" : "\"\(literal)\"") + "#,##0.00"
    }
}
