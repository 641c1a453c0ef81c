/// Where in an input file something was found, for messages a user can jump to.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file's path as it was given or found.
    public var file: String
    /// 1-based line, when the input has lines.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?

    /// Line and column are optional because some inputs (a whole file, a JSON row) have none.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `path:line:col`, the form compilers and editors understand.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let line = line, line > 0, let column { text += ":\(column)" }
        return text
    }
}

/// How serious a diagnostic is: errors make a run fail unless the user asked to keep going.
public enum DiagnosticSeverity: String, Sendable, Codable, Comparable {
    case warning
    case error

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs == .warning && rhs == .error }
}

/// The kinds of problems axlicense reports, stable for scripts that filter them.
public enum DiagnosticCode: String, Sendable, Codable, CaseIterable {
    /// A file that is not well-formed XML (or not readable as text).
    case malformedFile = "malformed-file"
    /// A file or folder that could not be read.
    case unreadableFile = "unreadable-file"
    /// A file whose root element is not the AOT type its folder promises.
    case unexpectedRootElement = "unexpected-root-element"
    /// A file without a `<Name>`.
    case missingName = "missing-name"
    /// A reference to a role, duty, privilege or menu item that is not in the tree.
    case danglingReference = "dangling-reference"
    /// An entry point whose menu item is not in the tree, so its license is unknown.
    case unknownEntryPointLicense = "license-unknown"
    /// A role that is its own ancestor through sub-roles.
    case subRoleCycle = "sub-role-cycle"
    /// The same object name defined more than once.
    case duplicateDefinition = "duplicate-definition"
    /// An AX 2012 license value (SelfServe, Task, Functional, Server) mapped per Docs/licensing-rules.md §2.
    case legacyLicenseValue = "legacy-license-value"
    /// A license value that is not a `UserLicenseType` member.
    case unknownLicenseValue = "unknown-license-value"
    /// A grant value other than Allow, Deny or Unset.
    case unknownGrantValue = "unknown-grant-value"
    /// An SKU-map row naming an SKU the catalog does not know.
    case unknownSku = "unknown-sku"
    /// An SKU-map row that repeats an earlier one.
    case duplicateSkuRow = "duplicate-sku-row"
    /// Required SKUs that no single license can hold together (none of them can be attached).
    case licenseExceedsCatalog = "license-exceeds-catalog"
    /// A user assigned to a role the metadata does not define.
    case unknownRole = "unknown-role"
    /// A purchased product that matches neither an SKU nor a model.
    case unknownProduct = "unknown-product"
    /// A purchased-licenses file in Graph's shape that lists one part number twice (two saved responses put together).
    case duplicateSubscription = "duplicate-subscription"
    /// The purchased licenses come from a license refresh that is not the latest attempt: the last one failed.
    case staleLicenses = "stale-licenses"
    /// A license name in the assigned-licenses file that the catalog does not know.
    case unknownLicenseName = "unknown-license-name"
    /// A user in the assigned-licenses file who is not in the users file.
    case unknownUser = "unknown-user"
    /// A users-file row that contradicts an earlier row.
    case inconsistentUser = "inconsistent-user"
    /// A JSON object that repeats a key (exactly or in another case); the first is used.
    case duplicateKey = "duplicate-key"
    /// A CSV header that names a column twice; the first is used.
    case duplicateColumn = "duplicate-column"
    /// A CSV input with a header and no data rows.
    case noRows = "no-rows"
    /// A symbolic link in the metadata folder whose target is outside it (or cannot be resolved); not followed.
    case linkOutsideTree = "link-outside-tree"
    /// More diagnostics than are shown in all: how many were left out (see `DiagnosticLog`).
    case diagnosticsOmitted = "diagnostics-omitted"
    /// A role or duty extension whose name is not `<Base>.<Suffix>` with both parts non-empty: it extends nothing.
    case malformedExtensionName = "malformed-extension-name"
    /// A property written twice in one object (two `<Name>`s, two `<ViewUserLicense>`s…): the first is used.
    case duplicateElement = "duplicate-element"
    /// Object-license data naming one object and access level twice with different licenses: the first is used.
    case conflictingObjectLicense = "conflicting-object-license"
    /// A RecId in the Licensing* SQL exports that resolves to no row of the table it points at.
    case unresolvedRecId = "unresolved-rec-id"
    /// A securable type the per-object data uses that axlicense does not know; its rows are skipped.
    case unknownSecurableType = "unknown-securable-type"
    /// A Read row naming an SKU above Team Members (Microsoft says Read needs at most Team Members); applied as given.
    case readAboveTeamMembers = "read-above-team-members"
    /// An object whose every listed SKU is unknown to the catalog: no license can entitle it.
    case unlicensableObject = "unlicensable-object"
    /// A user listed twice (by user id, e-mail or object id) in the SystemUsers export or the PPAC report: the first is used.
    case duplicateUser = "duplicate-user"
    /// A date the PPAC report's RefreshedOn column holds that is not a date: the row's freshness is unknown.
    case unreadableDate = "unreadable-date"
    /// Neither the users file nor a SystemUsers export says which users are enabled: every user is counted.
    case enabledStateUnknown = "enabled-state-unknown"
    /// No SKU map: SKU requirements are unknown and licenses come from entry points alone.
    case skuRequirementsUnknown = "sku-requirements-unknown"
}

/// One problem found in the input, with where it is and what it means for the result.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Whether the problem stops the run.
    public var severity: DiagnosticSeverity
    /// Stable machine-readable kind.
    public var code: DiagnosticCode
    /// What is wrong and what axlicense did about it, for a person.
    public var message: String
    /// Where it was found, when it comes from a file.
    public var location: SourceLocation?
    /// Set on a summary that stands for diagnostics left out (`... and N more`): how many. Nil on every other one.
    public var omitted: Int?

    public init(_ severity: DiagnosticSeverity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    /// How many problems this diagnostic stands for: 1, or the count a summary left out.
    public var representedCount: Int { omitted ?? 1 }

    /// True when `self` comes before `other` in output: by file, line, column, code, then message.
    package func precedesInOutput(_ other: Diagnostic) -> Bool {
        let fa = location?.file ?? "", fb = other.location?.file ?? ""
        if fa != fb { return fa < fb }
        return precedesInFile(other)
    }

    /// `precedesInOutput` for two diagnostics of one file.
    package func precedesInFile(_ other: Diagnostic) -> Bool {
        let la = location?.line ?? 0, lb = other.location?.line ?? 0
        if la != lb { return la < lb }
        let ca = location?.column ?? 0, cb = other.location?.column ?? 0
        if ca != cb { return ca < cb }
        if code != other.code { return code.rawValue < other.code.rawValue }
        return message < other.message
    }

    /// `path:line:col: severity: message`, as printed on stderr.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? "axlicense: "
        return "\(prefix)\(severity.rawValue): \(message.withLineBreaksEscaped) [\(code.rawValue)]"
    }
}

/// The diagnostics of a run, gathered from every producer (file parser, graph resolution, SKU map, users) through one
/// type, so that their volume follows the number of distinct problems rather than the size of the input.
///
/// Of one code in one file, the first `perFileLimit` in output order are kept and the rest counted, and shown as one
/// `... and N more <code> in this file` diagnostic; of all, at most `shownLimit` are shown (errors first), and the rest
/// counted in one `diagnostics-omitted` diagnostic. What is kept depends only on the diagnostics, never on the order they
/// were appended or merged in, so parallel work gives the same output as sequential work.
public struct DiagnosticLog: Sendable {
    /// Diagnostics of one code kept per file.
    public static let perFileLimit = 5
    /// Diagnostics shown in all, summaries included, before the one that says how many were left out.
    public static let shownLimit = 2_000

    private struct Key: Hashable, Sendable {
        var file: String?
        var code: DiagnosticCode
    }

    /// The diagnostics of one code in one file.
    private struct Bucket: Sendable {
        /// The first (in output order) up to `perFileLimit`, sorted.
        var kept: [Diagnostic] = []
        /// How many more there are.
        var omitted = 0
        /// The first of those left out: where the summary goes, and its severity (the most serious left out).
        var firstOmitted: SourceLocation?
        var omittedSeverity = DiagnosticSeverity.warning

        mutating func add(_ diagnostic: Diagnostic) {
            if let count = diagnostic.omitted {
                leaveOut(count, at: diagnostic.location, severity: diagnostic.severity)
                return
            }
            // Most repeats come in line order after the bucket is full: one comparison, within the file, settles them.
            if kept.count == DiagnosticLog.perFileLimit, !diagnostic.precedesInFile(kept[kept.count - 1]) {
                leaveOut(1, at: diagnostic.location, severity: diagnostic.severity)
                return
            }
            let place = kept.firstIndex { diagnostic.precedesInFile($0) } ?? kept.count
            guard place < DiagnosticLog.perFileLimit else {
                leaveOut(1, at: diagnostic.location, severity: diagnostic.severity)
                return
            }
            kept.insert(diagnostic, at: place)
            if kept.count > DiagnosticLog.perFileLimit {
                let last = kept.removeLast()
                leaveOut(1, at: last.location, severity: last.severity)
            }
        }

        private mutating func leaveOut(_ count: Int, at location: SourceLocation?, severity: DiagnosticSeverity) {
            omitted += count
            omittedSeverity = max(omittedSeverity, severity)
            if let location, firstOmitted.map({ Self.precedes(location, $0) }) ?? true { firstOmitted = location }
        }

        private static func precedes(_ a: SourceLocation, _ b: SourceLocation) -> Bool {
            (a.line ?? 0, a.column ?? 0) < (b.line ?? 0, b.column ?? 0)
        }

        func summary(_ key: Key) -> Diagnostic? {
            guard omitted > 0 else { return nil }
            var diagnostic = Diagnostic(omittedSeverity, key.code, "... and \(omitted) more \(key.code.rawValue)" + (key.file == nil ? "" : " in this file"),
                                        at: firstOmitted ?? key.file.map { SourceLocation(file: $0) })
            diagnostic.omitted = omitted
            return diagnostic
        }
    }

    private var buckets: [Key: Bucket] = [:]
    /// Diagnostics left out by the global cap of logs merged into this one (their summaries).
    private var omittedOverall = 0
    private var omittedOverallSeverity = DiagnosticSeverity.warning

    /// An empty log.
    public init() {}

    /// A log holding `diagnostics` (summaries of left-out diagnostics count as what they stand for).
    public init(_ diagnostics: some Sequence<Diagnostic>) {
        for diagnostic in diagnostics { append(diagnostic) }
    }

    /// Adds one diagnostic.
    public mutating func append(_ diagnostic: Diagnostic) {
        if diagnostic.code == .diagnosticsOmitted {
            omittedOverall += diagnostic.representedCount
            omittedOverallSeverity = max(omittedOverallSeverity, diagnostic.severity)
            return
        }
        buckets[Key(file: diagnostic.location?.file, code: diagnostic.code), default: Bucket()].add(diagnostic)
    }

    /// Adds the diagnostics of several.
    public mutating func append(contentsOf diagnostics: some Sequence<Diagnostic>) {
        for diagnostic in diagnostics { append(diagnostic) }
    }

    /// Adds everything `other` holds: the one way two logs become one.
    public mutating func merge(_ other: DiagnosticLog) {
        for (key, bucket) in other.buckets {
            for diagnostic in bucket.kept { buckets[key, default: Bucket()].add(diagnostic) }
            if let summary = bucket.summary(key) { buckets[key, default: Bucket()].add(summary) }
        }
        omittedOverall += other.omittedOverall
        omittedOverallSeverity = max(omittedOverallSeverity, other.omittedOverallSeverity)
    }

    /// True when the log holds no diagnostic.
    public var isEmpty: Bool { buckets.isEmpty && omittedOverall == 0 }

    /// How many diagnostics were appended, those left out included.
    public var representedCount: Int {
        buckets.values.reduce(omittedOverall) { $0 + $1.kept.count + $1.omitted }
    }

    /// True when any diagnostic appended is an error.
    public var containsErrors: Bool {
        omittedOverallSeverity == .error || buckets.values.contains { $0.omittedSeverity == .error || $0.kept.contains { $0.severity == .error } }
    }

    /// What to show, in output order: each file's first diagnostics of each code with a summary of the rest, at most
    /// `shownLimit` of them (errors kept first), then one summary of what that cap left out.
    public var diagnostics: [Diagnostic] {
        // Grouped by file first: a workspace's diagnostics come from a few hundred files, and sorting those names once
        // costs a fraction of comparing two paths in every comparison of a sort over all of them.
        var byFile: [String: [Diagnostic]] = [:]
        var count = 0
        for (key, bucket) in buckets {
            var group = bucket.kept
            if let summary = bucket.summary(key) { group.append(summary) }
            byFile[key.file ?? "", default: []] += group
            count += group.count
        }
        var omitted = omittedOverall
        var omittedSeverity = omittedOverallSeverity
        var all: [Diagnostic] = []
        all.reserveCapacity(min(count, Self.shownLimit) + 1)
        if count <= Self.shownLimit {
            for file in byFile.keys.sorted() {
                all += byFile[file]!.sorted { $0.precedesInFile($1) }
            }
        } else {
            all = byFile.values.flatMap { $0 }
            all.sort { a, b in a.severity != b.severity ? a.severity > b.severity : a.precedesInOutput(b) }
            for diagnostic in all[Self.shownLimit...] {
                omitted += diagnostic.representedCount
                omittedSeverity = max(omittedSeverity, diagnostic.severity)
            }
            all.removeLast(all.count - Self.shownLimit)
            all.sort { $0.precedesInOutput($1) }
        }
        if omitted > 0 {
            var summary = Diagnostic(omittedSeverity, .diagnosticsOmitted, "... and \(omitted) more diagnostics not shown (at most \(Self.shownLimit) are shown)")
            summary.omitted = omitted
            all.append(summary)
        }
        return all
    }
}

extension DiagnosticLog {
    /// The one way to combine the diagnostics of several inputs or stages: one log over all of them, so repeats
    /// collapse across the parts, the total stays capped, and the order is the output order.
    public static func merged(_ parts: [Diagnostic]...) -> [Diagnostic] {
        var log = DiagnosticLog()
        for part in parts { log.append(contentsOf: part) }
        return log.diagnostics
    }
}

extension Array where Element == Diagnostic {
    /// Diagnostics in output order (by file, line, column, then message), with repeats collapsed and the total capped
    /// as `DiagnosticLog` does, so output is stable whatever order work was done in and bounded whatever the input.
    public func sortedForOutput() -> [Diagnostic] {
        DiagnosticLog(self).diagnostics
    }

    /// True when any diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }

    /// How many errors and warnings these diagnostics stand for, counting those that summaries left out.
    public var severityCounts: (errors: Int, warnings: Int) {
        reduce(into: (0, 0)) { counts, diagnostic in
            if diagnostic.severity == .error { counts.0 += diagnostic.representedCount } else { counts.1 += diagnostic.representedCount }
        }
    }
}
