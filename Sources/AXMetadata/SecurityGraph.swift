/// The security model with extensions merged and every reference resolved to an index.
///
/// Built once from a `MetadataSnapshot`; all lookups are case-insensitive, and all output keeps the
/// spelling of the defining file. Dangling references, duplicates and sub-role cycles become diagnostics.
public struct SecurityGraph: Sendable {
    /// Roles sorted by name (case-insensitive), extensions merged into `contents`.
    public let roles: [SecurityRole]
    /// Duties sorted by name, extensions merged into `privileges`.
    public let duties: [SecurityDuty]
    /// Privileges sorted by name.
    public let privileges: [SecurityPrivilege]
    /// Menu items of all three kinds, sorted by kind then name.
    public let menuItems: [MenuItem]

    /// A role's resolved contents: indexes into `duties`, `privileges` and `roles`.
    public struct RoleLinks: Sendable, Hashable {
        public var duties: [Int]
        public var privileges: [Int]
        /// Sub-roles, cycles included (they are reported as diagnostics).
        public var subRoles: [Int]
    }

    /// Resolved contents per role, parallel to `roles`.
    public let roleLinks: [RoleLinks]
    /// Resolved privileges per duty, parallel to `duties`.
    public let dutyPrivileges: [[Int]]
    /// Per privilege, per entry point: the menu item it opens, or nil (not a menu item, or not in the tree).
    public let entryPointMenuItems: [[Int?]]
    /// Every privilege a role grants through its duties, privileges and sub-roles, sorted and unique.
    public let roleEffectivePrivileges: [[Int]]
    /// Problems found while reading and resolving, as `DiagnosticLog` shows them: sorted, repeats collapsed, capped.
    public let diagnostics: [Diagnostic]

    private let roleIndex: [String: Int]
    private let dutyIndex: [String: Int]
    private let privilegeIndex: [String: Int]
    private let menuItemIndex: [MenuItemKind: [String: Int]]

    /// Resolves `snapshot`. Its diagnostics are carried over, and resolution problems added.
    public init(_ snapshot: MetadataSnapshot) {
        var diagnostics = snapshot.log
        var roles: [SecurityRole] = [], duties: [SecurityDuty] = [], privileges: [SecurityPrivilege] = []
        var menuItemsByKind = MenuItemKind.allCases.map { _ in [MenuItem]() }
        var roleExtensions: [RoleExtension] = [], dutyExtensions: [DutyExtension] = []
        for loaded in snapshot.objects {
            switch loaded.object {
            case .role(let role): roles.append(role)
            case .duty(let duty): duties.append(duty)
            case .privilege(let privilege): privileges.append(privilege)
            case .menuItem(let item): menuItemsByKind[MenuItemKind.allCases.firstIndex(of: item.kind)!].append(item)
            case .roleExtension(let ext): roleExtensions.append(ext)
            case .dutyExtension(let ext): dutyExtensions.append(ext)
            }
        }

        PhaseTimer.mark("  graph: collected")
        // Each kind sorted by name, case-insensitively, with the first definition in sorted path order winning over
        // later ones of the same name (reported as duplicates).
        // Extensions stay in path order: that is the order their contents are added in.
        func definitions<T>(_ items: inout [T], _ kind: String, _ name: (T) -> String, _ location: (T) -> SourceLocation, inPathOrder: Bool = false) -> [String: Int] {
            let names = UniqueNames(items.map(name))
            for (duplicate, first) in names.duplicates {
                diagnostics.append(Diagnostic(.warning, .duplicateDefinition, "\(kind) '\(name(items[duplicate]))' is also defined in \(location(items[first]).file); the first definition (sorted path order) wins, this one is ignored", at: location(items[duplicate])))
            }
            items.keep(inPathOrder ? names.order.sorted() : names.order)
            return names.index
        }
        let roleIndex = definitions(&roles, "role", \.name, \.location)
        let dutyIndex = definitions(&duties, "duty", \.name, \.location)
        let privilegeIndex = definitions(&privileges, "privilege", \.name, \.location)
        var menuItems: [MenuItem] = []
        menuItems.reserveCapacity(menuItemsByKind.reduce(0) { $0 + $1.count })
        var menuItemIndex: [MenuItemKind: [String: Int]] = [:]
        for (kind, var items) in zip(MenuItemKind.allCases, menuItemsByKind) {
            let offset = menuItems.count
            menuItemIndex[kind] = definitions(&items, "menu item \(kind.rawValue.lowercased())", \.name, \.location).mapValues { $0 + offset }
            menuItems += items
        }
        menuItemsByKind = []
        _ = definitions(&roleExtensions, "role extension", \.name, \.location, inPathOrder: true)
        _ = definitions(&dutyExtensions, "duty extension", \.name, \.location, inPathOrder: true)

        PhaseTimer.mark("  graph: sorted and indexed")
        // Extensions add to their base objects.
        for ext in roleExtensions {
            if let base = roleIndex[ext.baseName.lowercased()] {
                roles[base].contents.append(ext.contents)
            } else {
                diagnostics.append(Diagnostic(.warning, .danglingReference, "role extension '\(ext.name)' extends role '\(ext.baseName)', which is not in the tree; extension ignored", at: ext.location))
            }
        }
        for ext in dutyExtensions {
            if let base = dutyIndex[ext.baseName.lowercased()] {
                duties[base].privileges += ext.privileges
            } else {
                diagnostics.append(Diagnostic(.warning, .danglingReference, "duty extension '\(ext.name)' extends duty '\(ext.baseName)', which is not in the tree; extension ignored", at: ext.location))
            }
        }

        func resolve(_ references: [ObjectReference], in table: [String: Int], kind: String, from owner: String) -> [Int] {
            var result: [Int] = []
            for reference in references {
                if let found = table[reference.name.lowercased()] {
                    if !result.contains(found) { result.append(found) }
                } else {
                    diagnostics.append(Diagnostic(.warning, .danglingReference, "\(owner) references \(kind) '\(reference.name)', which is not in the tree; it grants nothing here", at: reference.location))
                }
            }
            return result
        }

        PhaseTimer.mark("  graph: extensions")
        let roleLinks = roles.map { role in
            RoleLinks(
                duties: resolve(role.contents.duties, in: dutyIndex, kind: "duty", from: "role '\(role.name)'"),
                privileges: resolve(role.contents.privileges, in: privilegeIndex, kind: "privilege", from: "role '\(role.name)'"),
                subRoles: resolve(role.contents.subRoles, in: roleIndex, kind: "role", from: "role '\(role.name)'"))
        }
        let dutyPrivileges = duties.map { resolve($0.privileges, in: privilegeIndex, kind: "privilege", from: "duty '\($0.name)'") }

        PhaseTimer.mark("  graph: roles/duties resolved")
        var entryPointMenuItems: [[Int?]] = []
        entryPointMenuItems.reserveCapacity(privileges.count)
        for privilege in privileges {
            entryPointMenuItems.append(privilege.entryPoints.map { entryPoint in
                guard let kind = entryPoint.objectType.menuItemKind else { return nil }
                if let found = menuItemIndex[kind]?[entryPoint.objectName.lowercased()] { return found }
                diagnostics.append(Diagnostic(.warning, .unknownEntryPointLicense, "privilege '\(privilege.name)' grants \(entryPoint.objectType) '\(entryPoint.objectName)', which is not in the tree; license unknown, counted as none", at: entryPoint.location))
                return nil
            })
        }

        PhaseTimer.mark("  graph: entry points resolved")
        for item in menuItems {
            for (property, value) in [("ViewUserLicense", item.viewLicense), ("MaintainUserLicense", item.maintainLicense)] {
                switch value.kind {
                case .current: break
                case .legacy:
                    diagnostics.append(Diagnostic(.warning, .legacyLicenseValue, "menu item '\(item.name)' has legacy \(property) '\(value.raw)'; counted as \(value.tier.name)", at: item.location))
                case .unknown:
                    diagnostics.append(Diagnostic(.warning, .unknownLicenseValue, "menu item '\(item.name)' has \(property) '\(value.raw)', which is not a UserLicenseType value; counted as None", at: item.location))
                }
            }
        }

        PhaseTimer.mark("  graph: license values")
        // Report each sub-role cycle once (depth-first, one report per edge that closes a cycle). Edges are kept:
        // a role in a cycle grants everything reachable from it, so results do not depend on traversal order.
        var state = [UInt8](repeating: 0, count: roles.count)  // 0 new, 1 on the current path, 2 done
        var path: [Int] = []
        func visit(_ role: Int) {
            state[role] = 1
            path.append(role)
            for sub in roleLinks[role].subRoles {
                if state[sub] == 1 {
                    let start = path.firstIndex(of: sub)!
                    let cycle = (path[start...] + [sub]).map { roles[$0].name }.joined(separator: " > ")
                    let location = roles[role].contents.subRoles.first { $0.name.lowercased() == roles[sub].name.lowercased() }?.location ?? roles[role].location
                    diagnostics.append(Diagnostic(.warning, .subRoleCycle, "sub-role cycle \(cycle); each role in it grants the privileges of all of them", at: location))
                } else if state[sub] == 0 {
                    visit(sub)
                }
            }
            path.removeLast()
            state[role] = 2
        }
        for role in roles.indices where state[role] == 0 { visit(role) }

        PhaseTimer.mark("  graph: cycles")
        // Effective privileges: the direct and duty privileges of every role reachable through sub-roles.
        self.roleEffectivePrivileges = roles.indices.map { start in
            Self.reach(from: start, links: { roleLinks[$0] }, dutyPrivileges: dutyPrivileges).privileges.sorted()
        }

        PhaseTimer.mark("  graph: effective privileges")
        self.roles = roles
        self.duties = duties
        self.privileges = privileges
        self.menuItems = menuItems
        self.roleLinks = roleLinks
        self.dutyPrivileges = dutyPrivileges
        self.entryPointMenuItems = entryPointMenuItems
        self.diagnostics = diagnostics.diagnostics
        self.roleIndex = roleIndex
        self.dutyIndex = dutyIndex
        self.privilegeIndex = privilegeIndex
        self.menuItemIndex = menuItemIndex
    }

    /// The role with this name (case-insensitive).
    public func role(named name: String) -> Int? { roleIndex[name.lowercased()] }
    /// The duty with this name (case-insensitive).
    public func duty(named name: String) -> Int? { dutyIndex[name.lowercased()] }
    /// The privilege with this name (case-insensitive).
    public func privilege(named name: String) -> Int? { privilegeIndex[name.lowercased()] }
    /// The menu item of this kind and name (case-insensitive).
    public func menuItem(_ kind: MenuItemKind, named name: String) -> Int? { menuItemIndex[kind]?[name.lowercased()] }

    /// True when reading the tree hit errors (malformed or unreadable files): results may be missing objects.
    public var isIncomplete: Bool { diagnostics.containsErrors }
}

/// A securable object that View Permissions and the licensing engine can be asked about.
public enum SecurableObject: Sendable, Hashable {
    case role(Int)
    case duty(Int)
    case privilege(Int)
}

/// One step on the path that grants a privilege: role > sub-role > duty > privilege.
public struct GrantPathStep: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `Role`, `Duty` or `Privilege`.
    public var kind: String
    /// The object's name as defined.
    public var name: String

    public var description: String { name }
}

extension SecurityGraph {
    /// Every privilege `object` reaches, with each distinct path that grants it, in a stable order.
    public func grantPaths(from object: SecurableObject) -> [(path: [GrantPathStep], privilege: Int)] {
        var result: [(path: [GrantPathStep], privilege: Int)] = []
        func walkRole(_ role: Int, _ prefix: [GrantPathStep], _ seen: Set<Int>) {
            let path = prefix + [GrantPathStep(kind: "Role", name: roles[role].name)]
            for privilege in roleLinks[role].privileges {
                result.append((path + [GrantPathStep(kind: "Privilege", name: privileges[privilege].name)], privilege))
            }
            for duty in roleLinks[role].duties { walkDuty(duty, path) }
            for sub in roleLinks[role].subRoles where !seen.contains(sub) { walkRole(sub, path, seen.union([sub])) }
        }
        func walkDuty(_ duty: Int, _ prefix: [GrantPathStep]) {
            let path = prefix + [GrantPathStep(kind: "Duty", name: duties[duty].name)]
            for privilege in dutyPrivileges[duty] {
                result.append((path + [GrantPathStep(kind: "Privilege", name: privileges[privilege].name)], privilege))
            }
        }
        switch object {
        case .role(let role): walkRole(role, [], [role])
        case .duty(let duty): walkDuty(duty, [])
        case .privilege(let privilege): result.append(([GrantPathStep(kind: "Privilege", name: privileges[privilege].name)], privilege))
        }
        return result
    }

    /// What a role reaches through its sub-roles (itself included) and the privileges those roles grant directly or
    /// through their duties, with `links` giving each role's links (a what-if question passes edited ones).
    public static func reach(from role: Int, links: (Int) -> RoleLinks, dutyPrivileges: [[Int]]) -> (roles: Set<Int>, privileges: Set<Int>) {
        var seen: Set<Int> = [role]
        var stack = [role]
        var privileges = Set<Int>()
        while let current = stack.popLast() {
            let roleLinks = links(current)
            privileges.formUnion(roleLinks.privileges)
            for duty in roleLinks.duties { privileges.formUnion(dutyPrivileges[duty]) }
            for sub in roleLinks.subRoles where seen.insert(sub).inserted { stack.append(sub) }
        }
        return (seen, privileges)
    }

    /// Every privilege `object` grants, sorted and unique.
    public func effectivePrivileges(of object: SecurableObject) -> [Int] {
        switch object {
        case .role(let role): roleEffectivePrivileges[role]
        case .duty(let duty): Array(Set(dutyPrivileges[duty])).sorted()
        case .privilege(let privilege): [privilege]
        }
    }
}
