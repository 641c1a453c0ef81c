import AXReading
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the object files of a metadata folder: every `Name.xml` in an `Ax*` object folder anywhere below it.
///
/// The walk stays inside the folder and reads only regular files: a symbolic link is followed only when its target
/// is inside the metadata folder (otherwise a `link-outside-tree` warning), each folder is listed once however many
/// links lead to it, and FIFOs, devices and sockets are never opened. Each folder is opened relative to its parent's
/// descriptor and read once, so the work is linear in the entries whatever the depth, paths longer than `PATH_MAX`
/// work, and only the folders nearest the current one are held open.
struct FolderListing {
    /// The files found, in the order found (the loader sorts them).
    private(set) var tasks: [MetadataLoader.FileTask] = []
    /// The object folders holding them (`FileTask.folder` indexes this).
    private(set) var folders: [String] = []
    /// Folders that could not be read, links not followed, special files.
    private(set) var log = DiagnosticLog()

    /// Folders held open at most: beyond it, the one furthest up is closed and opened again by path if still needed.
    static let openFolderLimit = 64

    /// The metadata folder's canonical path (symbolic links resolved), for deciding whether a link stays inside.
    private let canonicalRoot: String?
    private var visited: Set<FileIdentity> = []

    /// A folder being listed: its sub-folders still to list, and its descriptor while open (-1 once closed).
    private struct OpenListing {
        var path: String
        var descriptor: Int32
        var subfolders: [String]
    }

    /// The reference folder being listed (objects' `ModelOrigin.reference`), nil for the analysed tree.
    private let reference: String?
    /// Folders never searched: `MetadataLoader.skippedFolders`, less `XppMetadata` in a reference (the build NuGet
    /// packages ship a package's metadata there).
    private let skippedFolders: Set<String>

    /// Lists the tree at `root` (which exists and is a folder); `reference` names the reference folder it is, if any.
    init(root: String, reference: String? = nil) {
        self.reference = reference
        skippedFolders = reference == nil ? MetadataLoader.skippedFolders : MetadataLoader.skippedFolders.subtracting([MetadataLoader.compiledMetadataFolder])
        canonicalRoot = realpath(root, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        let descriptor = Self.openFolder(root)
        guard descriptor >= 0 else {
            log.append(Self.unreadableFolder(root))
            return
        }
        var stack: [OpenListing] = []
        if let listed = list(descriptor, path: root) { stack.append(listed) }
        while !stack.isEmpty {
            let top = stack.count - 1
            guard let name = stack[top].subfolders.popLast() else {
                if stack[top].descriptor >= 0 { close(stack[top].descriptor) }
                stack.removeLast()
                continue
            }
            if stack[top].descriptor < 0 {
                stack[top].descriptor = Self.openFolder(stack[top].path)
                guard stack[top].descriptor >= 0 else {
                    log.append(Self.unreadableFolder(stack[top].path))
                    stack[top].subfolders = []
                    continue
                }
            }
            let path = Self.join(stack[top].path, name)
            let child = openat(stack[top].descriptor, name, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)
            guard child >= 0 else {
                log.append(Self.unreadableFolder(path))
                continue
            }
            if stack.count >= Self.openFolderLimit {
                let furthest = stack.count - Self.openFolderLimit
                if stack[furthest].descriptor >= 0 {
                    close(stack[furthest].descriptor)
                    stack[furthest].descriptor = -1
                }
            }
            if let listed = list(child, path: path) { stack.append(listed) }
        }
    }

    /// Reads the open folder `descriptor`: lists its object folders' files at once and returns its other sub-folders
    /// to visit, or nil when it was listed before (the descriptor is then closed).
    private mutating func list(_ descriptor: Int32, path: String) -> OpenListing? {
        if let identity = FileIdentity(descriptor), !visited.insert(identity).inserted {
            close(descriptor)
            return nil
        }
        guard let entries = Self.entries(dup(descriptor), sorted: true) else {
            log.append(Self.unreadableFolder(path))
            close(descriptor)
            return nil
        }
        var subfolders: [String] = []
        // Every object folder here belongs to the model this folder is: one origin for all of them.
        var origin: ModelOrigin?
        for (name, type) in entries where !name.hasPrefix(".") {
            let entryPath = Self.join(path, name)
            guard isFolder(name, type: type, in: descriptor, path: entryPath) else { continue }
            if let objectType = AOTObjectType(folderName: name) {
                if origin == nil {
                    origin = MetadataLoader.origin(ofTypeFolder: entryPath)
                    origin!.reference = reference
                }
                listObjectFolder(name, in: descriptor, path: entryPath, type: objectType, origin: origin!)
            } else if !skippedFolders.contains(name.lowercased()) {
                subfolders.append(name)
            }
        }
        // Visited last first: popLast gives them in sorted order.
        return OpenListing(path: path, descriptor: descriptor, subfolders: subfolders.reversed())
    }

    /// Lists the XML files of the object folder `name` in `parent`, whose objects come from `origin`.
    private mutating func listObjectFolder(_ name: String, in parent: Int32, path: String, type: AOTObjectType, origin: ModelOrigin) {
        let descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            log.append(Self.unreadableFolder(path))
            return
        }
        defer { close(descriptor) }
        if let identity = FileIdentity(descriptor), !visited.insert(identity).inserted { return }
        // Not sorted: the loader sorts every file path at once.
        guard let entries = Self.entries(dup(descriptor), sorted: false) else {
            log.append(Self.unreadableFolder(path))
            return
        }
        var folder: Int?
        for (fileName, entryType) in entries where MetadataLoader.isXMLFileName(fileName) {
            let filePath = Self.join(path, fileName)
            var fileType = entryType
            if fileType == UInt8(DT_UNKNOWN) { fileType = Self.type(of: fileName, in: descriptor, following: false) }
            if fileType == UInt8(DT_LNK) {
                guard let target = linkTarget(filePath, in: descriptor, name: fileName) else { continue }
                fileType = target
            }
            guard fileType == UInt8(DT_REG) else {
                log.append(Diagnostic(.error, .unreadableFile, "file cannot be read: not a regular file (\(Self.describe(fileType)))", at: SourceLocation(file: filePath)))
                continue
            }
            if folder == nil {
                folders.append(path)
                folder = folders.count - 1
            }
            tasks.append(MetadataLoader.FileTask(path: filePath, folder: folder!, type: type, origin: origin))
        }
    }

    /// True when entry `name` of `parent` is a folder to visit: a folder, or a link to a folder inside the tree.
    private mutating func isFolder(_ name: String, type: UInt8, in parent: Int32, path: String) -> Bool {
        var type = type
        if type == UInt8(DT_UNKNOWN) { type = Self.type(of: name, in: parent, following: false) }
        if type == UInt8(DT_DIR) { return true }
        guard type == UInt8(DT_LNK), Self.type(of: name, in: parent, following: true) == UInt8(DT_DIR) else { return false }
        return linkTarget(path, in: parent, name: name) == UInt8(DT_DIR)
    }

    /// The type of what the link at `path` leads to, when it stays inside the tree; nil (with a diagnostic) when it
    /// leaves it or cannot be resolved. A dangling link is an unreadable file.
    private mutating func linkTarget(_ path: String, in parent: Int32, name: String) -> UInt8? {
        let written = Self.linkText(name, in: parent) ?? "?"
        guard let resolved = realpath(path, nil) else {
            let reason = String(cString: strerror(errno))
            if errno == ENOENT {
                log.append(Diagnostic(.error, .unreadableFile, "file cannot be read: symbolic link to '\(written)', which does not exist", at: SourceLocation(file: path)))
            } else {
                log.append(Diagnostic(.warning, .linkOutsideTree, "symbolic link to '\(written)' cannot be resolved (\(reason)); not followed", at: SourceLocation(file: path)))
            }
            return nil
        }
        let target = String(cString: resolved)
        free(resolved)
        guard let canonicalRoot, canonicalRoot == "/" || target == canonicalRoot || target.hasPrefix(canonicalRoot + "/") else {
            log.append(Diagnostic(.warning, .linkOutsideTree, "symbolic link to '\(written)' leads outside the metadata folder; not followed", at: SourceLocation(file: path)))
            return nil
        }
        return Self.type(of: name, in: parent, following: true)
    }

    /// Where `d_name` starts in a `dirent`.
    private static let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name) ?? 19

    /// The entries of the folder open as `descriptor` (which this closes), with their `d_type`; `sorted` by name
    /// when the order matters (it decides which of two links to one folder lists it).
    private static func entries(_ descriptor: Int32, sorted: Bool) -> [(name: String, type: UInt8)]? {
        guard descriptor >= 0 else { return nil }
        guard let handle = fdopendir(descriptor) else {
            close(descriptor)
            return nil
        }
        defer { closedir(handle) }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(handle) {
            // The name is read in place, up to its NUL: readdir's record is only as long as the name needs, so copying
            // the whole 256-byte `d_name` field reads past it (AddressSanitizer: heap-buffer-overflow).
            let name = String(cString: UnsafeRawPointer(entry).advanced(by: Self.nameOffset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." { continue }
            entries.append((name, entry.pointee.d_type))
        }
        return sorted ? entries.sorted { $0.name < $1.name } : entries
    }

    /// The `d_type` of entry `name` of `parent`, asked of the file system (for file systems that do not say).
    private static func type(of name: String, in parent: Int32, following: Bool) -> UInt8 {
        var status = stat()
        guard fstatat(parent, name, &status, following ? 0 : AT_SYMLINK_NOFOLLOW) == 0 else { return UInt8(DT_UNKNOWN) }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return UInt8(DT_DIR)
        case S_IFREG: return UInt8(DT_REG)
        case S_IFLNK: return UInt8(DT_LNK)
        case S_IFIFO: return UInt8(DT_FIFO)
        case S_IFCHR: return UInt8(DT_CHR)
        case S_IFBLK: return UInt8(DT_BLK)
        case S_IFSOCK: return UInt8(DT_SOCK)
        default: return UInt8(DT_UNKNOWN)
        }
    }

    /// What a link says, as its author wrote it (not resolved: a resolved path would show the host's folders).
    private static func linkText(_ name: String, in parent: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(parent, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func describe(_ type: UInt8) -> String {
        switch Int(type) {
        case Int(DT_DIR): "a folder"
        case Int(DT_FIFO): "a FIFO"
        case Int(DT_CHR): "a character device"
        case Int(DT_BLK): "a block device"
        case Int(DT_SOCK): "a socket"
        default: "of unknown type"
        }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func unreadableFolder(_ path: String) -> Diagnostic {
        let reason = errno == EMFILE || errno == ENFILE
            ? "too many open files (raise the limit with ulimit -n)" : String(cString: strerror(errno))
        return Diagnostic(.error, .unreadableFile, "folder cannot be read: \(reason)", at: SourceLocation(file: path))
    }

    /// Opens a folder by path, also when the path is longer than `PATH_MAX`: then piece by piece, each piece opened
    /// in the folder the last one gave. Returns -1 (with `errno` set) when it cannot be opened.
    static func openFolder(_ path: String) -> Int32 {
        let flags = O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC
        let limit = Int(PATH_MAX) - 1
        if path.utf8.count < limit { return open(path, flags) }
        var descriptor = AT_FDCWD
        var rest = Substring(path)
        while !rest.isEmpty {
            let piece: Substring
            if rest.utf8.count < limit {
                piece = rest
                rest = ""
            } else {
                // The last '/' that keeps the piece under the limit.
                guard let slash = rest.utf8.prefix(limit).lastIndex(of: UInt8(ascii: "/")), slash > rest.startIndex else {
                    if descriptor != AT_FDCWD { close(descriptor) }
                    errno = ENAMETOOLONG
                    return -1
                }
                piece = rest[..<slash]
                rest = rest[rest.index(after: slash)...]
            }
            let next = openat(descriptor, String(piece), flags)
            let reason = errno
            if descriptor != AT_FDCWD { close(descriptor) }
            guard next >= 0 else {
                errno = reason
                return -1
            }
            descriptor = next
        }
        return descriptor
    }
}

/// A file's identity on its device: equal for every path (and link) that leads to it.
private struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64

    /// The identity of the open file `descriptor`, or nil when it cannot be asked.
    init?(_ descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
