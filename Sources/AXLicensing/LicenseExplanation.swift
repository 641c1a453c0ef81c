import AXModel
import AXReading

/// What in a privilege demands part of a license.
public enum LicenseDemandSource: Sendable, Hashable {
    /// An entry point whose grant needs a license tier (Docs/licensing-rules.md §2); `rights` are the rights the grant
    /// allows (a grant that demands a tier denies none of them).
    case entryPoint(objectType: String, objectName: String, rights: Set<AccessRight>, access: AccessLevel, license: LicenseTier)
    /// A `LicensingServicePlansPrivilege` row naming the SKU; `isUnique` rows must be held, the others are one of
    /// `alternatives` (every SKU the privilege's rows name).
    case skuMapRow(sku: String, isUnique: Bool, alternatives: [String])
}

/// One chain that demands part of a license: the grant path to a privilege, and what in it makes the demand.
public struct LicenseDemandChain: Sendable, Hashable {
    /// Role > sub-role > duty > privilege: a shortest path from the user's roles (see `GrantPath`).
    public var path: [GrantPathStep]
    /// How many other paths grant the privilege; `GrantPath.furtherPathLimit` means that many or more.
    public var furtherPaths: Int
    /// What in the privilege makes the demand.
    public var source: LicenseDemandSource
}

/// Something a license must provide, and the chains that demand it.
public struct LicenseDemand: Sendable, Hashable {
    /// A license tier (the entry-point license) or one SKU of the chosen license.
    public enum Need: Sendable, Hashable, CustomStringConvertible {
        case tier(LicenseTier)
        case sku(String)

        /// `Operations (entry-point license)` or `Finance (SKU)`.
        public var description: String {
            switch self {
            case .tier(let tier): "\(tier.name) (entry-point license)"
            case .sku(let name): "\(name) (SKU)"
            }
        }
    }

    /// The tier or SKU demanded.
    public var need: Need
    /// The first `LicenseExplanation.chainLimit` chains, in grant-path order: one per privilege and what in it
    /// demands the need, however many paths grant that privilege.
    public var chains: [LicenseDemandChain]
    /// How many chains demand it in all (more than `chains.count` when the list was cut).
    public var totalChains: Int
}

/// A smallest set of privileges whose removal makes the license cheaper, and what that would save: no part of the
/// set saves as much.
public struct LicenseDriver: Sendable, Hashable {
    /// The privileges to remove (every one of them: with any one left the saving is smaller).
    public var privileges: [String]
    /// The license without them.
    public var licenseAfter: LicenseChoice
    /// Monthly saving for this user (or for each user holding only this role).
    public var monthlySaving: Money

    public init(privileges: [String], licenseAfter: LicenseChoice, monthlySaving: Money) {
        self.privileges = privileges
        self.licenseAfter = licenseAfter
        self.monthlySaving = monthlySaving
    }
}

/// The answer to "why does this user or role need this license?" (`axlicense explain`).
public struct LicenseExplanation: Sendable {
    /// Who is explained: `user` or `role`, and the name as given in the users file or metadata.
    public var subjectType: String
    /// The user id or role name as defined.
    public var subject: String
    /// The enabled roles the metadata defines (the role itself for a role).
    public var roles: [String]
    /// Why the license is what it is when roles do not decide it (disabled user, System administrator, no roles).
    public var basis: UserLicenseBasis
    /// The highest entry-point license over the privileges (at least Team Members for a licensed holder).
    public var entryPointLicense: LicenseTier
    /// The cheapest valid license (the same as `estimate` gives).
    public var license: LicenseChoice
    /// The entry-point tier, then each SKU of the license, with the chains that demand it.
    public var demands: [LicenseDemand]
    /// Smallest privilege sets whose removal makes the license cheaper (no part of a set saves as much), largest
    /// saving first.
    public var drivers: [LicenseDriver]
    /// True when every combination of privilege groups was tried; false when the search stopped at
    /// `LicenseExplanation.boundedDriverSize` groups (more than `exhaustiveGroupLimit` groups).
    public var driversAreExhaustive: Bool

    /// Chains listed per demand; the total is still counted.
    public static let chainLimit = 50
    /// Up to this many distinct privilege contributions, every combination is tried (2^12 optimisations at most).
    public static let exhaustiveGroupLimit = 12
    /// Above that, drivers of at most this many contributions are searched.
    public static let boundedDriverSize = 2
    /// Above `exhaustiveGroupLimit` groups, each phase of the driver search (the combinations of up to
    /// `boundedDriverSize` groups, then the shrinking of the groups behind each part of the license) runs at most this
    /// many license optimisations; what a phase has not tried by then is left out (the drivers are not exhaustive
    /// anyway). Without it the pairs alone grow with the square of the groups: 56 groups took 35 s in a debug build.
    public static let boundedEvaluationLimit = 50
}

extension LicensingEngine {
    /// Explains the license of a user of `directory`, with the same rules as the estimator.
    public func explain(user userId: String, in directory: UserDirectory, options: EstimateOptions = EstimateOptions()) throws(LookupError) -> LicenseExplanation {
        let user = try directory.user(withID: userId)
        let row = estimate(UserDirectory(users: [user]), options: options).users[0]
        return explain(subjectType: "user", subject: user.userId, roles: row.roleIndices, basis: row.basis, license: row.license)
    }

    /// Explains what a user holding only `roleName` needs.
    public func explain(role roleName: String) throws(LookupError) -> LicenseExplanation {
        let role = try graph.index(of: .role, named: roleName)
        let license = optimizer.cheapestLicense(for: roleRequirements[role])
        return explain(subjectType: "role", subject: graph.roles[role].name, roles: [role], basis: .roles, license: license)
    }

    private func explain(subjectType: String, subject: String, roles: [Int], basis: UserLicenseBasis, license: LicenseChoice) -> LicenseExplanation {
        let roleNames = roles.map { graph.roles[$0].name }
        guard basis == .roles else {
            return LicenseExplanation(subjectType: subjectType, subject: subject, roles: roleNames, basis: basis, entryPointLicense: .none,
                                      license: license, demands: [], drivers: [], driversAreExhaustive: true)
        }
        let grants = graph.grantPaths(fromRoles: roles)
        let privileges = grants.map(\.privilege).sorted()
        let requirements = requirements(ofPrivileges: privileges)
        let tier = max(requirements.entryPointTier, .teamMembers)

        var demands: [LicenseDemand] = []
        // The tier: every grant whose entry point needs the highest tier the license must cover.
        var tierChains: [LicenseDemandChain] = []
        for grant in grants where privilegeEntryPointTiers[grant.privilege] == requirements.entryPointTier {
            for (index, entryPoint) in graph.privileges[grant.privilege].entryPoints.enumerated() {
                let entry = entryPointLicense(privilege: grant.privilege, entryPoint: index)
                guard entry.isKnown, entry.tier == requirements.entryPointTier, entry.tier != .none else { continue }
                tierChains.append(LicenseDemandChain(path: grant.path, furtherPaths: grant.furtherPaths, source: .entryPoint(
                    objectType: entryPoint.objectType.description, objectName: entryPoint.objectName,
                    rights: Set(entryPoint.grant.allowedRights), access: entry.access, license: entry.tier)))
            }
        }
        demands.append(Self.demand(.tier(tier), tierChains))
        // Each SKU of the license: the SKU-map rows that name it.
        // Any base SKU names no SKU, so no SKU-map row demands it.
        for position in [license.base?.sku?.position].compactMap({ $0 }) + license.attach.map(\.position) {
            var chains: [LicenseDemandChain] = []
            for grant in grants {
                guard let sku = privilegeSkuRequirements[grant.privilege], sku.anyOf.contains(position) else { continue }
                chains.append(LicenseDemandChain(path: grant.path, furtherPaths: grant.furtherPaths, source: .skuMapRow(
                    sku: catalog[position].name, isUnique: sku.required.contains(position), alternatives: catalog.names(sku.anyOf))))
            }
            if !chains.isEmpty { demands.append(Self.demand(.sku(catalog[position].name), chains)) }
        }
        let (drivers, exhaustive, _) = licenseDrivers(privileges: privileges, license: license)
        return LicenseExplanation(subjectType: subjectType, subject: subject, roles: roleNames, basis: basis, entryPointLicense: tier,
                                  license: license, demands: demands, drivers: drivers, driversAreExhaustive: exhaustive)
    }

    private static func demand(_ need: LicenseDemand.Need, _ chains: [LicenseDemandChain]) -> LicenseDemand {
        LicenseDemand(need: need, chains: Array(chains.prefix(LicenseExplanation.chainLimit)), totalChains: chains.count)
    }

    /// The smallest privilege sets whose removal makes `license` cheaper: sets no part of which saves as much.
    ///
    /// The license depends only on which distinct contributions (entry-point tier, SKU-map requirement) are
    /// present, so privileges are grouped by contribution: removing part of a group changes nothing, and every
    /// smallest set is a union of whole groups. Groups that cannot matter (Team Members or less, no SKU row) are
    /// left out; combinations of the rest are tried smallest first, and one is kept when it saves money and holds no
    /// kept combination saving as much (checking kept ones suffices: removing more never costs more). Above
    /// `exhaustiveGroupLimit` groups, combinations of up to `boundedDriverSize` groups are tried, and then, for the
    /// tier and each SKU of the license, the groups that demand it, shrunk one group at a time twice: keeping the
    /// whole saving, and keeping any saving; each of those two phases runs at most `boundedEvaluationLimit`
    /// optimisations. Returns how many optimisations ran.
    func licenseDrivers(privileges: [Int], license: LicenseChoice) -> (drivers: [LicenseDriver], exhaustive: Bool, evaluations: Int) {
        struct Contribution: Hashable { var tier: LicenseTier; var sku: SkuRequirement? }
        var grouped: [Contribution: [Int]] = [:]
        for privilege in privileges {
            let contribution = Contribution(tier: privilegeEntryPointTiers[privilege], sku: privilegeSkuRequirements[privilege])
            guard contribution.tier > .teamMembers || contribution.sku != nil else { continue }
            grouped[contribution, default: []].append(privilege)
        }
        // Stable order: by the first privilege's name.
        let groups = grouped.map { (contribution: $0.key, privileges: $0.value.sorted { graph.privileges[$0].name < graph.privileges[$1].name }) }
            .sorted { graph.privileges[$0.privileges[0]].name < graph.privileges[$1.privileges[0]].name }
        let exhaustive = groups.count <= LicenseExplanation.exhaustiveGroupLimit
        var cache: [LicenseRequirements: LicenseChoice] = [:]
        var evaluations = 0
        // Optimisations the current phase may reach (unbounded when the search is exhaustive).
        var budget = exhaustive ? Int.max : LicenseExplanation.boundedEvaluationLimit
        /// The license left after removing these groups, when it is cheaper (nil, too, once the budget is spent).
        func cheaper(removing chosen: [Int]) -> LicenseChoice? {
            let removed = Set(chosen.flatMap { groups[$0].privileges })
            let after = requirements(ofPrivileges: privileges.filter { !removed.contains($0) })
            let choice: LicenseChoice
            if let known = cache[after] {
                choice = known
            } else {
                guard evaluations < budget else { return nil }
                evaluations += 1
                choice = optimizer.cheapestLicense(for: after)
            }
            cache[after] = choice
            return choice.monthlyCost < license.monthlyCost ? choice : nil
        }
        func saving(removing chosen: [Int]) -> Money { cheaper(removing: chosen).map { license.monthlyCost - $0.monthlyCost } ?? .zero }
        var found: [(groups: Set<Int>, driver: LicenseDriver)] = []
        func keep(_ chosen: [Int]) {
            guard let choice = cheaper(removing: chosen) else { return }
            let set = Set(chosen), saved = license.monthlyCost - choice.monthlyCost
            guard !found.contains(where: { $0.groups.isSubset(of: set) && $0.driver.monthlySaving >= saved }) else { return }
            let names = chosen.flatMap { groups[$0].privileges }.map { graph.privileges[$0].name }.sorted()
            found.append((set, LicenseDriver(privileges: names, licenseAfter: choice, monthlySaving: saved)))
        }
        func combinations(size: Int, from start: Int, chosen: [Int]) {
            guard evaluations < budget else { return }
            if chosen.count == size { keep(chosen); return }
            guard start < groups.count else { return }
            for next in start..<groups.count { combinations(size: size, from: next + 1, chosen: chosen + [next]) }
        }
        let maxSize = exhaustive ? groups.count : LicenseExplanation.boundedDriverSize
        if maxSize > 0 { for size in 1...maxSize { combinations(size: size, from: 0, chosen: []) } }
        if !exhaustive {
            budget = evaluations + LicenseExplanation.boundedEvaluationLimit
            let top = groups.map(\.contribution.tier).max() ?? .none
            var targets = [groups.indices.filter { groups[$0].contribution.tier == top }]
            for position in [license.base?.sku?.position].compactMap({ $0 }) + license.attach.map(\.position) {
                targets.append(groups.indices.filter { groups[$0].contribution.sku?.anyOf.contains(position) == true })
            }
            for target in targets where !target.isEmpty {
                let whole = saving(removing: target)
                guard whole > .zero else { continue }
                // Removing more never costs more, so one pass leaves a set none of whose groups can be spared
                // without saving less than `floor`.
                for floor in [whole, Money(cents: 1)] {
                    var kept = target
                    for group in target where kept.count > 1 {
                        let smaller = kept.filter { $0 != group }
                        if saving(removing: smaller) >= floor { kept = smaller }
                    }
                    keep(kept)
                }
            }
        }
        let drivers = found.map(\.driver).sorted {
            ($0.monthlySaving, -$0.privileges.count) != ($1.monthlySaving, -$1.privileges.count)
                ? ($0.monthlySaving, -$0.privileges.count) > ($1.monthlySaving, -$1.privileges.count)
                : $0.privileges.lexicographicallyPrecedes($1.privileges)
        }
        return (drivers, exhaustive, evaluations)
    }
}
