import AXLicensing
import AXModel
import AXReading

/// How a change moves a license.
public enum ChangeClass: String, Sendable, Hashable, Codable, Comparable {
    /// A higher license tier or entry-point license, a new required SKU, or a higher cost.
    case escalation
    /// Lower, and nothing higher.
    case deEscalation = "de-escalation"
    /// The result changed without moving tier, SKUs or cost up or down (e.g. a different any-of group).
    case neutral

    public static func < (a: Self, b: Self) -> Bool {
        let order: [ChangeClass] = [.escalation, .deEscalation, .neutral]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// What a role (or user) needs on one side of the comparison.
public struct LicenseOutcome: Sendable, Hashable {
    public var entryPointLicense: LicenseTier
    public var requiredSkus: [String]
    public var anyOfGroups: [[String]]
    public var license: LicenseChoice

    public init(entryPointLicense: LicenseTier, requiredSkus: [String], anyOfGroups: [[String]], license: LicenseChoice) {
        self.entryPointLicense = entryPointLicense
        self.requiredSkus = requiredSkus
        self.anyOfGroups = anyOfGroups
        self.license = license
    }

    /// Full SKU names the license holds, base and attach (tier licenses and "any base" are not named SKUs).
    public var skus: Set<String> { Self.namedSkus(license) }

    static func namedSkus(_ license: LicenseChoice) -> Set<String> {
        guard license.tier == .operations else { return [] }
        return Set([license.base?.sku?.name].compactMap { $0 } + license.attach.map(\.name))
    }

    /// Classifies the move from `self` to `after`.
    public func classify(to after: LicenseOutcome) -> ChangeClass {
        let up = after.license.tier > license.tier || after.entryPointLicense > entryPointLicense
            || !Set(after.requiredSkus).subtracting(requiredSkus).isEmpty || !after.skus.subtracting(skus).isEmpty
            || after.license.monthlyCost > license.monthlyCost
        if up { return .escalation }
        let down = after.license.tier < license.tier || after.entryPointLicense < entryPointLicense
            || after.license.monthlyCost < license.monthlyCost || !Set(requiredSkus).subtracting(after.requiredSkus).isEmpty
        return down ? .deEscalation : .neutral
    }
}

/// Why a role's result changed: one difference in the privileges it reaches.
public struct ChangeCause: Sendable, Hashable {
    /// The kinds of difference reported.
    public enum Kind: String, Sendable, Hashable, Codable {
        case privilegeAdded = "privilege added"
        case privilegeRemoved = "privilege removed"
        case entryPointAdded = "entry point added"
        case entryPointRemoved = "entry point removed"
        case grantChanged = "grant changed"
        case menuItemLicenseChanged = "menu item license changed"
        case skuRowsChanged = "SKU rows changed"
        /// Per-object method: the object-license data entitles a granted object at its level by other SKUs (or no
        /// longer lists it, or newly does).
        case objectLicenseChanged = "object license changed"
    }

    public var kind: Kind
    public var privilege: String
    /// `MenuItemDisplay LedgerJournalTable`, when the cause is one entry point (per-object method: one granted object,
    /// `DataEntity VendVendorV2Entity` for a data entity permission).
    public var entryPoint: String?
    /// Before → after, in words.
    public var detail: String
    /// The file and line the change touched, on the head side: the role, role-extension or duty file and the line of
    /// the reference added (for a privilege removed, the file of the object that lost it); the privilege file and the
    /// entry point's line for an entry point or grant change; the menu item's file for its license; the SKU map for
    /// its rows; the object-license data's row (or file, when the object is no longer listed) for an object's license.
    public var location: SourceLocation?
}

/// One role whose result changed.
public struct RoleChange: Sendable, Hashable {
    public var role: String
    public var before: LicenseOutcome
    public var after: LicenseOutcome
    public var classification: ChangeClass
    public var causes: [ChangeCause]
    /// The role's file on the head side.
    public var location: SourceLocation?
}

/// One user whose license changed.
public struct UserChange: Sendable, Hashable {
    public var userId: String
    public var before: LicenseChoice
    public var after: LicenseChoice
    public var classification: ChangeClass
}

/// Objects present on one side only.
public struct AddedAndRemoved: Sendable, Hashable {
    public var added: [String] = []
    public var removed: [String] = []
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty }
}

/// Which tree of a comparison something comes from.
public enum TreeSide: String, Sendable, Hashable, Codable {
    /// The tree before the change (`--base`).
    case base
    /// The tree after the change (`--head`).
    case head
}

/// A metadata file one side could not read (skipped with `--keep-going`), so the comparison cannot see what it holds.
public struct UnreadFile: Sendable, Hashable {
    /// The tree the file belongs to.
    public var side: TreeSide
    /// The error that kept it out, its location shown as users see it (repository-relative for `git:` trees).
    public var diagnostic: Diagnostic

    public init(side: TreeSide, diagnostic: Diagnostic) {
        self.side = side
        self.diagnostic = diagnostic
    }
}

/// The license impact of going from a base security tree to a head one.
public struct LicenseImpact: Sendable {
    public var roleChanges: [RoleChange]
    /// Roles added (with what they would need) and removed.
    public var roles: AddedAndRemoved
    public var addedRoleOutcomes: [String: LicenseOutcome]
    public var duties: AddedAndRemoved
    public var privileges: AddedAndRemoved
    /// Per-object method: objects some role grants (`Kind Name (Level)`) that Microsoft's data does not list, new on
    /// the head side or gone from it (each needs Team Members); empty under the legacy method.
    public var objectsNotInMicrosoftData: AddedAndRemoved
    /// Warnings on the head side that the base side does not have (errors are in `unreadFiles`).
    public var newDiagnostics: [Diagnostic]
    /// Files of either side that could not be read (`--keep-going`), base side first; empty when both trees were read whole.
    public var unreadFiles: [UnreadFile]
    /// False when some file of either tree could not be read: a change inside it is invisible, so "no license impact"
    /// cannot be claimed.
    public var isComplete: Bool { unreadFiles.isEmpty }
    /// Users whose license changes; nil when no users were given.
    public var userChanges: [UserChange]?
    /// Total monthly cost after minus before over all users; nil without users.
    public var userCostDelta: Money?
    /// Monthly cost before and after, over all users.
    public var userCostBefore: Money?
    public var userCostAfter: Money?
    /// Objects the head tree references that neither it nor a reference folder holds: license impact through them is
    /// unknown, so "no license impact" cannot be claimed while this is not empty. Locations as users see them.
    public var unresolved: UnresolvedObjects = UnresolvedObjects([])
    /// Of `unresolved.objects`, those the base tree resolved or did not reference: what the change made unknown.
    public var newlyUnresolved: [UnresolvedReference] = []

    /// True when some role or user needs a different license.
    public var hasLicenseImpact: Bool { !roleChanges.isEmpty || !(userChanges ?? []).isEmpty }

    /// Every classification that occurs, roles and users.
    public var classes: Set<ChangeClass> { Set(roleChanges.map(\.classification) + (userChanges ?? []).map(\.classification)) }

    /// Full SKUs some role or user needs after the change that they did not need before.
    public var newSkus: [String] {
        var result = Set<String>()
        for change in roleChanges { result.formUnion(change.after.skus.subtracting(change.before.skus)) }
        for change in userChanges ?? [] {
            result.formUnion(LicenseOutcome.namedSkus(change.after).subtracting(LicenseOutcome.namedSkus(change.before)))
        }
        return result.sorted()
    }

    /// Compares two evaluated trees; `users` (the same directory for both sides) adds the user changes.
    /// `baseRoot` and `headRoot` are the folders each side was read from (diagnostics are compared relative to them);
    /// `baseDisplayPath` and `headDisplayPath` turn each side's file paths into what users should see (repository-relative).
    public init(base: LicensingEngine, head: LicensingEngine, users: UserDirectory?, options: EstimateOptions = EstimateOptions(),
                baseRoot: String = "", headRoot: String = "", baseDisplayPath: (String) -> String = { $0 }, headDisplayPath: (String) -> String = { $0 }) {
        // Roles sharing requirements share their license: optimised once per side (a deep chain of roles all needing
        // the same is one optimisation, not one per role).
        var licenses: [[LicenseRequirements: LicenseChoice]] = [[:], [:]]  // base, head
        func outcome(_ engine: LicensingEngine, role: Int, side: Int) -> LicenseOutcome {
            let requirements = engine.roleRequirements[role]
            let license = licenses[side][requirements] ?? engine.optimizer.cheapestLicense(for: requirements)
            licenses[side][requirements] = license
            return LicenseOutcome(entryPointLicense: requirements.entryPointTier, requiredSkus: engine.catalog.names(requirements.required),
                                  anyOfGroups: requirements.anyOfGroups.map { engine.catalog.names($0) }, license: license)
        }
        func relocate(_ location: SourceLocation?, _ display: (String) -> String) -> SourceLocation? {
            location.map { SourceLocation(file: display($0.file), line: $0.line, column: $0.column) }
        }
        func names(_ items: [String]) -> [NameKey: String] {
            Dictionary(items.map { (NameKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        }
        func compare(_ before: [String], _ after: [String]) -> AddedAndRemoved {
            let b = names(before), a = names(after)
            return AddedAndRemoved(added: a.keys.filter { b[$0] == nil }.map { a[$0]! }.sorted(),
                                   removed: b.keys.filter { a[$0] == nil }.map { b[$0]! }.sorted())
        }

        roles = compare(base.graph.roles.map(\.name), head.graph.roles.map(\.name))
        duties = compare(base.graph.duties.map(\.name), head.graph.duties.map(\.name))
        privileges = compare(base.graph.privileges.map(\.name), head.graph.privileges.map(\.name))
        // Over the privileges some role grants: an object only an unused privilege grants needs nobody a license.
        func notInData(_ engine: LicensingEngine) -> [String] {
            engine.objectsNotInMicrosoftData(ofPrivileges: Array(Set(engine.graph.roleEffectivePrivileges.joined()))) ?? []
        }
        objectsNotInMicrosoftData = compare(notInData(base), notInData(head))
        var addedOutcomes: [String: LicenseOutcome] = [:]
        for name in roles.added {
            if let role = head.graph.role(named: name) { addedOutcomes[name] = outcome(head, role: role, side: 1) }
        }
        addedRoleOutcomes = addedOutcomes

        var changes: [RoleChange] = []
        var addedLinks = ChangedLinks(graph: head.graph, other: base.graph), removedLinks = ChangedLinks(graph: base.graph, other: head.graph)
        for (headIndex, role) in head.graph.roles.enumerated() {
            guard let baseIndex = base.graph.role(named: role.name) else { continue }
            let before = outcome(base, role: baseIndex, side: 0), after = outcome(head, role: headIndex, side: 1)
            guard before != after else { continue }
            let causes = Self.causes(base: base, baseRole: baseIndex, head: head, headRole: headIndex, headDisplayPath: headDisplayPath,
                                     addedLinks: &addedLinks, removedLinks: &removedLinks)
            changes.append(RoleChange(role: role.name, before: before, after: after, classification: before.classify(to: after),
                                      causes: causes, location: relocate(role.location, headDisplayPath)))
        }
        roleChanges = changes.sorted { ($0.classification, NameKey($0.role)) < ($1.classification, NameKey($1.role)) }

        // New diagnostics: matched by content, whatever folder each side was read from. A metadata file by its path
        // relative to its tree's root, any other input (SKU map, object-license data, catalog) by its file name (the
        // two sides may read it from different places: `--base-sku-map git:…`); messages without the roots.
        func key(_ diagnostic: Diagnostic, root: String) -> String {
            let prefix = root.hasSuffix("/") ? root : root + "/"
            func place(_ path: String) -> String {
                if !root.isEmpty && path.hasPrefix(prefix) { return "tree:" + path.dropFirst(prefix.count) }
                return "input:" + (path.split(separator: "/").last.map(String.init) ?? path)
            }
            let message = root.isEmpty ? diagnostic.message : Self.removingPathPrefix(prefix, from: diagnostic.message)
            return diagnostic.code.rawValue + "|" + (diagnostic.location.map { place($0.file) } ?? "") + "|" + message
        }
        let baseKeys = Set((base.graph.diagnostics + base.method.diagnostics).map { key($0, root: baseRoot) })
        newDiagnostics = (head.graph.diagnostics + head.method.diagnostics).filter { $0.severity != .error && !baseKeys.contains(key($0, root: headRoot)) }.map {
            Diagnostic($0.severity, $0.code, $0.message, at: relocate($0.location, headDisplayPath))
        }
        func unread(_ engine: LicensingEngine, _ side: TreeSide, _ display: (String) -> String) -> [UnreadFile] {
            engine.graph.diagnostics.filter { $0.severity == .error }.map {
                UnreadFile(side: side, diagnostic: Diagnostic($0.severity, $0.code, $0.message, at: relocate($0.location, display)))
            }
        }
        unreadFiles = unread(base, .base, baseDisplayPath) + unread(head, .head, headDisplayPath)

        if let users {
            let after = head.estimate(users, options: options)
            // Only the users holding a role that licenses differently are licensed again on the base side; every
            // other user's base row is the head's (`UserImpact`).
            let impact = UserImpact(base: base, head: head, users: users, headEstimate: after, options: options)
            var userChanges: [UserChange] = []
            for (old, new) in zip(impact.baseRows, after.users) where old.license != new.license || old.entryPointLicense != new.entryPointLicense {
                let beforeOutcome = LicenseOutcome(entryPointLicense: old.entryPointLicense, requiredSkus: [], anyOfGroups: [], license: old.license)
                let afterOutcome = LicenseOutcome(entryPointLicense: new.entryPointLicense, requiredSkus: [], anyOfGroups: [], license: new.license)
                userChanges.append(UserChange(userId: old.user.userId, before: old.license, after: new.license, classification: beforeOutcome.classify(to: afterOutcome)))
            }
            self.userChanges = userChanges
            userCostBefore = impact.baseMonthlyCost
            userCostAfter = after.summary.monthlyCost
            userCostDelta = after.summary.monthlyCost - impact.baseMonthlyCost
        } else {
            userChanges = nil
            userCostBefore = nil
            userCostAfter = nil
            userCostDelta = nil
        }
        unresolved = UnresolvedObjects(head.unresolved.references.map {
            UnresolvedReference(kind: $0.kind, name: $0.name, referencedBy: $0.referencedBy, location: relocate($0.location, headDisplayPath))
        })
        let baseUnresolved = Set(base.unresolved.objects.map { "\($0.kind.rawValue)|\(NameKey($0.name))" })
        newlyUnresolved = unresolved.objects.filter { !baseUnresolved.contains("\($0.kind.rawValue)|\(NameKey($0.name))") }
    }

    /// The users' base-side rows, licensing again only the users whose result can differ from the head's.
    ///
    /// A user's license follows from their enabled roles' requirements and the SKU catalog alone. When both sides
    /// price with the same catalog, a user none of whose roles requires anything different on the base side (same
    /// requirements; not added, removed or unknown on one side only) has the head's row on the base side too; only
    /// the rest are licensed by the base engine. With different catalogs every user is licensed again.
    struct UserImpact {
        /// One row per user, in the directory's order, with the license and entry-point license `base.estimate(users)`
        /// would give (the head's row where they are the same).
        var baseRows: [UserLicense]
        /// The base side's total monthly cost over all users.
        var baseMonthlyCost: Money

        init(base: LicensingEngine, head: LicensingEngine, users: UserDirectory, headEstimate: LicenseEstimate, options: EstimateOptions) {
            guard base.catalog.currency == head.catalog.currency && base.catalog.skus == head.catalog.skus else {
                let estimate = base.estimate(users, options: options)
                (baseRows, baseMonthlyCost) = (estimate.users, estimate.summary.monthlyCost)
                return
            }
            // Roles by name on either side whose requirements differ, or that only one side defines.
            var changed = Set<NameKey>()
            for (index, role) in head.graph.roles.enumerated() {
                let other = base.graph.role(named: role.name)
                if other.map({ base.roleRequirements[$0] != head.roleRequirements[index] }) ?? true { changed.insert(NameKey(role.name)) }
            }
            for role in base.graph.roles where head.graph.role(named: role.name) == nil { changed.insert(NameKey(role.name)) }
            let affected = users.users.indices.filter { index in
                users.users[index].assignments.contains { $0.isEnabled && changed.contains(NameKey($0.roleIdentifier)) }
            }
            var subset = users
            subset.users = affected.map { users.users[$0] }
            let relicensed = base.estimate(subset, options: options).users
            var rows = headEstimate.users
            var cost = headEstimate.summary.monthlyCost
            for (offset, index) in affected.enumerated() {
                cost = cost - rows[index].license.monthlyCost + relicensed[offset].license.monthlyCost
                rows[index] = relicensed[offset]
            }
            (baseRows, baseMonthlyCost) = (rows, cost)
        }
    }

    /// `message` with the tree folder `prefix` removed where a path starts with it (at the start, or after a space or
    /// quote), not inside another path: a head tree named `Metadata` must not cut `…/XppMetadata/…` in a reference
    /// folder's path, which both sides name alike.
    static func removingPathPrefix(_ prefix: String, from message: String) -> String {
        var result = ""
        var rest = Substring(message)
        while let range = rest.range(of: prefix) {
            let before = range.lowerBound == rest.startIndex ? (result.last ?? " ") : rest[rest.index(before: range.lowerBound)]
            result += rest[..<range.lowerBound]
            if !(before == " " || before == "'" || before == "\"") { result += prefix }
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// The differences in what a role reaches that explain its change.
    static func causes(base: LicensingEngine, baseRole: Int, head: LicensingEngine, headRole: Int, headDisplayPath: (String) -> String,
                       addedLinks: inout ChangedLinks, removedLinks: inout ChangedLinks) -> [ChangeCause] {
        func at(_ location: SourceLocation) -> SourceLocation { SourceLocation(file: headDisplayPath(location.file), line: location.line, column: location.column) }
        let basePrivileges = Dictionary(base.graph.roleEffectivePrivileges[baseRole].map { (NameKey(base.graph.privileges[$0].name), $0) }, uniquingKeysWith: { a, _ in a })
        let headPrivileges = Dictionary(head.graph.roleEffectivePrivileges[headRole].map { (NameKey(head.graph.privileges[$0].name), $0) }, uniquingKeysWith: { a, _ in a })
        let headRoleFile = at(head.graph.roles[headRole].location)
        let skuMapLocation = head.method.inputs.first { $0.kind == .skuMap }.map { SourceLocation(file: $0.file) }
        var causes: [ChangeCause] = []
        for key in Set(basePrivileges.keys).union(headPrivileges.keys).sorted() {
            switch (basePrivileges[key], headPrivileges[key]) {
            case (nil, let h?):
                let privilege = head.graph.privileges[h]
                // The reference the change added, or the privilege's own file when no link is new (the privilege is).
                let reference = addedLinks.link(role: headRole, privilege: h)
                causes.append(ChangeCause(kind: .privilegeAdded, privilege: privilege.name, entryPoint: nil,
                                          detail: "now granted: " + demandText(head, h), location: at(reference?.location ?? privilege.location)))
            case (let b?, nil):
                let privilege = base.graph.privileges[b]
                // The head file of the object that lost the reference; the role's file when that object is gone.
                let holder = removedLinks.link(role: baseRole, privilege: b).flatMap { $0.holder.location(in: head.graph) }.map(at)
                causes.append(ChangeCause(kind: .privilegeRemoved, privilege: privilege.name, entryPoint: nil,
                                          detail: "no longer granted: " + demandText(base, b),
                                          location: holder ?? headRoleFile))
            case (let b?, let h?):
                causes += entryPointCauses(base: base, b, head: head, h, at: at)
                let before = SkuRows(base, b), after = SkuRows(head, h)
                if before != after {
                    causes.append(ChangeCause(kind: .skuRowsChanged, privilege: head.graph.privileges[h].name, entryPoint: nil,
                                              detail: SkuRows.change(from: before, to: after), location: skuMapLocation ?? headRoleFile))
                }
            case (nil, nil):
                break
            }
        }
        return causes
    }

    /// A privilege's SKU-map rows as values, by name (each side names SKUs from its own catalog): the SKUs of
    /// IsUnique 1 rows, and those of IsUnique 0 rows that are not also required (they make the any-of group).
    struct SkuRows: Equatable {
        var required: Set<String>
        var anyOf: Set<String>

        init(_ engine: LicensingEngine, _ privilege: Int) {
            let requirement = engine.privilegeDemands[privilege].skus
            required = Set(requirement.map { engine.catalog.names($0.required) } ?? [])
            anyOf = Set(requirement.map { engine.catalog.names($0.anyOf) } ?? []).subtracting(required)
        }

        /// `IsUnique 1 (required): none → Finance; IsUnique 0 (any of): …`: only the parts that differ.
        static func change(from before: SkuRows, to after: SkuRows) -> String {
            func text(_ names: Set<String>) -> String { names.isEmpty ? "none" : names.sorted().joined(separator: ", ") }
            var parts: [String] = []
            if before.required != after.required { parts.append("IsUnique 1 (required): \(text(before.required)) → \(text(after.required))") }
            if before.anyOf != after.anyOf { parts.append("IsUnique 0 (any of): \(text(before.anyOf)) → \(text(after.anyOf))") }
            return parts.joined(separator: "; ")
        }
    }

    /// What holding a privilege demands, in the method's own terms: the entry-point license and SKU-map rows
    /// (legacy), or each object it grants with its level and the SKUs that entitle it (per-object).
    private static func demandText(_ engine: LicensingEngine, _ privilege: Int) -> String {
        guard engine.method is PerObjectMethod else {
            let demand = engine.privilegeDemands[privilege]
            let skus = demand.skus?.description(in: engine.catalog) ?? ""
            return "entry-point license \(demand.tier.name)" + (skus.isEmpty ? "" : "; SKUs: \(skus)")
        }
        let texts = Grant.all(engine, privilege).compactMap { grant in grant.license(engine).object.map { Grant.text(grant.label, $0) } }
        guard !texts.isEmpty else { return "no object access" }
        let shown = 5
        return texts.prefix(shown).joined(separator: "; ") + (texts.count > shown ? "; and \(texts.count - shown) more" : "")
    }

    /// One grant of a privilege as the diff compares it: an entry point, or (per-object method) a data entity
    /// permission, which that method licenses too.
    struct Grant {
        /// Kind, name and child, compared case-insensitively.
        var key: String
        /// `MenuItemDisplay CustTable`, `DataEntity VendVendorV2Entity`.
        var label: String
        var grant: AccessGrant
        var location: SourceLocation
        /// The grant's index in the privilege (entry points first), as `LicensingEngine.entryPointLicense` counts.
        var index: Int
        var privilege: Int
        /// True for a data entity permission, false for an entry point.
        var isDataEntityPermission: Bool

        func license(_ engine: LicensingEngine) -> EntryPointLicense { engine.entryPointLicense(privilege: privilege, entryPoint: index) }

        /// The privilege's grants: its entry points, and its data entity permissions under the per-object method
        /// (the legacy method gives them no license, so they explain no change there).
        static func all(_ engine: LicensingEngine, _ privilege: Int) -> [Grant] {
            let definition = engine.graph.privileges[privilege]
            var grants = definition.entryPoints.enumerated().map { index, entryPoint in
                Grant(key: "\(entryPoint.objectType)|\(NameKey(entryPoint.objectName))|\(NameKey(entryPoint.objectChildName))",
                      label: "\(entryPoint.objectType) \(entryPoint.objectName)" + (entryPoint.objectChildName.isEmpty ? "" : ".\(entryPoint.objectChildName)"),
                      grant: entryPoint.grant, location: entryPoint.location, index: index, privilege: privilege, isDataEntityPermission: false)
            }
            guard engine.method is PerObjectMethod else { return grants }
            grants += definition.dataEntityPermissions.enumerated().map { offset, permission in
                Grant(key: "DataEntityPermission|\(NameKey(permission.name))|", label: "\(SecurableKind.dataEntity.rawValue) \(permission.name)",
                      grant: permission.grant, location: permission.location, index: definition.entryPoints.count + offset, privilege: privilege,
                      isDataEntityPermission: true)
            }
            return grants
        }

        /// `Write on MenuItemDisplay CustTable, entitled by Finance`; `Read on … , not in Microsoft's data (needs Team
        /// Members)`; `… , unlicensable (entitled only by SKUs the catalog does not know: …)`.
        static func text(_ label: String, _ object: ObjectEntitlement) -> String {
            "\(object.level) on \(label), " + entitlementText(object)
        }

        /// `entitled by Finance or Supply Chain Management`, `not in Microsoft's data (needs Team Members)`, …
        static func entitlementText(_ object: ObjectEntitlement) -> String {
            switch object.status {
            case .entitled: "entitled by \(object.licenseText)"
            case .notInMicrosoftData: "not in Microsoft's data (needs \(object.licenseText))"
            case .unlicensable: "unlicensable (entitled only by SKUs the catalog does not know: \(object.licenseText))"
            }
        }

        /// The object-license data's row for this grant at `level` on `engine`'s side, else the data's first file.
        func objectLicenseLocation(_ engine: LicensingEngine, _ object: ObjectEntitlement) -> SourceLocation? {
            guard let method = engine.method as? PerObjectMethod else { return nil }
            let definition = engine.graph.privileges[privilege]
            let (name, child) = isDataEntityPermission
                ? (definition.dataEntityPermissions[index - definition.entryPoints.count].name, "")
                : (definition.entryPoints[index].objectName, definition.entryPoints[index].objectChildName)
            if let kind = object.kind, let entry = method.map.entries[ObjectLicenseKey(kind: kind, name: name, childName: child, level: object.level)] {
                return entry.location
            }
            return method.inputs.first.map { SourceLocation(file: $0.file) }
        }
    }

    private static func entryPointCauses(base: LicensingEngine, _ b: Int, head: LicensingEngine, _ h: Int, at: (SourceLocation) -> SourceLocation) -> [ChangeCause] {
        /// What a grant lets a user do, as values: whether Read is denied, and the rights allowed.
        func effectiveRights(_ grant: AccessGrant) -> [String] {
            grant[.read] == .deny ? ["deny"] : grant.allowedRights.map(\.rawValue)
        }
        func rights(_ grant: AccessGrant) -> String {
            grant[.read] == .deny ? "Read denied" : (grant.allowedRights.isEmpty ? "none" : grant.allowedRights.map(\.rawValue).joined(separator: ", "))
        }
        func menuItem(_ engine: LicensingEngine, _ grant: Grant) -> MenuItem? {
            grant.isDataEntityPermission ? nil : engine.graph.entryPointMenuItems[grant.privilege][grant.index].map { engine.graph.menuItems[$0] }
        }
        /// `Write on MenuItemDisplay CustTable, entitled by Finance` (per-object), or the entry-point license (legacy).
        func access(_ grant: Grant, _ license: EntryPointLicense) -> String {
            license.object.map { Grant.text(grant.label, $0) } ?? license.name
        }
        let privilegeName = head.graph.privileges[h].name
        let baseGrants = Dictionary(Grant.all(base, b).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let headGrants = Dictionary(Grant.all(head, h).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var causes: [ChangeCause] = []
        for grantKey in Set(baseGrants.keys).union(headGrants.keys).sorted() {
            switch (baseGrants[grantKey], headGrants[grantKey]) {
            case (nil, let new?):
                let license = new.license(head)
                let detail = license.object.map { "now grants " + Grant.text(new.label, $0) } ?? "grants \(rights(new.grant)) → \(license.name)"
                causes.append(ChangeCause(kind: .entryPointAdded, privilege: privilegeName, entryPoint: new.label, detail: detail, location: at(new.location)))
            case (let old?, nil):
                let license = old.license(base)
                let detail = license.object.map { "no longer grants " + Grant.text(old.label, $0) } ?? "granted \(rights(old.grant)) → \(license.name)"
                causes.append(ChangeCause(kind: .entryPointRemoved, privilege: privilegeName, entryPoint: old.label, detail: detail,
                                          location: at(head.graph.privileges[h].location)))
            case (let old?, let new?):
                let oldLicense = old.license(base), newLicense = new.license(head)
                // A grant whose license reads the same on both sides explains no license change, whatever its rights
                // (no `Activity → Activity` rows).
                guard access(old, oldLicense) != access(new, newLicense) else { continue }
                if effectiveRights(old.grant) != effectiveRights(new.grant) {
                    let detail = newLicense.object != nil || oldLicense.object != nil
                        ? "\(rights(old.grant)) → \(rights(new.grant)): " + (newLicense.object.map { "now grants " + Grant.text(new.label, $0) } ?? "no access")
                            + (oldLicense.object.map { " (was \($0.level), " + Grant.entitlementText($0) + ")" } ?? " (was no access)")
                        : "\(rights(old.grant)) → \(rights(new.grant)): \(oldLicense.name) → \(newLicense.name)"
                    causes.append(ChangeCause(kind: .grantChanged, privilege: privilegeName, entryPoint: new.label, detail: detail, location: at(new.location)))
                } else if let object = newLicense.object {
                    // Same rights, another entitlement: the object-license data changed.
                    let was = oldLicense.object.map(Grant.entitlementText) ?? oldLicense.name
                    causes.append(ChangeCause(kind: .objectLicenseChanged, privilege: privilegeName, entryPoint: new.label,
                                              detail: "\(object.level) on \(new.label): \(was) → \(Grant.entitlementText(object))",
                                              location: new.objectLicenseLocation(head, object) ?? at(new.location)))
                } else {
                    let oldItem = menuItem(base, old), newItem = menuItem(head, new)
                    func values(_ item: MenuItem?) -> String {
                        item.map { "View \($0.viewLicense.isEmpty ? "None" : $0.viewLicense), Maintain \($0.maintainLicense.isEmpty ? "None" : $0.maintainLicense)" } ?? "not in the tree"
                    }
                    causes.append(ChangeCause(kind: .menuItemLicenseChanged, privilege: privilegeName, entryPoint: new.label,
                                              detail: "\(values(oldItem)) → \(values(newItem)): \(access(old, oldLicense)) → \(access(new, newLicense))",
                                              location: newItem.map { at($0.location) } ?? at(new.location)))
                }
            case (nil, nil):
                break
            }
        }
        return causes
    }
}

/// Finds, for a privilege one tree's role grants and the other tree's role of that name does not, the reference that
/// makes the difference: the first link on the way down from the role that the other tree lacks.
///
/// The walk goes down only through objects whose counterpart in the other tree does not grant the privilege (where
/// the difference must lie), one step at a time without recursion, and remembers its answer for every role it passed:
/// the roles of a 100,000-role chain all losing one privilege cost one walk down the chain, not one each.
struct ChangedLinks {
    /// The object holding a changed reference.
    enum Holder: Hashable {
        case role(String)
        case duty(String)

        /// The object's file (and its line) in `graph`, when it is there.
        func location(in graph: SecurityGraph) -> SourceLocation? {
            switch self {
            case .role(let name): graph.role(named: name).map { graph.roles[$0].location }
            case .duty(let name): graph.duty(named: name).map { graph.duties[$0].location }
            }
        }
    }

    /// A changed reference: who holds it, and where it is written in `graph`.
    struct Link: Hashable {
        var holder: Holder
        var location: SourceLocation
    }

    /// The tree that has the references, and the tree compared with it.
    let graph: SecurityGraph
    let other: SecurityGraph
    /// Answers found, by privilege then role (nil: no changed link below that role).
    private var found: [Int: [Int: Link?]] = [:]

    init(graph: SecurityGraph, other: SecurityGraph) {
        self.graph = graph
        self.other = other
    }

    /// The changed reference by which `role` grants `privilege` in `graph`, or nil when every link is also in `other`
    /// (the privilege itself, or an object it depends on, is what changed).
    mutating func link(role: Int, privilege: Int) -> Link? {
        if let known = found[privilege]?[role] { return known }
        let name = graph.privileges[privilege].name
        var passed: [Int] = []
        var visited: Set<Int> = []
        var current = role
        var answer: Link?
        walk: while visited.insert(current).inserted {
            passed.append(current)
            if let known = found[privilege]?[current] { answer = known; break }
            let holder = graph.roles[current]
            let otherRole = other.role(named: holder.name)
            let links = graph.roleLinks[current]
            // A privilege reference, or a duty reference (or the duty's privilege reference) that `other` lacks.
            if links.privileges.contains(privilege), !otherRole.map({ other.roleLinks[$0].privileges.contains { NameKey(other.privileges[$0].name) == NameKey(name) } }).isTrue {
                answer = reference(holder.contents.privileges, name, .role(holder.name))
                break
            }
            for duty in links.duties where graph.dutyPrivileges[duty].contains(privilege) {
                let dutyName = graph.duties[duty].name
                let otherDuty = other.duty(named: dutyName)
                if !(otherRole.flatMap { role in otherDuty.map { other.roleLinks[role].duties.contains($0) } }).isTrue {
                    answer = reference(holder.contents.duties, dutyName, .role(holder.name))
                    break walk
                }
                if !(otherDuty.map { other.dutyPrivileges[$0].contains { NameKey(other.privileges[$0].name) == NameKey(name) } }).isTrue {
                    answer = reference(graph.duties[duty].privileges, name, .duty(dutyName))
                    break walk
                }
            }
            // Down into the sub-role that grants the privilege here but not in `other`.
            var next: Int?
            for sub in links.subRoles where grants(graph, sub, privilege) {
                let subName = graph.roles[sub].name
                guard let otherSub = other.role(named: subName), otherRole.map({ other.roleLinks[$0].subRoles.contains(otherSub) }).isTrue else {
                    answer = reference(holder.contents.subRoles, subName, .role(holder.name))
                    break walk
                }
                if next == nil, !other.privilege(named: name).map({ grants(other, otherSub, $0) }).isTrue { next = sub }
            }
            guard let next else { break }
            current = next
        }
        for role in passed { found[privilege, default: [:]][role] = answer }
        return answer
    }

    /// The reference to `name` among `references`, held by `holder`.
    private func reference(_ references: [ObjectReference], _ name: String, _ holder: Holder) -> Link? {
        let key = NameKey(name)
        return references.first { NameKey($0.name) == key }.map { Link(holder: holder, location: $0.location) }
    }

    /// Whether `role` grants `privilege` in `graph` (its effective privileges are sorted).
    private func grants(_ graph: SecurityGraph, _ role: Int, _ privilege: Int) -> Bool {
        let privileges = graph.roleEffectivePrivileges[role]
        var low = 0, high = privileges.count
        while low < high {
            let middle = (low + high) / 2
            if privileges[middle] < privilege { low = middle + 1 } else { high = middle }
        }
        return low < privileges.count && privileges[low] == privilege
    }
}

extension Optional where Wrapped == Bool {
    /// True only when present and true.
    fileprivate var isTrue: Bool { self == true }
}
