import AXModel
import AXReading

/// Options of the User License Estimator.
public struct EstimateOptions: Sendable, Hashable {
    /// Count System administrator users like any other (the rule before 10.0.44); by default they need no license.
    public var sysadminCounts: Bool

    public init(sysadminCounts: Bool = false) { self.sysadminCounts = sysadminCounts }

    /// The System administrator role's AOT name.
    public static let systemAdministratorRole = "-SYSADMIN-"

    /// Whether holding `role` exempts a user from needing any license under these options (10.0.44 rule).
    public func exempts(role name: String) -> Bool {
        !sysadminCounts && LicensingEngine.mayBeSystemAdministrator(name) && NameKey(name) == NameKey(Self.systemAdministratorRole)
    }
}

/// Why a user's license is what it is, when it is not decided by their roles.
public enum UserLicenseBasis: String, Sendable, Hashable, Codable {
    /// Decided by the privileges of the user's enabled roles.
    case roles
    /// The user is disabled.
    case disabledUser
    /// The user holds no enabled assignment to a role the metadata defines.
    case noEnabledRoles
    /// The user holds System administrator (10.0.44 rule).
    case systemAdministrator
}

/// One row of the User License Estimator.
public struct UserLicense: Sendable, Hashable {
    public var user: SecurityUser
    /// Enabled role assignments, with the defining file's spelling for roles the metadata defines.
    public var roles: [String]
    /// The entry-point license (Docs/licensing-rules.md §2), None when the user needs none.
    public var entryPointLicense: LicenseTier
    /// The cheapest valid license (Docs/licensing-rules.md §3).
    public var license: LicenseChoice
    public var basis: UserLicenseBasis
    /// Positions in `SecurityGraph.roles` of the enabled roles the metadata defines.
    public var roleIndices: [Int]
    /// What the user's roles require; nil when the user needs no license at all.
    public var requirements: LicenseRequirements?
}

/// Licenses per SKU as base and as attach.
public struct SkuCount: Sendable, Hashable, Codable {
    public var base: Int
    public var attach: Int

    public init(base: Int = 0, attach: Int = 0) {
        self.base = base
        self.attach = attach
    }
}

/// The User License Estimator's totals.
public struct EstimateSummary: Sendable, Hashable {
    /// Users per license tier; every tier is present.
    public var tiers: [LicenseTier: Int]
    /// Licenses per SKU name (plus `Operations` for any-base licenses), in catalog order.
    public var skus: [(name: String, count: SkuCount)]
    /// Total monthly cost.
    public var monthlyCost: Money

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.tiers == rhs.tiers && lhs.monthlyCost == rhs.monthlyCost && lhs.skus.map(\.name) == rhs.skus.map(\.name) && lhs.skus.map(\.count) == rhs.skus.map(\.count)
    }
    public func hash(into hasher: inout Hasher) { hasher.combine(monthlyCost) }
}

/// The User License Estimator result: per user, totals, and every diagnostic of the run.
public struct LicenseEstimate: Sendable {
    public var users: [UserLicense]
    public var summary: EstimateSummary
    /// Diagnostics of the metadata, SKU map, users and this evaluation, sorted.
    public var diagnostics: [Diagnostic]
}

/// One row of `axlicense roles`.
public struct RoleLicense: Sendable {
    public var role: SecurityRole
    public var requirements: LicenseRequirements
    /// The highest entry-point license over the role's privileges (no Team Members floor).
    public var entryPointLicense: LicenseTier
    /// What a user holding only this role needs: None for System administrator under the 10.0.44 rule (`basis`).
    public var license: LicenseChoice
    /// `.roles` when the license follows from the role's privileges; `.systemAdministrator` when holding the role
    /// exempts its users from any license (10.0.44 rule), whatever its privileges require.
    public var basis: UserLicenseBasis = .roles
    /// Enabled users with an enabled assignment to the role; nil when no users were given.
    public var usersAssigned: Int?
    /// How many objects the role grants that are not in Microsoft's data (each needs Team Members); nil unless the
    /// method is the per-object one.
    public var objectsNotInMicrosoftData: Int? = nil
}

extension LicensingEngine {
    /// Licenses every user (Docs/licensing-rules.md §2–§4), optimising once per distinct requirement signature.
    public func estimate(_ directory: UserDirectory, options: EstimateOptions = EstimateOptions()) -> LicenseEstimate {
        estimate(directory, options: options) { graph.roles(of: directory.users[$0]) }
    }

    /// Licenses every user of `directory`, whose roles `resolvedRoles` gives by position in `directory.users`: a
    /// caller that has resolved them already (what-if's holders) does not resolve them again.
    func estimate(_ directory: UserDirectory, options: EstimateOptions, resolvedRoles: (Int) -> UserRoles) -> LicenseEstimate {
        var diagnostics = DiagnosticLog(DiagnosticLog.merged(graph.diagnostics, catalog.diagnostics, method.diagnostics, directory.diagnostics))
        var cache: [LicenseRequirements: LicenseChoice] = [:]
        var byRoles: [[Int]: (LicenseRequirements, LicenseChoice)] = [:]
        var reportedUnknown: Set<[NameKey]> = []
        let systemAdministrator = NameKey(EstimateOptions.systemAdministratorRole)
        var rows: [UserLicense] = []
        rows.reserveCapacity(directory.users.count)
        for (index, user) in directory.users.enumerated() {
            let resolved = resolvedRoles(index)
            let (roles, roleNames) = (resolved.roles, resolved.names)
            let isSysAdmin = user.assignments.contains { $0.isEnabled && Self.mayBeSystemAdministrator($0.roleIdentifier) && NameKey($0.roleIdentifier) == systemAdministrator }
            for assignment in resolved.unknown where user.isEnabled {
                if reportedUnknown.insert([NameKey(user.userId), NameKey(assignment.roleIdentifier)]).inserted {
                    diagnostics.append(Diagnostic(.warning, .unknownRole, "user '\(user.userId)' is assigned role '\(assignment.roleIdentifier)', which the metadata does not define; it contributes nothing", at: assignment.location))
                }
            }
            func row(_ tier: LicenseTier, _ license: LicenseChoice, _ basis: UserLicenseBasis, _ requirements: LicenseRequirements? = nil) -> UserLicense {
                UserLicense(user: user, roles: roleNames, entryPointLicense: tier, license: license, basis: basis, roleIndices: roles, requirements: requirements)
            }
            if !user.isEnabled {
                rows.append(row(.none, .none, .disabledUser))
            } else if isSysAdmin && !options.sysadminCounts {
                rows.append(row(.none, .none, .systemAdministrator))
            } else if roles.isEmpty {
                rows.append(row(.none, .none, .noEnabledRoles))
            } else {
                // Users with the same roles share one merge and one lookup; users with the same requirements share one
                // optimisation.
                let requirements: LicenseRequirements, license: LicenseChoice
                if let known = byRoles[roles] {
                    (requirements, license) = known
                } else {
                    requirements = roles.dropFirst().reduce(roleRequirements[roles[0]]) { $0.merged(with: roleRequirements[$1]) }
                    if let known = cache[requirements] {
                        license = known
                    } else {
                        license = optimizer.cheapestLicense(for: requirements)
                        cache[requirements] = license
                    }
                    byRoles[roles] = (requirements, license)
                }
                if license.exceedsCatalog {
                    diagnostics.append(Diagnostic(.warning, .licenseExceedsCatalog, "user '\(user.userId)' needs \(license.summary), which no single license in the SKU catalog can hold (an SKU that cannot be attached); priced with extra base licenses", at: user.location))
                }
                rows.append(row(max(requirements.entryPointTier, .teamMembers), license, .roles, requirements))
            }
        }
        return LicenseEstimate(users: rows, summary: summarize(rows), diagnostics: diagnostics.diagnostics)
    }

    /// False for a role identifier that cannot name `-SYSADMIN-` (an ASCII name of another length), without making its
    /// key: most users hold several roles, none of them System administrator.
    static func mayBeSystemAdministrator(_ identifier: String) -> Bool {
        let utf8 = identifier.utf8
        return utf8.count == EstimateOptions.systemAdministratorRole.utf8.count || utf8.contains { $0 >= 0x80 }
    }

    private func summarize(_ rows: [UserLicense]) -> EstimateSummary {
        var tiers = Dictionary(uniqueKeysWithValues: LicenseTier.allCases.map { ($0, 0) })
        var counts: [String: SkuCount] = [:]
        var cost = Money.zero
        // By index: iterating would copy every row (its user and role names) to read its license.
        for index in rows.indices {
            let license = rows[index].license
            tiers[license.tier, default: 0] += 1
            cost += license.monthlyCost
            if let base = license.base { counts[base.name, default: SkuCount()].base += 1 }
            for attach in license.attach { counts[attach.name, default: SkuCount()].attach += 1 }
        }
        var ordered: [(name: String, count: SkuCount)] = []
        let names = catalog.skus.filter { $0.tier == .operations }.map(\.name) + [LicenseBase.anyBase.name] + catalog.skus.filter { $0.tier != .operations }.map(\.name)
        for name in names { ordered.append((name, counts[name] ?? SkuCount())) }
        return EstimateSummary(tiers: tiers, skus: ordered, monthlyCost: cost)
    }

    /// One row per role: requirements, entry-point license, cheapest license, and assigned users when `directory` is given.
    /// System administrator needs no license unless `options` count its users (10.0.44 rule), as in the estimate.
    public func roleLicenses(users directory: UserDirectory?, options: EstimateOptions = EstimateOptions()) -> [RoleLicense] {
        roleLicenses(assignedRoles: directory.map { directory in directory.users.lazy.filter(\.isEnabled).map { graph.roles(of: $0).roles } }, options: options)
    }

    /// One row per role, with the users assigned counted from `estimate`'s rows: the users' roles were resolved once,
    /// for the estimate, and are not resolved again (`report` shows both).
    public func roleLicenses(estimate: LicenseEstimate, options: EstimateOptions = EstimateOptions()) -> [RoleLicense] {
        roleLicenses(assignedRoles: estimate.users.lazy.filter(\.user.isEnabled).map(\.roleIndices), options: options)
    }

    /// One row per role; `assignedRoles` (nil without users) gives each enabled user's roles, to count the users assigned.
    private func roleLicenses(assignedRoles: (some Sequence<[Int]>)?, options: EstimateOptions) -> [RoleLicense] {
        var assigned = [Int](repeating: 0, count: graph.roles.count)
        if let assignedRoles {
            for roles in assignedRoles {
                for role in roles { assigned[role] += 1 }
            }
        }
        let counted = assignedRoles != nil
        var cache: [LicenseRequirements: LicenseChoice] = [:]
        return graph.roles.indices.map { index in
            let requirements = roleRequirements[index]
            let isExempt = options.exempts(role: graph.roles[index].name)
            let license = isExempt ? .none : cache[requirements] ?? optimizer.cheapestLicense(for: requirements)
            if !isExempt { cache[requirements] = license }
            return RoleLicense(role: graph.roles[index], requirements: requirements, entryPointLicense: requirements.entryPointTier, license: license,
                               basis: isExempt ? .systemAdministrator : .roles, usersAssigned: counted ? assigned[index] : nil,
                               objectsNotInMicrosoftData: objectsNotInMicrosoftData(ofPrivileges: graph.roleEffectivePrivileges[index])?.count)
        }
    }
}
