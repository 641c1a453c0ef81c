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
    /// Per-object method: a grant on an object whose entitlement demands the need (Docs/licensing-rules.md §7,
    /// "Explaining a per-object license").
    case object(ObjectGrant)
}

/// One grant on a securable object under the per-object method, as explain names it.
public struct ObjectGrant: Sendable, Hashable {
    /// `MenuItemDisplay`, `ServiceOperation`, `DataEntity`, `DataEntityMethod`, …
    public var objectType: String
    public var objectName: String
    /// The AOT child name (a data entity method's name); empty for most objects.
    public var objectChildName: String
    /// The rights the grant allows.
    public var rights: Set<AccessRight>
    /// The access level, the SKUs that entitle it and whether Microsoft's data lists it.
    public var entitlement: ObjectEntitlement
    /// The entitling SKUs by catalog name, in catalog order (empty when unlicensable).
    public var skus: [String]

    /// `MenuItemDisplay HcmWorkerListPage` or `DataEntityMethod VendVendorV2Entity.runRiskAssessment`.
    public var objectText: String { "\(objectType) \(objectName)" + (objectChildName.isEmpty ? "" : ".\(objectChildName)") }
}

/// Per-object method: an object granted at Write whose Read entitlement is cheaper, and the license if every Write
/// grant on it were Read instead, when that alone makes the license cheaper.
public struct LicenseDowngrade: Sendable, Hashable {
    /// `MenuItemDisplay HcmWorkerListPage`.
    public var object: String
    /// A shortest path to a privilege granting it at Write.
    public var path: [GrantPathStep]
    /// How many other privileges (reached by the subject) grant it at Write.
    public var furtherGrants: Int
    /// Microsoft's License text at Write and at Read (`Dynamics 365 Team Members (not in Microsoft's data)` when Read
    /// is not in the data).
    public var writeLicense: String
    public var readLicense: String
    /// The license with every Write grant on the object at Read.
    public var licenseAfter: LicenseChoice
    /// Monthly saving for this user (or for each user holding only this role).
    public var monthlySaving: Money
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
        /// Per-object method: objects no SKU the catalog knows can entitle (the holder is flagged, at no cost).
        case unlicensable
        /// Legacy method: SKU-map rows whose any-of group lists Activity or Team Members, which any base SKU meets, so
        /// they name no full SKU (Docs/licensing-rules.md §3): shown when the license is `Operations (any base)`.
        case anyBase

        /// `Operations (entry-point license)`, `Finance (SKU)`, `Unlicensable (no known SKU)` or
        /// `Operations (any base) (met by any base SKU)`.
        public var description: String {
            switch self {
            case .tier(let tier): "\(tier.name) (entry-point license)"
            case .sku(let name): "\(name) (SKU)"
            case .unlicensable: "Unlicensable (no known SKU)"
            case .anyBase: "\(LicenseBase.anyBaseName) (met by any base SKU)"
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
    /// The entry-point tier, then each SKU of the license, with the chains that demand it. Per-object method: each
    /// SKU of the license with the object grants that force it, then the unlicensable objects.
    public var demands: [LicenseDemand]
    /// Smallest privilege sets whose removal makes the license cheaper (no part of a set saves as much), largest
    /// saving first.
    public var drivers: [LicenseDriver]
    /// True when every combination of privilege groups was tried; false when the search stopped at
    /// `LicenseExplanation.boundedDriverSize` groups (more than `exhaustiveGroupLimit` groups).
    public var driversAreExhaustive: Bool
    /// Per-object method: the objects the subject reaches that are not in Microsoft's data (each needs Team Members);
    /// nil under the legacy method.
    public var objectsNotInMicrosoftData: [String]? = nil
    /// Per-object method: Write → Read downgrades that alone lower the license, largest saving first; empty under the
    /// legacy method.
    public var downgrades: [LicenseDowngrade] = []

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

    /// Explains what a user holding only `roleName` (its AOT name or label) needs: nothing for System administrator
    /// unless `options` count its holders (10.0.44 rule), as `roles` and the estimate say.
    public func explain(role roleName: String, options: EstimateOptions = EstimateOptions()) throws(LookupError) -> LicenseExplanation {
        let role = try graph.index(of: .role, named: roleName)
        if options.exempts(role: graph.roles[role].name) {
            return explain(subjectType: "role", subject: graph.roles[role].name, roles: [role], basis: .systemAdministrator, license: .none)
        }
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
        if let method = method as? PerObjectMethod {
            let (drivers, exhaustive, _) = licenseDrivers(privileges: privileges, license: license)
            return LicenseExplanation(subjectType: subjectType, subject: subject, roles: roleNames, basis: basis, entryPointLicense: tier,
                                      license: license, demands: objectDemands(method, grants: grants, license: license), drivers: drivers,
                                      driversAreExhaustive: exhaustive, objectsNotInMicrosoftData: method.objectsNotInMicrosoftData(ofPrivileges: privileges),
                                      downgrades: downgrades(method, grants: grants, privileges: privileges, license: license))
        }

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
        // Any base: the rows that name full SKUs but list a tier-level one too are met by any base SKU, said as such
        // rather than leaving them out or naming one SKU of theirs as demanded.
        if license.base == .anyBase {
            let tierLevel = catalog.tierLevelSkus
            var chains: [LicenseDemandChain] = []
            for grant in grants {
                guard let sku = privilegeSkuRequirements[grant.privilege], sku.anyOf.intersects(catalog.fullSkus), sku.anyOf.intersects(tierLevel),
                      let first = sku.anyOf.intersection(catalog.fullSkus).positions.first else { continue }
                chains.append(LicenseDemandChain(path: grant.path, furtherPaths: grant.furtherPaths, source: .skuMapRow(
                    sku: catalog[first].name, isUnique: false, alternatives: catalog.names(sku.anyOf))))
            }
            if !chains.isEmpty { demands.append(Self.demand(.anyBase, chains)) }
        }
        let (drivers, exhaustive, _) = licenseDrivers(privileges: privileges, license: license)
        return LicenseExplanation(subjectType: subjectType, subject: subject, roles: roleNames, basis: basis, entryPointLicense: tier,
                                  license: license, demands: demands, drivers: drivers, driversAreExhaustive: exhaustive)
    }

    /// The catalog positions the license holds: its base SKU and its attaches.
    private func heldSkus(_ license: LicenseChoice) -> SkuSet {
        SkuSet([license.base?.sku?.position].compactMap { $0 } + license.attach.map(\.position))
    }

    /// Whether holding `held` meets an object's SKU set (Docs/licensing-rules.md §7, "Meeting a requirement").
    private func meets(_ held: SkuSet, _ skus: SkuSet) -> Bool {
        !held.isEmpty && optimizer.isMet(by: held, requirements: LicenseRequirements(entryPointTier: .none, required: .empty, anyOfGroups: [skus]))
    }

    /// The tier license just below `position`'s tier: Activity below a full SKU, Team Members below Activity, HR Self
    /// Service below Team Members; nil below that.
    private func tierBelow(_ position: Int) -> Int? {
        switch catalog[position].tier {
        case .operations: catalog.activity
        case .activity: catalog.teamMembers
        case .teamMembers: catalog.skus.firstIndex { $0.tier == .selfService }
        case .selfService: nil
        }
    }

    /// Every grant with access of the privileges reached, with its grant path and its per-object entitlement.
    private func objectGrants(_ method: PerObjectMethod, grants: [GrantPath]) -> [(grant: GrantPath, object: ObjectGrant)] {
        var result: [(GrantPath, ObjectGrant)] = []
        for grant in grants {
            let definition = graph.privileges[grant.privilege]
            for index in 0..<(definition.entryPoints.count + definition.dataEntityPermissions.count) {
                guard let entitlement = method.entitlement(ofGrant: index, inPrivilege: grant.privilege) else { continue }
                let (type, name, child, access): (String, String, String, AccessGrant)
                if index < definition.entryPoints.count {
                    let entryPoint = definition.entryPoints[index]
                    (type, name, child, access) = (entryPoint.objectType.description, entryPoint.objectName, entryPoint.objectChildName, entryPoint.grant)
                } else {
                    let permission = definition.dataEntityPermissions[index - definition.entryPoints.count]
                    (type, name, child, access) = (SecurableKind.dataEntity.rawValue, permission.name, "", permission.grant)
                }
                result.append((grant, ObjectGrant(objectType: type, objectName: name, objectChildName: child, rights: Set(access.allowedRights),
                                                  entitlement: entitlement, skus: catalog.names(entitlement.skus))))
            }
        }
        return result
    }

    /// Per-object method: for each SKU `s` of the license, the grants that force it: the license meets the object's
    /// set, but the license without `s` and with the tier license just below `s` instead does not (so neither another
    /// SKU held nor a cheaper tier would do). When no single object forces `s`, the objects it helps meet are listed.
    /// Then the objects no known SKU entitles.
    private func objectDemands(_ method: PerObjectMethod, grants: [GrantPath], license: LicenseChoice) -> [LicenseDemand] {
        let objects = objectGrants(method, grants: grants)
        let held = heldSkus(license)
        var demands: [LicenseDemand] = []
        func chain(_ item: (grant: GrantPath, object: ObjectGrant)) -> LicenseDemandChain {
            LicenseDemandChain(path: item.grant.path, furtherPaths: item.grant.furtherPaths, source: .object(item.object))
        }
        for position in held.positions.sorted(by: { ($0 == license.base?.sku?.position ? 0 : 1, $0) < ($1 == license.base?.sku?.position ? 0 : 1, $1) }) {
            let without = held.subtracting(SkuSet([position])).union(tierBelow(position).map { SkuSet([$0]) } ?? .empty)
            let entitled = objects.filter { $0.object.entitlement.status != .unlicensable && meets(held, $0.object.entitlement.skus) }
            var forcing = entitled.filter { !meets(without, $0.object.entitlement.skus) }
            if forcing.isEmpty { forcing = entitled.filter { $0.object.entitlement.skus.contains(position) } }
            if !forcing.isEmpty { demands.append(Self.demand(.sku(catalog[position].name), forcing.map(chain))) }
        }
        let unlicensable = objects.filter { $0.object.entitlement.status == .unlicensable }
        if !unlicensable.isEmpty { demands.append(Self.demand(.unlicensable, unlicensable.map(chain))) }
        return demands
    }

    /// Per-object method: each object granted at Write whose Read entitlement alone is cheaper than its Write one, when
    /// turning every Write grant on it (in the privileges reached) into Read alone makes the license cheaper.
    private func downgrades(_ method: PerObjectMethod, grants: [GrantPath], privileges: [Int], license: LicenseChoice) -> [LicenseDowngrade] {
        struct ObjectID: Hashable { var kind: SecurableKind; var name: NameKey; var child: NameKey }
        let teamMembers = SkuSet([catalog.teamMembers])
        var licenses: [LicenseRequirements: LicenseChoice] = [:]
        func cheapest(_ requirements: LicenseRequirements) -> LicenseChoice {
            if let known = licenses[requirements] { return known }
            let choice = optimizer.cheapestLicense(for: requirements)
            licenses[requirements] = choice
            return choice
        }
        func alone(_ skus: SkuSet) -> Money { cheapest(LicenseRequirements(entryPointTier: .none, required: .empty, anyOfGroups: [skus])).monthlyCost }
        /// The Read entitlement of an object: Microsoft's data at Read, Team Members when it is not there.
        func read(_ id: ObjectID, _ name: String, _ child: String) -> (skus: SkuSet, text: String) {
            guard let entry = method.map.entries[ObjectLicenseKey(kind: id.kind, name: name, childName: child, level: .read)] else {
                return (teamMembers, "\(catalog[catalog.teamMembers].displayName) (not in Microsoft's data)")
            }
            return (entry.skus, entry.licenseText)
        }
        // The Write grants on each object, in grant-path order.
        var order: [ObjectID] = []
        var writes: [ObjectID: [(grant: GrantPath, object: ObjectGrant)]] = [:]
        for item in objectGrants(method, grants: grants) where item.object.entitlement.level == .write {
            guard let kind = item.object.entitlement.kind else { continue }
            let id = ObjectID(kind: kind, name: NameKey(item.object.objectName), child: NameKey(item.object.objectChildName))
            if writes[id] == nil { order.append(id) }
            writes[id, default: []].append(item)
        }
        // Every privilege's groups counted once, so that each object needs only its own privileges recomputed.
        var counts: [SkuSet: Int] = [:]
        var unlicensableCount = 0
        for privilege in privileges {
            for group in privilegeDemands[privilege].objectGroups { counts[group, default: 0] += 1 }
            if privilegeDemands[privilege].isUnlicensable { unlicensableCount += 1 }
        }
        var found: [LicenseDowngrade] = []
        for id in order {
            let items = writes[id]!, first = items[0]
            let (readSkus, readText) = read(id, first.object.objectName, first.object.objectChildName)
            // An unlicensable Read row, or one no cheaper than Write, cannot lower the license.
            guard !readSkus.isEmpty, first.object.entitlement.status != .unlicensable, alone(readSkus) < alone(first.object.entitlement.skus) else { continue }
            let downgraded = Set(items.map(\.grant.privilege))
            var groups = counts, unlicensable = unlicensableCount
            for privilege in downgraded {
                let demand = privilegeDemands[privilege]
                for group in demand.objectGroups {
                    groups[group]! -= 1
                    if groups[group] == 0 { groups[group] = nil }
                }
                if demand.isUnlicensable { unlicensable -= 1 }
                var own: Set<SkuSet> = [], isUnlicensable = false
                let definition = graph.privileges[privilege]
                for index in 0..<(definition.entryPoints.count + definition.dataEntityPermissions.count) {
                    guard let entitlement = method.entitlement(ofGrant: index, inPrivilege: privilege) else { continue }
                    let (name, child) = index < definition.entryPoints.count
                        ? (definition.entryPoints[index].objectName, definition.entryPoints[index].objectChildName)
                        : (definition.dataEntityPermissions[index - definition.entryPoints.count].name, "")
                    if entitlement.level == .write, entitlement.kind == id.kind, NameKey(name) == id.name, NameKey(child) == id.child {
                        own.insert(readSkus)
                    } else if entitlement.status == .unlicensable {
                        isUnlicensable = true
                    } else {
                        own.insert(entitlement.skus)
                    }
                }
                for group in own { groups[group, default: 0] += 1 }
                if isUnlicensable { unlicensable += 1 }
            }
            let after = cheapest(LicenseRequirements(entryPointTier: .none, required: .empty, anyOfGroups: groups.keys, isUnlicensable: unlicensable > 0))
            guard after.monthlyCost < license.monthlyCost else { continue }
            found.append(LicenseDowngrade(object: first.object.objectText, path: first.grant.path, furtherGrants: downgraded.count - 1,
                                          writeLicense: first.object.entitlement.licenseText, readLicense: readText, licenseAfter: after,
                                          monthlySaving: license.monthlyCost - after.monthlyCost))
        }
        return found.sorted { ($0.monthlySaving, $1.object) > ($1.monthlySaving, $0.object) }
    }

    private static func demand(_ need: LicenseDemand.Need, _ chains: [LicenseDemandChain]) -> LicenseDemand {
        LicenseDemand(need: need, chains: Array(chains.prefix(LicenseExplanation.chainLimit)), totalChains: chains.count)
    }

    /// The smallest privilege sets whose removal makes `license` cheaper: sets no part of which saves as much.
    ///
    /// The license depends only on which distinct contributions (entry-point tier, SKU-map requirement, per-object
    /// SKU sets) are present, so privileges are grouped by contribution: removing part of a group changes nothing, and every
    /// smallest set is a union of whole groups. Groups that cannot matter (Team Members or less, no SKU row, only object sets Team
    /// Members meets) are left out; combinations of the rest are tried smallest first, and one is kept when it saves money and holds no
    /// kept combination saving as much (checking kept ones suffices: removing more never costs more). Above
    /// `exhaustiveGroupLimit` groups, combinations of up to `boundedDriverSize` groups are tried, and then, for the
    /// tier and each SKU of the license, the groups that demand it, shrunk one group at a time twice: keeping the
    /// whole saving, and keeping any saving; each of those two phases runs at most `boundedEvaluationLimit`
    /// optimisations. Returns how many optimisations ran.
    func licenseDrivers(privileges: [Int], license: LicenseChoice) -> (drivers: [LicenseDriver], exhaustive: Bool, evaluations: Int) {
        // Per-object method: an object set Team Members meets cannot matter (a licensed holder has Team Members).
        let teamMembers = SkuSet([catalog.teamMembers])
        var grouped: [PrivilegeDemand: [Int]] = [:]
        for privilege in privileges {
            let contribution = privilegeDemands[privilege]
            guard contribution.tier > .teamMembers || contribution.skus != nil || contribution.objectGroups.contains(where: { !meets(teamMembers, $0) })
            else { continue }
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
                targets.append(groups.indices.filter {
                    groups[$0].contribution.skus?.anyOf.contains(position) == true || groups[$0].contribution.objectGroups.contains { $0.contains(position) }
                })
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
