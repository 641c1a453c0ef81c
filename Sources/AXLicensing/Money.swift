import Foundation

/// An amount of money per user per month, held in cents so sums are exact.
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, AdditiveArithmetic {
    /// The amount in hundredths of the currency unit.
    public var cents: Int

    /// Creates an amount from cents.
    public init(cents: Int) { self.cents = cents }

    /// Creates an amount from a decimal number of currency units, rounded to the cent; nil when not finite or negative.
    public init?(units: Double) {
        guard units.isFinite, units >= 0, units < 1e12 else { return nil }
        cents = Int((units * 100).rounded())
    }

    /// The highest price an SKU catalog may hold: 1,000,000.00 per user per month (real prices are in the hundreds).
    ///
    /// Chosen so that no sum axlicense makes can overflow `Int` cents, whatever the input: a user's license holds at
    /// most 64 SKUs (the catalog limit), so costs at most 64 × 10^8 cents; a run has fewer than 2^27 users (the largest CSV
    /// input, 256 MiB = 2^28 bytes, holds rows of at least 3 bytes, `a,b`); every total is then at most
    /// 2^27 × 64 × 10^8 ≈ 8.6 × 10^17 cents, and a difference or sum of differences of two totals at most twice that,
    /// well under `Int.max` ≈ 9.2 × 10^18. `maximumTotal` states the bound; the operators check it is kept.
    public static let maximumPrice = Money(cents: 100_000_000)

    /// The largest total the bound above allows: 2^27 users × 64 SKUs × `maximumPrice`, times 2 for differences.
    public static let maximumTotal = Money(cents: (1 << 27) * 64 * 100_000_000 * 2)

    public static let zero = Money(cents: 0)
    public static func + (lhs: Money, rhs: Money) -> Money { Money(cents: checked(lhs.cents.addingReportingOverflow(rhs.cents))) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(cents: checked(lhs.cents.subtractingReportingOverflow(rhs.cents))) }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }
    /// The amount times a count.
    public static func * (lhs: Money, rhs: Int) -> Money { Money(cents: checked(lhs.cents.multipliedReportingOverflow(by: rhs))) }

    /// The result of money arithmetic. Inputs are bounded (`maximumPrice`, the CSV size limit) so that overflow cannot
    /// happen; reaching it means a bound was removed, which must fail loudly rather than print a wrong amount.
    private static func checked(_ result: (partialValue: Int, overflow: Bool)) -> Int {
        precondition(!result.overflow, "money arithmetic overflowed: an input bound (Money.maximumPrice, InputSizeLimit.csv) no longer holds")
        return result.partialValue
    }

    /// `1234.50`: two decimals, no grouping, the form every output format uses.
    public var description: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = abs(cents)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Encoded as a JSON number in currency units (`180`, `8.5`), exact to the cent at any size (a `Double` would
    /// drop the cents of totals over 2^53 cents).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if cents % 100 == 0 {
            try container.encode(cents / 100)
        } else {
            try container.encode(Decimal(sign: cents < 0 ? .minus : .plus, exponent: -2, significand: Decimal(cents.magnitude)))
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let units = try container.decode(Double.self)
        guard let money = Money(units: units) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(units) is not a price (a non-negative number)")
        }
        self = money
    }
}
