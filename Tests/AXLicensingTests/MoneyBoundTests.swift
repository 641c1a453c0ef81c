import AXLicensing
import AXReading
import Foundation
import Testing

/// The documented money bound: the largest input cannot overflow any sum.
@Suite struct MoneyBoundArithmeticTests {
    /// Most users a run can have (rows of at least 3 bytes in the largest CSV), times 64 SKUs per license at the
    /// highest accepted price, and twice that for a difference of two totals, fits in `Int` cents.
    @Test func largestPossibleTotalAndDifferenceFitInIntCents() {
        let maximumUsers = InputSizeLimit.csv / 3 + 1
        let perUser = Money.maximumPrice.cents.multipliedReportingOverflow(by: 64)
        let total = perUser.partialValue.multipliedReportingOverflow(by: maximumUsers)
        let difference = total.partialValue.multipliedReportingOverflow(by: 2)
        #expect(!perUser.overflow && !total.overflow && !difference.overflow)
        #expect(maximumUsers <= 1 << 27)
        #expect(difference.partialValue <= Money.maximumTotal.cents)
    }

    /// A catalog price over the bound is refused whatever the catalog (base or attach price).
    @Test func catalogRefusesAPriceOverTheBound() throws {
        let over = Money(cents: Money.maximumPrice.cents + 1)
        let skus = [Sku(name: "Ops", displayName: "Ops", tier: .operations, basePrice: Money.maximumPrice, attachPrice: over, priority: 1),
                    Sku(name: "Act", displayName: "Act", tier: .activity, basePrice: .zero, attachPrice: nil, priority: 1),
                    Sku(name: "Team", displayName: "Team", tier: .teamMembers, basePrice: .zero, attachPrice: nil, priority: 1)]
        #expect(throws: InputError.invalid(path: "c.json", line: nil, column: nil,
                                           message: "skus[0].attachPrice: 1000000.01 is over the highest accepted price, 1000000.00 per user per month (Ops)")) {
            try SkuCatalog(skus: skus, source: "c.json")
        }
        var atTheBound = skus
        atTheBound[0].attachPrice = Money.maximumPrice
        #expect(throws: Never.self) { try SkuCatalog(skus: atTheBound, source: "c.json") }
    }

    /// Totals near the bound keep their cents in JSON (a Double would print 8589934592000000).
    @Test func largeAmountsEncodeExactlyToTheCent() throws {
        let encoder = JSONEncoder()
        let amounts = [Money(cents: 858_993_459_200_000_001), Money(cents: -858_993_459_200_000_001), Money(cents: 850), Money(cents: 18_000), Money(cents: -5)]
        #expect(String(decoding: try encoder.encode(amounts), as: UTF8.self) == "[8589934592000000.01,-8589934592000000.01,8.5,180,-0.05]")
    }
}
