import AXLicensing

/// The migration view's parts shared by the estimate and roles reports: the other method's license beside each row,
/// and a summary of who changes (Docs/licensing-rules.md §7, "Both methods side by side").
enum MigrationColumns {
    /// `Legacy license`, `Legacy cost`, `Change`.
    static func columns(other: MethodUse.Method) -> [ReportColumn] {
        let name = other == .legacy ? "Legacy" : "Per-object"
        return [ReportColumn("\(name) license", .list, priority: .essential), ReportColumn("\(name) cost", .money), ReportColumn("Change", .money, priority: .essential)]
    }

    static func cells(_ row: MethodComparison.Row) -> [String] {
        [row.other.summary, row.other.monthlyCost.description, changeText(row)]
    }

    /// `+30.00`, `-150.00`, `0.00`, or `same cost, other license` when the license differs at equal cost.
    static func changeText(_ row: MethodComparison.Row) -> String {
        switch row.direction {
        case .same: "0.00"
        case .different: "0.00 (other license)"
        case .higher, .lower: (row.costChange.cents > 0 ? "+" : "") + row.costChange.description
        }
    }

    /// `Base 1`, `Any base (Base 1)`, or empty.
    static func groupText(_ license: LicenseChoice) -> String { license.anyBaseLabel ?? license.baseGroup ?? "" }

    /// The "what changes" section: counts each way and the totals under both methods.
    static func summary(_ comparison: MethodComparison, of what: String) -> [ReportElement] {
        let primary = comparison.primary == .objects ? "per-object" : "legacy", other = comparison.other == .objects ? "per-object" : "legacy"
        let change = comparison.primaryCost - comparison.otherCost
        return [
            .heading(ReportText("What changes from the \(other) to the \(primary) method (\(what))"), level: 2),
            .facts([
                ReportFact("Higher", "\(comparison.count(.higher))"),
                ReportFact("Lower", "\(comparison.count(.lower))"),
                ReportFact("Other license, same cost", "\(comparison.count(.different))"),
                ReportFact("Unchanged", "\(comparison.count(.same))"),
                ReportFact("Monthly cost, \(other)", comparison.otherCost.description, kind: .money),
                ReportFact("Monthly cost, \(primary)", comparison.primaryCost.description, kind: .money),
                ReportFact("Change", (change.cents > 0 ? "+" : "") + change.description, kind: .money),
            ]),
            .notes(whyTheyDiffer),
        ]
    }
}

/// Why the two methods give different licenses, for a reader of the migration view (Docs/licensing-rules.md §7).
let whyTheyDiffer = [
    "Why licenses differ between the methods: the per-object method ignores menu-item license properties and the SKU map's privilege rows; it licenses service operations, data entities and data entity methods too; each object's Read and Write levels name their own SKUs (Read is at most Team Members in Microsoft's data); and objects not in Microsoft's data count as Team Members. `axlicense explain` names the objects behind a user's or role's license.",
]

/// One row's other-method license in JSON.
struct MigrationJSON: Encodable {
    var method: String
    var licenseTier: String
    var base: String?
    var attach: [String]
    var monthlyCost: Money
    var costChange: Money
    var direction: String

    init(row: MethodComparison.Row, other: MethodUse.Method) {
        method = other.rawValue
        licenseTier = row.other.tier.name
        base = row.other.base?.name
        attach = row.other.attach.map(\.name)
        monthlyCost = row.other.monthlyCost
        costChange = row.costChange
        direction = row.direction.rawValue
    }

    enum CodingKeys: String, CodingKey { case method, licenseTier, base, attach, monthlyCost, costChange, direction }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode(licenseTier, forKey: .licenseTier)
        try c.encode(base, forKey: .base)
        try c.encode(attach, forKey: .attach)
        try c.encode(monthlyCost, forKey: .monthlyCost)
        try c.encode(costChange, forKey: .costChange)
        try c.encode(direction, forKey: .direction)
    }
}

/// The migration summary in JSON.
struct MigrationSummaryJSON: Encodable {
    var primary: String
    var other: String
    var higher: Int
    var lower: Int
    var different: Int
    var same: Int
    var primaryMonthlyCost: Money
    var otherMonthlyCost: Money
    var change: Money

    init(_ comparison: MethodComparison) {
        primary = comparison.primary.rawValue
        other = comparison.other.rawValue
        higher = comparison.count(.higher)
        lower = comparison.count(.lower)
        different = comparison.count(.different)
        same = comparison.count(.same)
        primaryMonthlyCost = comparison.primaryCost
        otherMonthlyCost = comparison.otherCost
        change = comparison.primaryCost - comparison.otherCost
    }
}
