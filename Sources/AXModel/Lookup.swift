import AXReading

/// The kinds of securable object a name can be looked up as.
public enum SecurableObjectType: String, Sendable, Hashable, CaseIterable, Codable {
    case role, duty, privilege
}

/// Why a user, role, duty or privilege named by the user of the tool could not be found: the one "no such …" error
/// that permissions, explain and what-if share, so each says it the same way.
public enum LookupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No user with this id in the users file; `suggestions` are the closest user ids ("did you mean").
    case noUser(String, suggestions: [String] = [])
    /// No object of `type` (any of role, duty, privilege when nil) with this name or label in the metadata;
    /// `suggestions` are the closest names, each with its label when the label is what came close.
    case notFound(name: String, type: SecurableObjectType?, suggestions: [String] = [])
    /// The name is used by more than one kind of object; the caller has to say which kind it means.
    case ambiguous(name: String)
    /// No object has this name, and more than one has it as its label: `candidates` are their names (with their kind
    /// when kinds differ), so the user can give the one they mean by its name.
    case ambiguousLabel(label: String, candidates: [String])

    public var description: String {
        switch self {
        case .noUser(let id, let suggestions):
            "no user '\(id)' in the users file" + Self.didYouMean(suggestions)
        case .notFound(let name, let type, let suggestions):
            "no \(type?.rawValue ?? "role, duty or privilege") named '\(name)' in the metadata" + Self.didYouMean(suggestions)
        case .ambiguous(let name):
            "'\(name)' names more than one of role, duty and privilege"
        case .ambiguousLabel(let label, let candidates):
            "'\(label)' is the label of more than one object: \(candidates.map { "'\($0)'" }.joined(separator: ", ")); give the one you mean by its name"
        }
    }

    private static func didYouMean(_ suggestions: [String]) -> String {
        suggestions.isEmpty ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"
    }
}

/// How a name a person typed is matched when no object has it as its name: by label (a role's label is what the
/// Security configuration form shows, "Accounts payable clerk"), and on a miss the closest names and labels by edit
/// distance, for "did you mean". Labels that are label ids (`@SYS12345`) are not text anyone types, and are skipped.
public enum NameSuggestions {
    /// At most this many suggestions are offered.
    public static let limit = 3

    /// Whether `label` is text a person could type (not empty, not a label id).
    public static func isTypable(_ label: String) -> Bool { !label.isEmpty && !label.hasPrefix("@") }

    /// The closest of `candidates` (each a name and its label) to `typed`: those whose name or label is within a few
    /// edits of it (about one in three characters, at least 2), or contains it (4 characters or more), closest first,
    /// then by name. A candidate that came close by its label is shown as `Name (label)`.
    public static func closest(to typed: String, among candidates: some Sequence<(name: String, label: String)>) -> [String] {
        let keyText = NameKey(typed).text, key = Array(keyText.unicodeScalars)
        guard !key.isEmpty else { return [] }
        let bound = max(2, key.count / 3)
        var scored: [(distance: Int, name: String, shown: String)] = []
        for candidate in candidates {
            var best: (distance: Int, shown: String)?
            for (text, shown) in [(candidate.name, candidate.name), (candidate.label, "\(candidate.name) (\(candidate.label))")] {
                guard text == candidate.name || isTypable(text) else { continue }
                let otherText = NameKey(text).text, other = Array(otherText.unicodeScalars)
                let distance: Int
                if key.count >= 4, other.count > key.count, otherText.contains(keyText) {
                    distance = bound  // contains what was typed: as close as the furthest typo allowed
                } else if abs(other.count - key.count) <= bound, let edits = editDistance(key, other, bound: bound) {
                    distance = edits
                } else {
                    continue
                }
                if best == nil || distance < best!.distance { best = (distance, shown) }
            }
            if let best { scored.append((best.distance, candidate.name, best.shown)) }
        }
        scored.sort { ($0.distance, NameKey($0.name)) < ($1.distance, NameKey($1.name)) }
        var shown: [String] = []
        for candidate in scored where shown.count < limit && !shown.contains(candidate.shown) { shown.append(candidate.shown) }
        return shown
    }

    /// The Levenshtein distance between `a` and `b`, or nil when it is over `bound` (the rows stop early).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], bound: Int) -> Int? {
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for (i, left) in a.enumerated() {
            current[0] = i + 1
            var rowMinimum = current[0]
            for (j, right) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
                rowMinimum = min(rowMinimum, current[j + 1])
            }
            if rowMinimum > bound { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= bound ? previous[b.count] : nil
    }
}

extension SecurityGraph {
    /// The name and label of each object of `type`.
    private func namesAndLabels(_ type: SecurableObjectType) -> [(name: String, label: String)] {
        switch type {
        case .role: roles.map { ($0.name, $0.label) }
        case .duty: duties.map { ($0.name, $0.label) }
        case .privilege: privileges.map { ($0.name, $0.label) }
        }
    }

    /// The role, duty or privilege with this name, else with this label; `type` narrows the search when names
    /// collide. A miss suggests the closest names and labels.
    public func object(named name: String, type: SecurableObjectType?) throws(LookupError) -> SecurableObject {
        var found: [SecurableObject] = []
        if type == nil || type == .role, let role = role(named: name) { found.append(.role(role)) }
        if type == nil || type == .duty, let duty = duty(named: name) { found.append(.duty(duty)) }
        if type == nil || type == .privilege, let privilege = privilege(named: name) { found.append(.privilege(privilege)) }
        guard found.count <= 1 else { throw .ambiguous(name: name) }
        if let first = found.first { return first }
        let types = type.map { [$0] } ?? SecurableObjectType.allCases
        let labelled = types.flatMap { kind in labelMatches(name, kind).map { (kind, $0) } }
        if labelled.count == 1, let (kind, index) = labelled.first {
            switch kind {
            case .role: return .role(index)
            case .duty: return .duty(index)
            case .privilege: return .privilege(index)
            }
        }
        throw lookupFailure(name, types: types, labelled: labelled, type: type)
    }

    /// The index of the object of `type` with this name, else with this label; a miss suggests the closest.
    public func index(of type: SecurableObjectType, named name: String) throws(LookupError) -> Int {
        let found: Int? = switch type {
        case .role: role(named: name)
        case .duty: duty(named: name)
        case .privilege: privilege(named: name)
        }
        if let found { return found }
        let labelled = labelMatches(name, type)
        if labelled.count == 1 { return labelled[0] }
        throw lookupFailure(name, types: [type], labelled: labelled.map { (type, $0) }, type: type)
    }

    /// The objects of `type` whose typable label is `name` (compared like names).
    private func labelMatches(_ name: String, _ type: SecurableObjectType) -> [Int] {
        let key = NameKey(name)
        return namesAndLabels(type).enumerated().compactMap { index, object in
            NameSuggestions.isTypable(object.label) && NameKey(object.label) == key ? index : nil
        }
    }

    /// An ambiguous label, or nothing found with suggestions.
    private func lookupFailure(_ name: String, types: [SecurableObjectType], labelled: [(SecurableObjectType, Int)], type: SecurableObjectType?) -> LookupError {
        if labelled.count > 1 {
            let kinds = Set(labelled.map(\.0))
            return .ambiguousLabel(label: name, candidates: labelled.map { kind, index in
                let objectName = namesAndLabels(kind)[index].name
                return kinds.count > 1 ? "\(kind.rawValue) \(objectName)" : objectName
            })
        }
        return .notFound(name: name, type: type, suggestions: NameSuggestions.closest(to: name, among: types.flatMap(namesAndLabels)))
    }
}

extension UserDirectory {
    /// The user with this id (compared by `NameKey`); a miss suggests the closest user ids.
    public func user(withID id: String) throws(LookupError) -> SecurityUser {
        let key = NameKey(id)
        guard let user = users.first(where: { NameKey($0.userId) == key }) else {
            throw .noUser(id, suggestions: NameSuggestions.closest(to: id, among: users.map { ($0.userId, $0.userName) }))
        }
        return user
    }
}
