import AXModel
import AXReading

/// The migration view (Docs/licensing-rules.md §7, "Both methods side by side"): for users or roles, the license
/// under the per-object method beside the one under the legacy method, and who changes by how much.
public struct MethodComparison: Sendable, Hashable {
    /// One user's or role's license under both methods.
    public struct Row: Sendable, Hashable {
        /// The user id or role name.
        public var name: String
        /// The license under the method the output shows.
        public var primary: LicenseChoice
        /// The license under the other method.
        public var other: LicenseChoice

        /// Primary cost minus the other's: what moving from the other method to the primary one changes.
        public var costChange: Money { primary.monthlyCost - other.monthlyCost }

        /// How the license moves, by cost and then by tier.
        public var direction: Direction {
            if primary.monthlyCost != other.monthlyCost { return primary.monthlyCost > other.monthlyCost ? .higher : .lower }
            if primary.tier != other.tier { return primary.tier > other.tier ? .higher : .lower }
            return primary.summary == other.summary ? .same : .different
        }
    }

    /// How a license moves between the methods.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// Costs more (or needs a higher tier) under the primary method.
        case higher
        /// Costs less (or needs a lower tier).
        case lower
        /// Another license of the same cost and tier.
        case different
        /// The same license.
        case same
    }

    /// The method whose licenses `Row.primary` holds, and the other.
    public var primary: MethodUse.Method
    public var other: MethodUse.Method
    public var rows: [Row]

    public init(primary: MethodUse.Method, other: MethodUse.Method, rows: [Row]) {
        self.primary = primary
        self.other = other
        self.rows = rows
    }

    /// Rows moving each way.
    public func count(_ direction: Direction) -> Int { rows.reduce(0) { $0 + ($1.direction == direction ? 1 : 0) } }
    /// Total monthly cost under the primary method.
    public var primaryCost: Money { rows.reduce(.zero) { $0 + $1.primary.monthlyCost } }
    /// Total monthly cost under the other method.
    public var otherCost: Money { rows.reduce(.zero) { $0 + $1.other.monthlyCost } }

    /// Users under both methods; both estimates come from the same users file, so their rows align.
    public init(users primary: LicenseEstimate, _ other: LicenseEstimate, methods: (primary: MethodUse.Method, other: MethodUse.Method)) {
        precondition(primary.users.count == other.users.count, "both estimates read the same users")
        self.init(primary: methods.primary, other: methods.other, rows: zip(primary.users, other.users).map {
            Row(name: $0.user.userId, primary: $0.license, other: $1.license)
        })
    }

    /// Roles under both methods; both engines resolve the same graph, so their rows align.
    public init(roles primary: [RoleLicense], _ other: [RoleLicense], methods: (primary: MethodUse.Method, other: MethodUse.Method)) {
        precondition(primary.count == other.count, "both engines resolve the same graph")
        self.init(primary: methods.primary, other: methods.other, rows: zip(primary, other).map {
            Row(name: $0.role.name, primary: $0.license, other: $1.license)
        })
    }
}

extension LoadedWorkspace {
    /// The migration view of `estimate` (made by `engine`) against the comparison engine, nil unless `both` was asked.
    public func comparison(ofUsers estimate: LicenseEstimate, options: EstimateOptions) -> MethodComparison? {
        guard let comparison, let other = method.comparison, let users else { return nil }
        return MethodComparison(users: estimate, comparison.estimate(users, options: options), methods: (method.primary, other))
    }

    /// The migration view of the roles, nil unless `both` was asked.
    public func comparison(ofRoles roles: [RoleLicense], options: EstimateOptions = EstimateOptions()) -> MethodComparison? {
        guard let comparison, let other = method.comparison else { return nil }
        return MethodComparison(roles: roles, comparison.roleLicenses(users: users, options: options), methods: (method.primary, other))
    }
}
