import AXReading

/// The security model with extensions merged and every reference resolved to an index.
///
/// Built once from a `MetadataSnapshot`; all lookups compare names by `NameKey` (case and Unicode normalisation
/// ignored), and all output keeps the spelling of the defining file. Dangling references, duplicates and sub-role cycles become diagnostics.
public struct SecurityGraph: Sendable {
    /// Roles sorted by name key, extensions merged into `contents`.
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
    /// References from objects of the analysed tree (not of a reference folder) to roles, duties, privileges and menu
    /// items that no layer holds: what they grant, and so the license impact through them, is unknown. One entry per
    /// referencing place, in object order.
    public let unresolved: [UnresolvedReference]

    private let roleIndex: [NameKey: Int]
    private let dutyIndex: [NameKey: Int]
    private let privilegeIndex: [NameKey: Int]
    private let menuItemIndex: [MenuItemKind: [NameKey: Int]]

    /// Resolves `snapshot`. Its diagnostics are carried over, and resolution problems added.
    public init(_ snapshot: MetadataSnapshot) {
        var diagnostics = snapshot.log
        var roles: [SecurityRole] = [], duties: [SecurityDuty] = [], privileges: [SecurityPrivilege] = []
        var menuItemsByKind = MenuItemKind.allCases.map { _ in [MenuItem]() }
        var roleExtensions: [RoleExtension] = [], dutyExtensions: [DutyExtension] = []
        var unresolved: [UnresolvedReference] = []
        /// Records a reference to `name` that no layer holds, when the object making it is the tree's own.
        func unresolvable(_ kind: UnresolvedReference.Kind, _ name: String, from owner: String, _ origin: ModelOrigin, at location: SourceLocation?) {
            guard !origin.isFromReference else { return }
            unresolved.append(UnresolvedReference(kind: kind, name: name, referencedBy: owner, location: location))
        }
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
        // Each kind sorted by name key, with the first definition in sorted path order winning over
        // later ones of the same name (reported as duplicates).
        // Extensions stay in path order: that is the order their contents are added in.
        func definitions<T>(_ items: inout [T], _ kind: String, _ name: (T) -> String, _ location: (T) -> SourceLocation, inPathOrder: Bool = false) -> [NameKey: Int] {
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
        var menuItemIndex: [MenuItemKind: [NameKey: Int]] = [:]
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
            guard let baseName = ext.baseName else {
                diagnostics.append(Diagnostic(.warning, .malformedExtensionName, "role extension '\(ext.name)' is not named <BaseRole>.<Suffix>; it extends no role and is ignored", at: ext.location))
                continue
            }
            if let base = roleIndex[NameKey(baseName)] {
                roles[base].contents.append(ext.contents)
            } else {
                unresolvable(.role, baseName, from: "role extension '\(ext.name)'", ext.origin, at: ext.location)
                diagnostics.append(Diagnostic(.warning, .danglingReference, "role extension '\(ext.name)' extends role '\(baseName)', which is not in the tree; extension ignored", at: ext.location))
            }
        }
        for ext in dutyExtensions {
            guard let baseName = ext.baseName else {
                diagnostics.append(Diagnostic(.warning, .malformedExtensionName, "duty extension '\(ext.name)' is not named <BaseDuty>.<Suffix>; it extends no duty and is ignored", at: ext.location))
                continue
            }
            if let base = dutyIndex[NameKey(baseName)] {
                duties[base].privileges += ext.privileges
            } else {
                unresolvable(.duty, baseName, from: "duty extension '\(ext.name)'", ext.origin, at: ext.location)
                diagnostics.append(Diagnostic(.warning, .danglingReference, "duty extension '\(ext.name)' extends duty '\(baseName)', which is not in the tree; extension ignored", at: ext.location))
            }
        }

        func resolve(_ references: [ObjectReference], in table: [NameKey: Int], kind: UnresolvedReference.Kind, from owner: String, _ origin: ModelOrigin) -> [Int] {
            var result: [Int] = []
            // A repeated link counts once; a set only for long lists (a hostile file can list one name 100,000 times).
            var seen: Set<Int>? = references.count > 16 ? [] : nil
            for reference in references {
                if let found = table[NameKey(reference.name)] {
                    let isNew = seen == nil ? !result.contains(found) : seen!.insert(found).inserted
                    if isNew { result.append(found) }
                } else {
                    diagnostics.append(Diagnostic(.warning, .danglingReference, "\(owner) references \(kind.rawValue) '\(reference.name)', which is not in the tree; it grants nothing here", at: reference.location))
                    unresolvable(kind, reference.name, from: owner, origin, at: reference.location)
                }
            }
            return result
        }

        PhaseTimer.mark("  graph: extensions")
        let roleLinks = roles.map { role in
            RoleLinks(
                duties: resolve(role.contents.duties, in: dutyIndex, kind: .duty, from: "role '\(role.name)'", role.origin),
                privileges: resolve(role.contents.privileges, in: privilegeIndex, kind: .privilege, from: "role '\(role.name)'", role.origin),
                subRoles: resolve(role.contents.subRoles, in: roleIndex, kind: .role, from: "role '\(role.name)'", role.origin))
        }
        let dutyPrivileges = duties.map { resolve($0.privileges, in: privilegeIndex, kind: .privilege, from: "duty '\($0.name)'", $0.origin) }

        PhaseTimer.mark("  graph: roles/duties resolved")
        var entryPointMenuItems: [[Int?]] = []
        entryPointMenuItems.reserveCapacity(privileges.count)
        for privilege in privileges {
            entryPointMenuItems.append(privilege.entryPoints.map { entryPoint in
                guard let kind = entryPoint.objectType.menuItemKind else { return nil }
                if let found = menuItemIndex[kind]?[NameKey(entryPoint.objectName)] { return found }
                diagnostics.append(Diagnostic(.warning, .unknownEntryPointLicense, "privilege '\(privilege.name)' grants \(entryPoint.objectType) '\(entryPoint.objectName)', which is not in the tree; license unknown, counted as none", at: entryPoint.location))
                unresolvable(.menuItem, entryPoint.objectName, from: "privilege '\(privilege.name)'", privilege.origin, at: entryPoint.location)
                return nil
            })
        }

        PhaseTimer.mark("  graph: entry points resolved")
        // Report each sub-role cycle once (depth-first, one report per link that closes a cycle). Links are kept:
        // a role in a cycle grants everything reachable from it, so results do not depend on traversal order.
        // The walk keeps its own stack: a chain of sub-roles is as deep as the input makes it.
        var state = [UInt8](repeating: 0, count: roles.count)  // 0 new, 1 on the current path, 2 done
        var pathPosition = [Int](repeating: 0, count: roles.count)
        var path: [(role: Int, next: Int)] = []
        for root in roles.indices where state[root] == 0 {
            state[root] = 1
            path.append((root, 0))
            while let (role, next) = path.last {
                let subRoles = roleLinks[role].subRoles
                guard next < subRoles.count else {
                    state[role] = 2
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let sub = subRoles[next]
                if state[sub] == 1 {
                    // A long cycle is named by its ends: the message stays short however deep the cycle is.
                    let members = path[pathPosition[sub]...]
                    let shown = members.count <= 10 ? members.map { roles[$0.role].name }
                        : members.prefix(5).map { roles[$0.role].name } + ["… \(members.count - 9) more …"] + members.suffix(4).map { roles[$0.role].name }
                    let cycle = (shown + [roles[sub].name]).joined(separator: " > ")
                    let subKey = NameKey(roles[sub].name)
                    let location = roles[role].contents.subRoles.first { NameKey($0.name) == subKey }?.location ?? roles[role].location
                    diagnostics.append(Diagnostic(.warning, .subRoleCycle, "sub-role cycle \(cycle); each role in it grants the privileges of all of them", at: location))
                } else if state[sub] == 0 {
                    state[sub] = 1
                    pathPosition[sub] = path.count
                    path.append((sub, 0))
                }
            }
        }

        PhaseTimer.mark("  graph: cycles")
        // Effective privileges: the direct and duty privileges of every role reachable through sub-roles.
        self.roleEffectivePrivileges = Self.effectivePrivileges(links: roleLinks, dutyPrivileges: dutyPrivileges, privilegeCount: privileges.count)

        PhaseTimer.mark("  graph: effective privileges")
        self.roles = roles
        self.duties = duties
        self.privileges = privileges
        self.menuItems = menuItems
        self.roleLinks = roleLinks
        self.dutyPrivileges = dutyPrivileges
        self.entryPointMenuItems = entryPointMenuItems
        self.diagnostics = diagnostics.diagnostics
        self.unresolved = unresolved
        self.roleIndex = roleIndex
        self.dutyIndex = dutyIndex
        self.privilegeIndex = privilegeIndex
        self.menuItemIndex = menuItemIndex
    }

    /// The role with this name (compared by `NameKey`: case and Unicode normalisation ignored).
    public func role(named name: String) -> Int? { roleIndex[NameKey(name)] }
    /// The duty with this name (compared by `NameKey`).
    public func duty(named name: String) -> Int? { dutyIndex[NameKey(name)] }
    /// The privilege with this name (compared by `NameKey`).
    public func privilege(named name: String) -> Int? { privilegeIndex[NameKey(name)] }
    /// The menu item of this kind and name (compared by `NameKey`).
    public func menuItem(_ kind: MenuItemKind, named name: String) -> Int? { menuItemIndex[kind]?[NameKey(name)] }

    /// True when reading the tree hit errors (malformed or unreadable files): results may be missing objects.
    public var isIncomplete: Bool { diagnostics.containsErrors }
}

/// A reference from an object of the analysed tree to a role, duty, privilege or menu item that neither the tree nor
/// a reference folder holds (a standard object when the standard application is not given as a reference): the
/// license impact through it is unknown, and reports say so rather than "no license impact".
public struct UnresolvedReference: Sendable, Hashable, Codable {
    /// What kind of object is missing.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case role
        case duty
        case privilege
        case menuItem = "menu item"
    }

    /// The kind of the object referenced.
    public var kind: Kind
    /// Its name as written in the reference.
    public var name: String
    /// The object that references it, in words: `role 'ContosoSalesClerk'`.
    public var referencedBy: String
    /// Where the reference is written.
    public var location: SourceLocation?

    public init(kind: Kind, name: String, referencedBy: String, location: SourceLocation?) {
        self.kind = kind
        self.name = name
        self.referencedBy = referencedBy
        self.location = location
    }

    /// `duty 'SalesOrdersMaintain'`.
    public var object: String { "\(kind.rawValue) '\(name)'" }
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
    /// True when the object came from a reference folder (the standard application), not the analysed tree.
    public var fromReference: Bool

    public init(kind: String, name: String, fromReference: Bool = false) {
        self.kind = kind
        self.name = name
        self.fromReference = fromReference
    }

    /// The name, marked `(reference)` when the object came from a reference folder.
    public var description: String { fromReference ? name + " (reference)" : name }
}

/// How one privilege is reached from a role, duty or privilege (or from a user's roles): a shortest grant path, and
/// how many other paths lead to it.
///
/// Listing every path is not possible: a lattice of roles each holding the two roles of the next level has 2^levels
/// paths. Each privilege is listed once, and the other paths are counted.
public struct GrantPath: Sendable, Hashable {
    /// Counts of further paths stop here: the value means "this many or more" (exact below it).
    public static let furtherPathLimit = 1_000_000

    /// The privilege reached.
    public var privilege: Int
    /// Role > sub-role > duty > privilege, with the fewest steps (among those, the first in link order: the order
    /// the defining files list them, privileges before duties before sub-roles).
    public var path: [GrantPathStep]
    /// How many other paths reach the privilege; `furtherPathLimit` means that many or more.
    public var furtherPaths: Int

    public init(privilege: Int, path: [GrantPathStep], furtherPaths: Int = 0) {
        self.privilege = privilege
        self.path = path
        self.furtherPaths = furtherPaths
    }

    /// `Role > Duty > Privilege`, with `(and 3 more paths)` when there are others.
    package var pathDescription: String { Self.describe(path, furtherPaths: furtherPaths) }

    /// `Role > Duty > Privilege` for `path`, with `(and 3 more paths)` when `furtherPaths` is not zero: how every
    /// report writes a grant path.
    package static func describe(_ path: [GrantPathStep], furtherPaths: Int) -> String {
        let text = path.map(\.description).joined(separator: " > ")
        switch furtherPaths {
        case 0: return text
        case 1: return text + " (and 1 more path)"
        case furtherPathLimit...: return text + " (and at least \(furtherPathLimit) more paths)"
        default: return text + " (and \(furtherPaths) more paths)"
        }
    }
}

extension SecurityGraph {
    /// Every privilege `object` reaches, each once with a shortest path and the count of other paths, in the order a
    /// depth-first walk first reaches them (direct privileges, then duties, then sub-roles, as the files list them).
    public func grantPaths(from object: SecurableObject) -> [GrantPath] {
        switch object {
        case .role(let role): grantPaths(fromNodes: [role])
        case .duty(let duty): grantPaths(fromNodes: [roles.count + duty])
        case .privilege(let privilege): grantPaths(fromNodes: [roles.count + duties.count + privilege])
        }
    }

    /// Every privilege a holder of all of `roles` reaches, each once: the shortest path from any of them (the
    /// earlier role on a tie), and the count of other paths from all of them.
    public func grantPaths(fromRoles roles: [Int]) -> [GrantPath] {
        grantPaths(fromNodes: roles)
    }

    /// The walk behind both: over one graph whose nodes are roles, then duties, then privileges.
    ///
    /// A depth-first walk finds the reachable nodes, the order privileges are listed in, and the links that close a
    /// sub-role cycle (to a role on the walk's current path); those links are left out, so what remains is acyclic:
    /// paths are counted over it in topological order, and a breadth-first walk over it gives each node a shortest
    /// path. Time and memory are linear in the graph (plus the paths returned); counts saturate at
    /// `GrantPath.furtherPathLimit + 1`, so no sum overflows.
    private func grantPaths(fromNodes sources: [Int]) -> [GrantPath] {
        let roleCount = roles.count, dutyEnd = roles.count + duties.count
        let nodeCount = dutyEnd + privileges.count
        /// The node's children in link order: privileges, duties, sub-roles.
        func forEachChild(_ node: Int, _ body: (Int) -> Void) {
            if node < roleCount {
                for privilege in roleLinks[node].privileges { body(dutyEnd + privilege) }
                for duty in roleLinks[node].duties { body(roleCount + duty) }
                for sub in roleLinks[node].subRoles { body(sub) }
            } else if node < dutyEnd {
                for privilege in dutyPrivileges[node - roleCount] { body(dutyEnd + privilege) }
            }
        }
        func childCount(_ node: Int) -> Int {
            if node < roleCount { return roleLinks[node].privileges.count + roleLinks[node].duties.count + roleLinks[node].subRoles.count }
            return node < dutyEnd ? dutyPrivileges[node - roleCount].count : 0
        }
        func child(_ node: Int, _ index: Int) -> Int {
            if node >= roleCount { return dutyEnd + dutyPrivileges[node - roleCount][index] }
            let links = roleLinks[node]
            if index < links.privileges.count { return dutyEnd + links.privileges[index] }
            if index < links.privileges.count + links.duties.count { return roleCount + links.duties[index - links.privileges.count] }
            return links.subRoles[index - links.privileges.count - links.duties.count]
        }
        struct Link: Hashable { var from: Int, to: Int }

        // Depth first: reachable nodes, privileges in first-reached order, post-order, and the cycle-closing links.
        var state = [UInt8](repeating: 0, count: nodeCount)  // 0 new, 1 on the current path, 2 done
        var reachedPrivileges: [Int] = []
        var postOrder: [Int] = []
        var cycleLinks = Set<Link>()
        var stack: [(node: Int, next: Int)] = []
        for source in sources where state[source] == 0 {
            state[source] = 1
            stack.append((source, 0))
            if source >= dutyEnd { reachedPrivileges.append(source) }
            while let (node, next) = stack.last {
                guard next < childCount(node) else {
                    state[node] = 2
                    postOrder.append(node)
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let target = child(node, next)
                switch state[target] {
                case 0:
                    state[target] = 1
                    stack.append((target, 0))
                    if target >= dutyEnd { reachedPrivileges.append(target) }
                case 1:
                    cycleLinks.insert(Link(from: node, to: target))
                default:
                    break
                }
            }
        }

        // Path counts, saturating, in topological order (reverse post-order) over the acyclic links.
        let saturated = GrantPath.furtherPathLimit + 1
        var pathCount = [Int](repeating: 0, count: nodeCount)
        for source in sources { pathCount[source] = 1 }
        for node in postOrder.reversed() {
            let count = pathCount[node]
            forEachChild(node) { target in
                if node < roleCount, target < roleCount, cycleLinks.contains(Link(from: node, to: target)) { return }
                pathCount[target] = min(pathCount[target] + count, saturated)
            }
        }

        // Breadth first over the same links: each node's parent on a shortest path.
        var parent = [Int](repeating: -2, count: nodeCount)  // -2 not reached, -1 a source
        var queue: [Int] = []
        queue.reserveCapacity(postOrder.count)
        for source in sources where parent[source] == -2 {
            parent[source] = -1
            queue.append(source)
        }
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            forEachChild(node) { target in
                guard parent[target] == -2 else { return }
                if node < roleCount, target < roleCount, cycleLinks.contains(Link(from: node, to: target)) { return }
                parent[target] = node
                queue.append(target)
            }
        }

        func step(_ node: Int) -> GrantPathStep {
            if node < roleCount { return GrantPathStep(kind: "Role", name: roles[node].name, fromReference: roles[node].origin.isFromReference) }
            if node < dutyEnd {
                return GrantPathStep(kind: "Duty", name: duties[node - roleCount].name, fromReference: duties[node - roleCount].origin.isFromReference)
            }
            return GrantPathStep(kind: "Privilege", name: privileges[node - dutyEnd].name, fromReference: privileges[node - dutyEnd].origin.isFromReference)
        }
        return reachedPrivileges.map { node in
            var path: [GrantPathStep] = []
            var current = node
            while current >= 0 {
                path.append(step(current))
                current = parent[current]
            }
            return GrantPath(privilege: node - dutyEnd, path: path.reversed(), furtherPaths: min(pathCount[node] - 1, GrantPath.furtherPathLimit))
        }
    }

    /// Every privilege each role grants through its duties, privileges and sub-roles, sorted and unique, with `links`
    /// giving each role's links (a what-if question passes edited ones).
    ///
    /// Without recursion and without walking from every role: the strongly connected components of the sub-role
    /// links (Tarjan's algorithm, with its own stack) come out sinks first, so each component's privileges are its
    /// members' own plus those already computed for the components it links to. The cost is the size of the links
    /// plus that of the results.
    package static func effectivePrivileges(links: [RoleLinks], dutyPrivileges: [[Int]], privilegeCount: Int) -> [[Int]] {
        let count = links.count
        var result = [[Int]](repeating: [], count: count)
        var order = [Int](repeating: -1, count: count)  // discovery index, -1 not yet reached
        var low = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var members: [Int] = []
        var walk: [(role: Int, next: Int)] = []
        var discovered = 0
        var mark = [Int](repeating: 0, count: privilegeCount)  // per privilege: the last component that collected it
        var component = 0
        func discover(_ role: Int) {
            order[role] = discovered
            low[role] = discovered
            discovered += 1
            onStack[role] = true
            members.append(role)
            walk.append((role, 0))
        }
        for root in 0..<count where order[root] == -1 {
            discover(root)
            while let (role, next) = walk.last {
                let subRoles = links[role].subRoles
                if next < subRoles.count {
                    walk[walk.count - 1].next += 1
                    let sub = subRoles[next]
                    if order[sub] == -1 {
                        discover(sub)
                    } else if onStack[sub] {
                        low[role] = min(low[role], order[sub])
                    }
                    continue
                }
                walk.removeLast()
                if let caller = walk.last { low[caller.role] = min(low[caller.role], low[role]) }
                guard low[role] == order[role] else { continue }
                // `role` roots a component: its members are on top of `members`, down to `role`.
                let first = members.lastIndex(of: role)!
                let componentMembers = Array(members[first...])  // a copy: a slice would share the buffer and make trimming `members` copy it whole
                component += 1
                var privileges: [Int] = []
                func collect(_ privilege: Int) {
                    if mark[privilege] != component {
                        mark[privilege] = component
                        privileges.append(privilege)
                    }
                }
                for member in componentMembers {
                    for privilege in links[member].privileges { collect(privilege) }
                    for duty in links[member].duties { for privilege in dutyPrivileges[duty] { collect(privilege) } }
                    for sub in links[member].subRoles where !onStack[sub] { for privilege in result[sub] { collect(privilege) } }
                }
                privileges.sort()
                for member in componentMembers {
                    onStack[member] = false
                    result[member] = privileges
                }
                members.removeSubrange(first...)
            }
        }
        return result
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
