import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a reference metadata folder cannot be layered under the analysed tree. A reference is the standard
/// application the tree builds on (a PackagesLocalDirectory, a packages folder, extracted build NuGet packages): it
/// must be a readable folder apart from the tree. One that is the tree itself, or lies inside it, would hand the
/// tree's own models back as "standard" ones, so it is refused rather than silently read twice.
public enum ReferenceFolderProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing at the path.
    case missing(resolved: String)
    /// Something other than a folder at the path.
    case notAFolder(resolved: String)
    /// The path, or a link on the way to it, is a symbolic link loop.
    case linkLoop(resolved: String)
    /// The path cannot be resolved for another reason (permissions, a name too long).
    case unresolvable(resolved: String, reason: String)
    /// The folder is the analysed metadata tree itself (by its canonical path, links resolved).
    case isTheTree(tree: String)
    /// The folder lies inside the analysed metadata tree.
    case insideTheTree(tree: String)
    /// The folder is the file system's root: the walk would read every `Ax…` folder on the machine.
    case fileSystemRoot

    /// The problem in a few words a user can act on, with the path as it was resolved.
    public var description: String {
        switch self {
        case .missing(let resolved): "no such folder (\(resolved))"
        case .notAFolder(let resolved): "not a folder (\(resolved))"
        case .linkLoop(let resolved): "a symbolic link loop (\(resolved)); name the folder the links should lead to"
        case .unresolvable(let resolved, let reason): "cannot be resolved (\(resolved): \(reason))"
        case .isTheTree(let tree):
            "is the analysed metadata tree itself (\(tree)); a reference is the standard application the tree builds on, kept apart from it"
        case .fileSystemRoot: "is the file system's root (/), which would read every Ax… folder on the machine; name the folder that holds the packages"
        case .insideTheTree(let tree):
            "lies inside the analysed metadata tree (\(tree)), which would read its models as the tree's own; put the reference outside the tree, or analyse only the tree's metadata folder"
        }
    }
}

/// The reference-folder policy, checked wherever references are named.
public enum ReferenceFolder {
    /// The problem with layering the folder at `path` under the analysed tree at `tree`, or nil when there is none.
    /// Links are resolved on both sides, so `Reference -> Metadata` is the tree. A tree that is not a folder on disk
    /// (a `git:` revision, or missing: the loader says so) is not compared. A tree inside the reference is allowed: a
    /// PackagesLocalDirectory may hold the repository's own models, and the tree's models replace same-named ones;
    /// the file system's root is not (it holds every tree).
    public static func problem(_ path: String, tree: String) -> ReferenceFolderProblem? {
        let resolved = absolute(path)
        guard let canonical = canonicalPath(path) else {
            switch errno {
            case ENOENT, ENOTDIR: return .missing(resolved: resolved)
            case ELOOP: return .linkLoop(resolved: resolved)
            default: return .unresolvable(resolved: resolved, reason: String(cString: strerror(errno)))
            }
        }
        var status = stat()
        guard stat(canonical, &status) == 0 else {
            return errno == ELOOP ? .linkLoop(resolved: resolved) : .unresolvable(resolved: resolved, reason: String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { return .notAFolder(resolved: resolved) }
        if canonical == "/" { return .fileSystemRoot }
        guard let tree = canonicalPath(tree) else { return nil }
        if canonical == tree { return .isTheTree(tree: tree) }
        if tree == "/" || canonical.hasPrefix(tree + "/") { return .insideTheTree(tree: tree) }
        return nil
    }

    /// `path` made absolute against the current folder, `.` and `..` removed, links not resolved (as the user would
    /// read it: `/work/repo/../NuGets` is said as `/work/NuGets`). A `~` is a name like any other, as it is to the
    /// loader: no shell expands it in a JSON file.
    static func absolute(_ path: String) -> String {
        var full = path
        if !path.hasPrefix("/") {
            let current = FileManager.default.currentDirectoryPath
            full = current.hasSuffix("/") ? current + path : current + "/" + path
        }
        return URL(fileURLWithPath: full).standardized.path
    }

    /// The canonical path (links resolved), or nil with `errno` set.
    static func canonicalPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
