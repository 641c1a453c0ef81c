import AXModel

// How a grant's rights become an access level is a licensing rule (Docs/licensing-rules.md §2), not a fact of the
// metadata: the model keeps the rights as written, and each licensing method reads them its own way.

extension AccessGrant {
    /// The access this grant gives, per Docs/licensing-rules.md §2: Read = Deny means none; any allowed right beyond Read means maintain.
    public var accessLevel: AccessLevel {
        if self[.read] == .deny { return .none }
        if allowsRightBeyondRead { return .maintain }
        return allowsAnyRight ? .view : .none
    }

}

/// Whether a grant needs a menu item's view license, its maintain license, or nothing.
public enum AccessLevel: String, Sendable, Hashable, Codable, Comparable {
    case none = "None"
    case view = "View"
    case maintain = "Maintain"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

    private var rank: Int {
        switch self {
        case .none: 0
        case .view: 1
        case .maintain: 2
        }
    }
}

