import AXReading

/// A user's enabled role assignments resolved against the security graph: the one place a role identifier of the
/// users file is looked up, for the estimate, the role list, explain and what-if alike.
public struct UserRoles: Sendable, Hashable {
    /// The roles the metadata defines, as indices into `SecurityGraph.roles`, each once, in assignment order.
    public var roles: [Int]
    /// The names to show: each defined role as the metadata spells it, each undefined identifier as the file does,
    /// each once, in assignment order.
    public var names: [String]
    /// Enabled assignments to roles the metadata does not define.
    public var unknown: [RoleAssignment]
}

extension SecurityGraph {
    /// Resolves the enabled role assignments of `user`.
    public func roles(of user: SecurityUser) -> UserRoles {
        roles(of: user) { role(named: $0) }
    }

    /// Resolves the enabled role assignments of `user`, finding each identifier's role with `lookUp`.
    fileprivate func roles(of user: SecurityUser, lookUp: (String) -> Int?) -> UserRoles {
        var resolved = UserRoles(roles: [], names: [], unknown: [])
        for assignment in user.assignments where assignment.isEnabled {
            if let role = lookUp(assignment.roleIdentifier) {
                if !resolved.roles.contains(role) {
                    resolved.roles.append(role)
                    resolved.names.append(roles[role].name)
                }
            } else {
                if !resolved.names.contains(assignment.roleIdentifier) { resolved.names.append(assignment.roleIdentifier) }
                resolved.unknown.append(assignment)
            }
        }
        return resolved
    }
}

/// Resolves the role assignments of many users against one graph, as `SecurityGraph.roles(of:)` does, looking each
/// distinct spelling of a role identifier up once.
///
/// A users file names a few hundred roles in tens of thousands of assignments; making each assignment's `NameKey`
/// (a new string, case folded) and hashing it was a third of the estimate's work per user. Spellings are remembered
/// as `String`s, whose equality (canonical equivalence) is finer than `NameKey`'s, so a remembered answer is the
/// one `NameKey` gives.
public struct UserRoleResolver {
    /// The graph roles are looked up in.
    public let graph: SecurityGraph
    private var found: [String: Int?] = [:]

    /// A resolver over `graph` that remembers nothing yet.
    public init(graph: SecurityGraph) {
        self.graph = graph
    }

    /// The enabled role assignments of `user`, resolved: the same value as `graph.roles(of: user)`.
    public mutating func roles(of user: SecurityUser) -> UserRoles {
        // The memo is moved out for the call (not copied), so the lookup can add to it while the graph is read.
        var found: [String: Int?] = [:]
        swap(&found, &self.found)
        defer { swap(&found, &self.found) }
        return graph.roles(of: user) { identifier in
            if let known = found[identifier] { return known }
            let role = graph.role(named: identifier)
            found[identifier] = role
            return role
        }
    }
}
