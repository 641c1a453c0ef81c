import Foundation

/// Where one side of a comparison comes from: a folder, or a revision of the git repository around the current folder.
public enum TreeSource: Sendable, Hashable, CustomStringConvertible {
    /// A folder on disk.
    case folder(String)
    /// `git:REV[:PATH]`: PATH relative to the repository root; nil means the current folder's place in the repository.
    case git(revision: String, path: String?)

    /// Parses `git:REV`, `git:REV:PATH`, or a folder path.
    public init(_ spec: String) {
        guard spec.hasPrefix("git:") else { self = .folder(spec); return }
        let rest = spec.dropFirst(4)
        if let colon = rest.firstIndex(of: ":") {
            self = .git(revision: String(rest[..<colon]), path: String(rest[rest.index(after: colon)...]))
        } else {
            self = .git(revision: String(rest), path: nil)
        }
    }

    public var description: String {
        switch self {
        case .folder(let path): path
        case .git(let revision, let path): "git:\(revision)" + (path.map { ":\($0)" } ?? "")
        }
    }
}

/// Why a git revision could not be read.
public struct GitSourceError: Error, Sendable, CustomStringConvertible {
    public var spec: String
    public var message: String
    public var description: String { "\(spec): error: \(message)" }
}

/// A file or folder input materialised on disk for reading (`--base-sku-map git:REV:PATH`, `--base-object-licenses`):
/// a git revision's path is exported to a temporary folder (removed by `cleanUp`) with `git archive`, so the working
/// tree and index are never touched. Metadata trees are never extracted: `GitRevisionTree` reads them in memory.
public struct MaterializedTree: Sendable {
    /// The folder to read.
    public var root: String
    /// Prefix to remove from file paths for display (the temporary folder), if any.
    public var displayPrefix: String?
    /// The temporary folder to remove, if any.
    package var temporary: String?

    /// Materialises `source`; `directory` is the folder whose repository `git:` refers to.
    public static func materialize(_ source: TreeSource, in directory: String = FileManager.default.currentDirectoryPath) throws(GitSourceError) -> MaterializedTree {
        switch source {
        case .folder(let path):
            return MaterializedTree(root: path, displayPrefix: nil, temporary: nil)
        case .git(let revision, let path):
            let spec = source.description
            let topLevel = try git(["rev-parse", "--show-toplevel"], in: directory, spec: spec).trimmingCharacters(in: .whitespacesAndNewlines)
            var prefix = path ?? ""
            if path == nil {
                prefix = try git(["rev-parse", "--show-prefix"], in: directory, spec: spec).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            _ = try git(["rev-parse", "--verify", "--quiet", revision + "^{commit}"], in: directory, spec: spec, failure: "'\(revision)' is not a commit in the repository at \(topLevel)")
            let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("axlicense-git-\(UUID().uuidString)").path
            do {
                try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            } catch {
                throw GitSourceError(spec: spec, message: "cannot create a temporary folder: \(error.localizedDescription)")
            }
            let cleanPrefix = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let archive = temporary + "/tree.tar"
            var arguments = ["archive", "--format=tar", "--output=\(archive)", revision]
            if !cleanPrefix.isEmpty { arguments += ["--", cleanPrefix] }
            do {
                _ = try git(arguments, in: topLevel, spec: spec, failure: "'\(cleanPrefix)' does not exist at \(revision)")
                _ = try run("/usr/bin/env", ["tar", "-xf", archive, "-C", temporary], in: temporary, spec: spec, failure: "cannot unpack the archive of \(revision)")
                try? FileManager.default.removeItem(atPath: archive)
            } catch let error as GitSourceError {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw GitSourceError(spec: spec, message: "\(error)")
            }
            let root = cleanPrefix.isEmpty ? temporary : temporary + "/" + cleanPrefix
            // A committed symbolic link on the way to PATH must not lead the read out of the revision (links inside
            // the metadata folder are the loader's to judge: it follows only those that stay inside it).
            guard isInside(root, folder: temporary) else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw GitSourceError(spec: spec, message: "'\(cleanPrefix)' at \(revision) is a symbolic link that leads outside the revision; refused")
            }
            return MaterializedTree(root: root, displayPrefix: temporary + "/", temporary: temporary)
        }
    }

    /// True when `path`, links resolved, is `folder` or inside it (a missing path is judged when it is read).
    private static func isInside(_ path: String, folder: String) -> Bool {
        func canonical(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        guard let base = canonical(folder) else { return false }
        guard let target = canonical(path) else {
            // Nothing there at all (reported as missing when read) is inside; a link that leads nowhere is not.
            var status = stat()
            return lstat(path, &status) != 0 && errno == ENOENT
        }
        return target == base || target.hasPrefix(base + "/")
    }

    /// Removes the temporary folder, if one was made.
    public func cleanUp() {
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// A file path as a user should see it: relative to the repository for git trees, without a leading `./`.
    public func displayPath(_ path: String) -> String {
        var result = path
        if let displayPrefix, result.hasPrefix(displayPrefix) { result = String(result.dropFirst(displayPrefix.count)) }
        while result.hasPrefix("./") { result = String(result.dropFirst(2)) }
        return result
    }

    private static func git(_ arguments: [String], in directory: String, spec: String, failure: String? = nil) throws(GitSourceError) -> String {
        try GitProcess.run(arguments, in: directory, spec: spec, failure: failure).text
    }

    private static func run(_ executable: String, _ arguments: [String], in directory: String, spec: String, failure: String?) throws(GitSourceError) -> String {
        try GitProcess.run(arguments[0], Array(arguments.dropFirst()), in: directory, spec: spec, failure: failure).text
    }
}
