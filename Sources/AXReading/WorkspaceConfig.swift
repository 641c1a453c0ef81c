import Foundation

/// The workspace's own settings, `axlicense.json` in the workspace folder, so a CI pipeline needs no flags for them:
///
/// ```json
/// { "references": ["../PackagesLocalDirectory", "NuGets/Microsoft.Dynamics.AX.ApplicationSuite.DevALM.BuildXpp"] }
/// ```
///
/// `references` lists the reference metadata folders (the standard application the repository's models build on), in
/// order; a relative path is relative to the workspace folder (not to the folder the command runs in), so the file
/// means the same in every checkout and CI job. The policy every reference meets is `ReferenceFolder.problem`. The file is read by the JSON input rule (keys in any
/// case, a repeated key a warning); any other member is refused, so a misspelt key is not silently ignored.
public struct WorkspaceConfig: Sendable, Hashable {
    /// The file's name in the workspace folder.
    public static let fileName = "axlicense.json"
    /// The largest configuration read: a list of folders is a few hundred bytes.
    static let maximumSize = 1024 * 1024

    /// The reference folders, resolved against the workspace folder, in the file's order.
    public var references: [String]
    /// The same folders as the file writes them, for messages that name the entry.
    public var listedReferences: [String]

    /// A configuration of `references` (resolved paths) written in the file as `listedReferences` (the same by default).
    public init(references: [String], listedReferences: [String]? = nil) {
        self.references = references
        self.listedReferences = listedReferences ?? references
    }

    private struct Document: Decodable {
        var references: [String]?
    }

    /// The configuration of `workspace`, or nil when it has no `axlicense.json`.
    public static func load(workspace: String) throws(InputError) -> WorkspaceConfig? {
        let path = workspace.hasSuffix("/") ? workspace + fileName : workspace + "/" + fileName
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return try load(path: path, workspace: workspace)
    }

    /// Reads the configuration at `path`; relative reference paths are resolved against `workspace`.
    public static func load(path: String, workspace: String) throws(InputError) -> WorkspaceConfig {
        let data = try readInputFile(path, input: .workspaceConfig, maximumSize: maximumSize)
        let input = JSONInput(data, path: path)
        // The members are checked first: a misspelt "references" must not read as "no references".
        let members: [String: Any]
        do {
            guard let object = try JSONSerialization.jsonObject(with: input.data) as? [String: Any] else {
                throw InputError.invalid(path: path, line: nil, column: nil, message: "expected a JSON object like {\"references\": [\"folder\", …]}")
            }
            members = object
        } catch let error as InputError {
            throw error
        } catch {
            // Not JSON: decoding reports the syntax error at its line and column.
            _ = try input.decode(Document.self, keys: ["references"])
            throw InputError.invalid(path: path, line: nil, column: nil, message: "not valid JSON")
        }
        if let unknown = members.keys.sorted().first(where: { $0.lowercased() != "references" }) {
            throw InputError.invalid(path: path, line: nil, column: nil, message: "unknown member '\(unknown)'; the file holds only \"references\": [folders]")
        }
        guard let listed = members.first?.value, !(listed is NSNull) else { return WorkspaceConfig(references: []) }
        guard let folders = listed as? [Any], folders.allSatisfy({ $0 is String }) else {
            throw InputError.invalid(path: path, line: nil, column: nil, message: "\"references\" must be a list of folder paths (strings)")
        }
        var references: [String] = []
        for case let folder as String in folders {
            guard !folder.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw InputError.invalid(path: path, line: nil, column: nil, message: "\"references\" lists an empty folder path")
            }
            guard !folder.contains("\u{0}") else {
                throw InputError.invalid(path: path, line: nil, column: nil, message: "\"references\" lists a folder path with a NUL character")
            }
            references.append(folder.hasPrefix("/") || workspace == "." ? folder : (workspace.hasSuffix("/") ? workspace + folder : workspace + "/" + folder))
        }
        return WorkspaceConfig(references: references, listedReferences: folders.compactMap { $0 as? String })
    }
}
