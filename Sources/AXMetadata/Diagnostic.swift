/// Where in an input file something was found, for messages a user can jump to.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file's path as it was given or found.
    public var file: String
    /// 1-based line, when the input has lines.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?

    /// Creates a location; line and column are optional because some inputs (a whole file, a JSON row) have none.
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
    /// An AX 2012 license value (SelfServe, Task, Functional, Server) mapped per DOMAIN §2.
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
    /// A license name in the assigned-licenses file that the catalog does not know.
    case unknownLicenseName = "unknown-license-name"
    /// A user in the assigned-licenses file who is not in the users file.
    case unknownUser = "unknown-user"
    /// A users-file row that contradicts an earlier row.
    case inconsistentUser = "inconsistent-user"
    /// A role or duty extension whose name is not `<Base>.<Suffix>` with both parts non-empty: it extends nothing.
    case malformedExtensionName = "malformed-extension-name"
    /// A property written twice in one object (two `<Name>`s, two `<ViewUserLicense>`s…): the first is used.
    case duplicateElement = "duplicate-element"
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

    /// Creates a diagnostic.
    public init(_ severity: DiagnosticSeverity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    /// `path:line:col: severity: message`, as printed on stderr.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? "axlicense: "
        return "\(prefix)\(severity.rawValue): \(message) [\(code.rawValue)]"
    }
}

extension Array where Element == Diagnostic {
    /// Diagnostics ordered by file, line, column, then message, so output is stable whatever order work was done in.
    public func sortedForOutput() -> [Diagnostic] {
        sorted { a, b in
            let fa = a.location?.file ?? "", fb = b.location?.file ?? ""
            if fa != fb { return fa < fb }
            let la = a.location?.line ?? 0, lb = b.location?.line ?? 0
            if la != lb { return la < lb }
            let ca = a.location?.column ?? 0, cb = b.location?.column ?? 0
            if ca != cb { return ca < cb }
            if a.code != b.code { return a.code.rawValue < b.code.rawValue }
            return a.message < b.message
        }
    }

    /// True when any diagnostic is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }
}
