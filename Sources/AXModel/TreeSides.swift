import AXReading
import Foundation

/// The metadata of one side of a comparison, read from its `TreeSource`, with how its file paths are shown.
public struct TreeSnapshot: Sendable {
    /// What was read.
    public var snapshot: MetadataSnapshot
    /// The folder the files are named under (a git revision's files are named as if checked out there); diagnostics of
    /// the two sides are compared relative to it.
    public var root: String
    /// Removed from the front of file paths when shown: a git revision's repository folder, so that its paths show
    /// repository-relative; nil for a folder (its paths show as given).
    public var displayPrefix: String?

    /// A file path as a user should see it: repository-relative for git revisions, without a leading `./`.
    public func displayPath(_ path: String) -> String {
        var result = path
        if let displayPrefix, result.hasPrefix(displayPrefix) { result = String(result.dropFirst(displayPrefix.count)) }
        while result.hasPrefix("./") { result = String(result.dropFirst(2)) }
        return result
    }
}

/// Why one side of a comparison could not be read.
public enum TreeReadError: Error, Sendable, CustomStringConvertible {
    /// A `git:` source: git missing, not a repository, no such revision or folder.
    case git(GitSourceError)
    /// A folder that is missing or not a folder.
    case folder(MetadataLoadError)

    public var description: String {
        switch self {
        case .git(let error): error.description
        case .folder(let error): error.description
        }
    }
}

/// Reads the two sides of `diff`: each a `TreeSource` the loader reads, a folder from disk and a git revision from the
/// object store (never extracted).
///
/// The head is read first. A git base then fetches and parses only the files whose content differs from the head,
/// taking the head's parse for the rest: when the head is the working folder of the same repository (its changes
/// found by git, staged, unstaged and untracked alike), or another revision of it (compared by blob id). Reused files
/// carry the same paths on both sides, so nothing about them can differ.
public enum TreeSides {
    /// Reads `base` and `head`; `directory` is the folder whose repository `git:` sources refer to.
    public static func read(base: TreeSource, head: TreeSource, in directory: String = FileManager.default.currentDirectoryPath,
                            loader: MetadataLoader = MetadataLoader()) throws(TreeReadError) -> (base: TreeSnapshot, head: TreeSnapshot) {
        do {
            switch (base, head) {
            case (.git(let revision, let path), .folder(let folder)):
                let baseTree = try GitRevisionTree.open(revision, path: path, in: directory)
                let isWorkingFolder = canonical(folder).map { here in canonical(baseTree.workingFolder) == here } ?? false
                // git lists the revision, and (apart) the working tree's changes, while the head is parsed.
                let listing = BackgroundWork { () throws(GitSourceError) in try baseTree.entries() }
                let changes = isWorkingFolder ? BackgroundWork { () throws(GitSourceError) in try baseTree.pathsChangedInWorkingTree() } : nil
                let headSide = try readFolder(folder, loader: loader)
                let entries = try listing.value()
                let changed = try changes?.value() ?? []
                PhaseTimer.mark("  metadata: \(changed.count) paths changed since \(baseTree.spec), by git")
                // The head is this revision's own place in the working tree: reuse what git says is unchanged.
                if isWorkingFolder {
                    let reuse = ReusableParse(snapshot: headSide.snapshot, isUnchanged: { !changed.contains($0) })
                    let snapshot = try loader.load(revision: baseTree, root: headSide.root, reusing: reuse, listed: entries)
                    return (TreeSnapshot(snapshot: snapshot, root: headSide.root, displayPrefix: nil), headSide)
                }
                return (try readRevision(baseTree, loader: loader, reusing: nil, listed: entries), headSide)
            case (.git(let baseRevision, let basePath), .git(let headRevision, let headPath)):
                let baseTree = try GitRevisionTree.open(baseRevision, path: basePath, in: directory)
                let headTree = try GitRevisionTree.open(headRevision, path: headPath, in: directory)
                let headSide = try readRevision(headTree, loader: loader, reusing: nil)
                guard baseTree.workingFolder == headTree.workingFolder else { return (try readRevision(baseTree, loader: loader, reusing: nil), headSide) }
                // The same folder at two commits: a path whose blob id is the same on both holds the same content.
                let headBlobs = Dictionary(try headTree.entries().map { ($0.path, $0.object) }, uniquingKeysWith: { first, _ in first })
                let baseBlobs = Dictionary(try baseTree.entries().map { ($0.path, $0.object) }, uniquingKeysWith: { first, _ in first })
                let reuse = ReusableParse(snapshot: headSide.snapshot, isUnchanged: { path in baseBlobs[path] != nil && baseBlobs[path] == headBlobs[path] })
                return (try readRevision(baseTree, loader: loader, reusing: reuse), headSide)
            case (.folder(let baseFolder), .git(let revision, let path)):
                let headSide = try readRevision(try GitRevisionTree.open(revision, path: path, in: directory), loader: loader, reusing: nil)
                return (try readFolder(baseFolder, loader: loader), headSide)
            case (.folder(let baseFolder), .folder(let headFolder)):
                let headSide = try readFolder(headFolder, loader: loader)
                return (try readFolder(baseFolder, loader: loader), headSide)
            }
        } catch let error as GitSourceError {
            throw .git(error)
        } catch let error as MetadataLoadError {
            throw .folder(error)
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }

    /// A folder, read from disk.
    private static func readFolder(_ folder: String, loader: MetadataLoader) throws(MetadataLoadError) -> TreeSnapshot {
        TreeSnapshot(snapshot: try loader.load(root: folder), root: folder, displayPrefix: nil)
    }

    /// A revision, its files named as if checked out in its working folder and shown relative to the repository.
    private static func readRevision(_ tree: GitRevisionTree, loader: MetadataLoader, reusing reuse: ReusableParse?,
                                     listed: [GitRevisionTree.Entry]? = nil) throws(GitSourceError) -> TreeSnapshot {
        let snapshot = try loader.load(revision: tree, root: tree.workingFolder, reusing: reuse, listed: listed)
        return TreeSnapshot(snapshot: snapshot, root: tree.workingFolder, displayPrefix: tree.repository.hasSuffix("/") ? tree.repository : tree.repository + "/")
    }

    /// `path` with links resolved, or nil when it does not exist.
    private static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
