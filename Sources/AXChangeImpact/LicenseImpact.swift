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
    }

    public var kind: Kind
    public var privilege: String
    /// `MenuItemDisplay LedgerJournalTable`, when the cause is one entry point.
    public var entryPoint: String?
    /// Before → after, in words.
    public var detail: String
    /// The file and line the change touched, on the head side: the role, role-extension or duty file and the line of
    /// the reference added (for a privilege removed, the file of the object that lost it); the privilege file and the
    /// entry point's line for an entry point or grant change; the menu item's file for its license; the SKU map for
    /// its rows.
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

        // New diagnostics: compared by code, path relative to the tree's root, and message without the root.
        func key(_ diagnostic: Diagnostic, root: String) -> String {
            let prefix = root.hasSuffix("/") ? root : root + "/"
            func relative(_ path: String) -> String { !root.isEmpty && path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path }
            let message = root.isEmpty ? diagnostic.message : diagnostic.message.replacingOccurrences(of: prefix, with: "")
            return diagnostic.code.rawValue + "|" + (diagnostic.location.map { relative($0.file) } ?? "") + "|" + message
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
            let before = base.estimate(users, options: options), after = head.estimate(users, options: options)
            var userChanges: [UserChange] = []
            for (old, new) in zip(before.users, after.users) where old.license != new.license || old.entryPointLicense != new.entryPointLicense {
                let beforeOutcome = LicenseOutcome(entryPointLicense: old.entryPointLicense, requiredSkus: [], anyOfGroups: [], license: old.license)
                let afterOutcome = LicenseOutcome(entryPointLicense: new.entryPointLicense, requiredSkus: [], anyOfGroups: [], license: new.license)
                userChanges.append(UserChange(userId: old.user.userId, before: old.license, after: new.license, classification: beforeOutcome.classify(to: afterOutcome)))
            }
            self.userChanges = userChanges
            userCostBefore = before.summary.monthlyCost
            userCostAfter = after.summary.monthlyCost
            userCostDelta = after.summary.monthlyCost - before.summary.monthlyCost
        } else {
            userChanges = nil
            userCostBefore = nil
            userCostAfter = nil
            userCostDelta = nil
        }
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
                                          detail: "now granted: entry-point license \(head.privilegeEntryPointTiers[h].name)" + skuText(head, h),
                                          location: at(reference?.location ?? privilege.location)))
            case (let b?, nil):
                let privilege = base.graph.privileges[b]
                // The head file of the object that lost the reference; the role's file when that object is gone.
                let holder = removedLinks.link(role: baseRole, privilege: b).flatMap { $0.holder.location(in: head.graph) }.map(at)
                causes.append(ChangeCause(kind: .privilegeRemoved, privilege: privilege.name, entryPoint: nil,
                                          detail: "no longer granted: entry-point license \(base.privilegeEntryPointTiers[b].name)" + skuText(base, b),
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
            let requirement = engine.privilegeSkuRequirements[privilege]
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

    private static func skuText(_ engine: LicensingEngine, _ privilege: Int) -> String {
        let text = engine.privilegeSkuRequirements[privilege]?.description(in: engine.catalog) ?? ""
        return text.isEmpty ? "" : "; SKUs: \(text)"
    }

    private static func entryPointCauses(base: LicensingEngine, _ b: Int, head: LicensingEngine, _ h: Int, at: (SourceLocation) -> SourceLocation) -> [ChangeCause] {
        func key(_ entryPoint: EntryPointGrant) -> String {
            "\(entryPoint.objectType)|\(NameKey(entryPoint.objectName))|\(NameKey(entryPoint.objectChildName))"
        }
        func label(_ entryPoint: EntryPointGrant) -> String {
            "\(entryPoint.objectType) \(entryPoint.objectName)" + (entryPoint.objectChildName.isEmpty ? "" : ".\(entryPoint.objectChildName)")
        }
        /// What a grant lets a user do, as values: whether Read is denied, and the rights allowed.
        func effectiveRights(_ grant: AccessGrant) -> [String] {
            grant[.read] == .deny ? ["deny"] : grant.allowedRights.map(\.rawValue)
        }
        func rights(_ grant: AccessGrant) -> String {
            grant[.read] == .deny ? "Read denied" : (grant.allowedRights.isEmpty ? "none" : grant.allowedRights.map(\.rawValue).joined(separator: ", "))
        }
        func menuItem(_ engine: LicensingEngine, _ privilege: Int, _ index: Int) -> MenuItem? {
            engine.graph.entryPointMenuItems[privilege][index].map { engine.graph.menuItems[$0] }
        }
        let privilegeName = head.graph.privileges[h].name
        let baseEntries = Dictionary(base.graph.privileges[b].entryPoints.enumerated().map { (key($0.element), $0.offset) }, uniquingKeysWith: { a, _ in a })
        let headEntries = Dictionary(head.graph.privileges[h].entryPoints.enumerated().map { (key($0.element), $0.offset) }, uniquingKeysWith: { a, _ in a })
        var causes: [ChangeCause] = []
        for entryKey in Set(baseEntries.keys).union(headEntries.keys).sorted() {
            switch (baseEntries[entryKey], headEntries[entryKey]) {
            case (nil, let hi?):
                let entry = head.graph.privileges[h].entryPoints[hi]
                let license = head.entryPointLicense(privilege: h, entryPoint: hi)
                causes.append(ChangeCause(kind: .entryPointAdded, privilege: privilegeName, entryPoint: label(entry),
                                          detail: "grants \(rights(entry.grant)) → \(license.name)", location: at(entry.location)))
            case (let bi?, nil):
                let entry = base.graph.privileges[b].entryPoints[bi]
                let license = base.entryPointLicense(privilege: b, entryPoint: bi)
                causes.append(ChangeCause(kind: .entryPointRemoved, privilege: privilegeName, entryPoint: label(entry),
                                          detail: "granted \(rights(entry.grant)) → \(license.name)", location: at(head.graph.privileges[h].location)))
            case (let bi?, let hi?):
                let old = base.graph.privileges[b].entryPoints[bi], new = head.graph.privileges[h].entryPoints[hi]
                let oldLicense = base.entryPointLicense(privilege: b, entryPoint: bi), newLicense = head.entryPointLicense(privilege: h, entryPoint: hi)
                // An entry point whose license is the same on both sides explains no license change, whatever its grant.
                guard oldLicense != newLicense else { continue }
                if effectiveRights(old.grant) != effectiveRights(new.grant) {
                    causes.append(ChangeCause(kind: .grantChanged, privilege: privilegeName, entryPoint: label(new),
                                              detail: "\(rights(old.grant)) → \(rights(new.grant)): \(oldLicense.name) → \(newLicense.name)", location: at(new.location)))
                } else if oldLicense != newLicense {
                    let oldItem = menuItem(base, b, bi), newItem = menuItem(head, h, hi)
                    func values(_ item: MenuItem?) -> String {
                        item.map { "View \($0.viewLicense.isEmpty ? "None" : $0.viewLicense), Maintain \($0.maintainLicense.isEmpty ? "None" : $0.maintainLicense)" } ?? "not in the tree"
                    }
                    causes.append(ChangeCause(kind: .menuItemLicenseChanged, privilege: privilegeName, entryPoint: label(new),
                                              detail: "\(values(oldItem)) → \(values(newItem)): \(oldLicense.name) → \(newLicense.name)",
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
