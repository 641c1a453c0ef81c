import AXReading

/// The kinds of securable object a name can be looked up as.
public enum SecurableObjectType: String, Sendable, Hashable, CaseIterable, Codable {
    case role, duty, privilege
}

/// Why a user, role, duty or privilege named by the user of the tool could not be found: the one "no such …" error
/// that permissions, explain and what-if share, so each says it the same way.
public enum LookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No user with this id in the users file.
    case noUser(String)
    /// No object of `type` (any of role, duty, privilege when nil) with this name in the metadata.
    case notFound(name: String, type: SecurableObjectType?)
    /// The name is used by more than one kind of object; the caller has to say which kind it means.
    case ambiguous(name: String)

    public var description: String {
        switch self {
        case .noUser(let id):
            "no user '\(id)' in the users file"
        case .notFound(let name, let type):
            "no \(type?.rawValue ?? "role, duty or privilege") named '\(name)' in the metadata"
        case .ambiguous(let name):
            "'\(name)' names more than one of role, duty and privilege"
        }
    }
}

extension SecurityGraph {
    /// The role, duty or privilege with this name; `type` narrows the search when names collide.
    public func object(named name: String, type: SecurableObjectType?) throws(LookupError) -> SecurableObject {
        var found: [SecurableObject] = []
        if type == nil || type == .role, let role = role(named: name) { found.append(.role(role)) }
        if type == nil || type == .duty, let duty = duty(named: name) { found.append(.duty(duty)) }
        if type == nil || type == .privilege, let privilege = privilege(named: name) { found.append(.privilege(privilege)) }
        guard let first = found.first else { throw .notFound(name: name, type: type) }
        guard found.count == 1 else { throw .ambiguous(name: name) }
        return first
    }

    /// The index of the object of `type` with this name.
    public func index(of type: SecurableObjectType, named name: String) throws(LookupError) -> Int {
        let found: Int? = switch type {
        case .role: role(named: name)
        case .duty: duty(named: name)
        case .privilege: privilege(named: name)
        }
        guard let found else { throw .notFound(name: name, type: type) }
        return found
    }
}

extension UserDirectory {
    /// The user with this id (compared by `NameKey`).
    public func user(withID id: String) throws(LookupError) -> SecurityUser {
        let key = NameKey(id)
        guard let user = users.first(where: { NameKey($0.userId) == key }) else { throw .noUser(id) }
        return user
    }
}
