import AXReading

/// The objects the analysed tree references that no layer holds, counted once each however often referenced: what
/// every report says when license impact through them is unknown.
public struct UnresolvedObjects: Sendable, Hashable {
    /// Every referencing place, in object order.
    public let references: [UnresolvedReference]
    /// One reference per missing object (the first place that names it), sorted by kind then name.
    public let objects: [UnresolvedReference]

    public init(_ references: [UnresolvedReference]) {
        self.references = references
        var seen = Set<String>()
        var firsts: [UnresolvedReference] = []
        for reference in references where seen.insert("\(reference.kind.rawValue)\u{0}\(NameKey(reference.name))").inserted {
            firsts.append(reference)
        }
        let order = UnresolvedReference.Kind.allCases
        objects = firsts.sorted {
            let (a, b) = (order.firstIndex(of: $0.kind)!, order.firstIndex(of: $1.kind)!)
            return a != b ? a < b : $0.name.lowercased() < $1.name.lowercased()
        }
    }

    /// How many distinct objects are missing.
    public var count: Int { objects.count }
    /// True when every reference resolved.
    public var isEmpty: Bool { objects.isEmpty }

    /// How many examples reports name.
    public static let exampleLimit = 3

    /// The first few missing objects, each with what references it.
    public var examples: [UnresolvedReference] { Array(objects.prefix(Self.exampleLimit)) }

    /// One sentence for summaries: `license impact through 2 objects not in the metadata is unknown: duty
    /// 'SalesOrdersMaintain' (referenced by role 'ContosoClerk'), …`; empty when nothing is missing.
    public var sentence: String {
        guard !isEmpty else { return "" }
        let listed = examples.map { "\($0.object) (referenced by \($0.referencedBy))" }.joined(separator: ", ")
        let more = count > examples.count ? ", and \(count - examples.count) more" : ""
        return "license impact through \(count) object\(count == 1 ? "" : "s") not in the metadata or a reference is unknown: \(listed)\(more)"
    }
}
