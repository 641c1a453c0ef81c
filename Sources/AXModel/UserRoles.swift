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
        var resolved = UserRoles(roles: [], names: [], unknown: [])
        for assignment in user.assignments where assignment.isEnabled {
            if let role = role(named: assignment.roleIdentifier) {
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
