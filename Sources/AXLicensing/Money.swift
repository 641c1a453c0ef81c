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

    public static let zero = Money(cents: 0)
    public static func + (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents + rhs.cents) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(cents: lhs.cents - rhs.cents) }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }
    /// The amount times a count.
    public static func * (lhs: Money, rhs: Int) -> Money { Money(cents: lhs.cents * rhs) }

    /// `1234.50`: two decimals, no grouping, the form every output format uses.
    public var description: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = abs(cents)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Encoded as a JSON number in currency units (`180`, `8.5`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if cents % 100 == 0 {
            try container.encode(cents / 100)
        } else {
            try container.encode(Double(cents) / 100)
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
