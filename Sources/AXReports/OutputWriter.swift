import AXModel
import AXReading
import Foundation

/// Why a report could not be written.
package struct OutputWriteError: Error, Sendable, CustomStringConvertible {
    package var path: String
    package var reason: String
    package var description: String { "\(path): error: cannot write output: \(reason)" }
}

/// Why bytes could not be written to an open file descriptor: the `errno` of the write that failed.
package struct DescriptorWriteError: Error, Sendable, Equatable {
    /// The `errno` value (`ENOSPC`, `EPIPE`, `EBADF`, …).
    package var code: Int32
    /// The system's words for it.
    package var reason: String { String(cString: strerror(code)) }
}

/// Writes a whole buffer to a file descriptor, or says why it could not: the one checked write behind standard
/// output, standard error and every output file (Foundation's `FileHandle.write(_:)` traps on a failed write).
package enum DescriptorWriter {
    /// Writes every byte of `data` to `descriptor`, retrying after a signal interrupts the write and waiting while a
    /// non-blocking descriptor is full.
    package static func writeAll(_ data: Data, to descriptor: Int32) throws(DescriptorWriteError) {
        let failure: Int32? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let written = write(descriptor, base + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                    continue
                }
                let code = written == 0 ? EIO : errno
                switch code {
                case EINTR:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                default:
                    return code
                }
            }
            return nil
        }
        if let failure { throw DescriptorWriteError(code: failure) }
    }
}

/// A file the run reads, which an output must never replace.
package struct ProtectedInput: Sendable, Hashable {
    /// What the path is.
    package enum Kind: Sendable, Hashable {
        /// One input file (users, SKU map, catalog, entitlements, assigned licenses, state database).
        case file
        /// A metadata tree: every file in its `Ax*` object folders is an input.
        case metadataTree
    }

    /// The path as given (a file or, for a tree, its root folder).
    package var path: String
    /// The input in words, for the error: `the users file`.
    package var what: String
    package var kind: Kind

    /// One input file.
    package static func file(_ path: String, _ what: String) -> ProtectedInput { ProtectedInput(path: path, what: what, kind: .file) }

    /// A metadata tree.
    package static func metadataTree(_ path: String) -> ProtectedInput { ProtectedInput(path: path, what: "the metadata", kind: .metadataTree) }
}

/// Writes a report to a file atomically: a temporary file beside it, then a rename, so a failed run
/// never leaves a partial file and never destroys an earlier one.
///
/// An output never replaces an input of the run (compared as files: device and inode, after symbolic links), a
/// replaced file keeps its permissions, a symbolic link keeps pointing at its (replaced or created) target, and a
/// device or pipe (`/dev/null`, `/dev/stdout`) is written in place, since renaming over it would replace the device.
package enum OutputWriter {
    /// Writes bytes (a rendered text from `OutputText.bytes`, or a workbook) to `path` with the guarantees above.
    package static func write(_ data: Data, to path: String, protecting inputs: [ProtectedInput]) throws(OutputWriteError) {
        let target = try checkTarget(path, protecting: inputs)
        if let existing = target.status, existing.st_mode & S_IFMT != S_IFREG {
            return try writeInPlace(data, to: target.path, reportedAs: path)
        }
        let (folder, name) = split(target.path)
        var temporary = ""
        var descriptor: Int32 = -1
        for attempt in 0..<16 {
            temporary = folder + "/." + name + ".tmp-\(getpid())-\(attempt)-\(UInt32.random(in: 0...UInt32.max))"
            // 0666 less the umask for a new file, as any tool creates one; a replaced file's own mode is set below.
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else {
            throw OutputWriteError(path: path, reason: "cannot create a file in '\(folder)' (\(String(cString: strerror(errno))))")
        }
        func fail(_ reason: String) -> OutputWriteError {
            unlink(temporary)
            return OutputWriteError(path: path, reason: reason)
        }
        if let existing = target.status {
            // A report someone made private stays private (and keeps its owner where the system allows).
            _ = fchown(descriptor, existing.st_uid, existing.st_gid)
            guard fchmod(descriptor, existing.st_mode & 0o7777) == 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw fail("cannot keep the file's permissions (\(reason))")
            }
        }
        do {
            try DescriptorWriter.writeAll(data, to: descriptor)
        } catch {
            close(descriptor)
            throw fail(error.reason)
        }
        guard close(descriptor) == 0 else { throw fail(String(cString: strerror(errno))) }
        guard rename(temporary, target.path) == 0 else { throw fail(String(cString: strerror(errno))) }
    }

    /// Where a path's bytes land, once every symbolic link is followed: the file, and its status when it exists.
    struct Target {
        /// The resolved path: canonical for an existing file, the canonical folder plus the name for a new one.
        var path: String
        var status: stat?
    }

    /// Refuses `path` when it is a folder or an input of the run, before anything is written; returns where it leads.
    @discardableResult
    package static func check(_ path: String, protecting inputs: [ProtectedInput]) throws(OutputWriteError) -> String {
        try checkTarget(path, protecting: inputs).path
    }

    private static func checkTarget(_ path: String, protecting inputs: [ProtectedInput]) throws(OutputWriteError) -> Target {
        let target = try resolve(path)
        if let status = target.status {
            if status.st_mode & S_IFMT == S_IFDIR { throw OutputWriteError(path: path, reason: "it is a folder") }
            if status.st_mode & S_IFMT == S_IFREG {
                for input in inputs where input.kind == .file {
                    var other = stat()
                    if stat(input.path, &other) == 0, other.st_dev == status.st_dev, other.st_ino == status.st_ino {
                        throw OutputWriteError(path: path, reason: "it is \(input.what) (\(input.path)), which axlicense reads; write the report elsewhere")
                    }
                }
            }
        }
        // An input that does not exist yet (a new state database, SQLite's `-wal` beside it) is compared by where its
        // path leads: SQLite would make or unlink it after the report is written.
        for input in inputs where input.kind == .file {
            if let other = try? resolve(input.path), other.path == target.path {
                throw OutputWriteError(path: path, reason: "it is \(input.what) (\(input.path)), which axlicense reads; write the report elsewhere")
            }
        }
        let (folder, _) = split(target.path)
        let folderName = split(folder).name
        if AOTObjectType(folderName: folderName) != nil {
            for input in inputs where input.kind == .metadataTree {
                var root = stat()
                guard stat(input.path, &root) == 0 else { continue }
                var ancestor = folder
                while ancestor != "/" && !ancestor.isEmpty {
                    ancestor = split(ancestor).folder
                    var status = stat()
                    if stat(ancestor, &status) == 0, status.st_dev == root.st_dev, status.st_ino == root.st_ino {
                        throw OutputWriteError(path: path, reason: "it is in a metadata object folder (\(folderName)) of \(input.path), which axlicense reads; write the report elsewhere")
                    }
                }
            }
        }
        return target
    }

    /// Follows `path` through symbolic links (at most 40) to the file it names, existing or to be created.
    private static func resolve(_ path: String) throws(OutputWriteError) -> Target {
        guard !path.isEmpty else { throw OutputWriteError(path: path, reason: "the path is empty") }
        var existing = stat()
        if stat(path, &existing) == 0 {
            // A device, pipe or folder is opened as named (`/dev/stdout` reaches a pipe only through its /proc link);
            // a regular file is replaced where it really is.
            guard existing.st_mode & S_IFMT == S_IFREG else { return Target(path: path, status: existing) }
            return Target(path: canonical(path) ?? path, status: existing)
        }
        var current = path
        for _ in 0..<40 {
            var status = stat()
            if lstat(current, &status) == 0 {
                // What exists was found above; a file here appeared since (a race): take it as found.
                guard status.st_mode & S_IFMT == S_IFLNK else { return Target(path: canonical(current) ?? current, status: status) }
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(current, &buffer, buffer.count - 1)
                guard length >= 0 else { throw OutputWriteError(path: path, reason: String(cString: strerror(errno))) }
                let destination = String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                current = destination.hasPrefix("/") ? destination : split(current).folder + "/" + destination
                continue
            }
            guard errno == ENOENT else { throw OutputWriteError(path: path, reason: String(cString: strerror(errno))) }
            // A new file (or a dangling link's target, made through the link): its folder must exist.
            let (folder, name) = split(current)
            var folderStatus = stat()
            guard !name.isEmpty, stat(folder, &folderStatus) == 0, folderStatus.st_mode & S_IFMT == S_IFDIR, let real = canonical(folder) else {
                throw OutputWriteError(path: path, reason: "folder '\(folder)' does not exist")
            }
            return Target(path: (real == "/" ? "" : real) + "/" + name, status: nil)
        }
        throw OutputWriteError(path: path, reason: "too many levels of symbolic links")
    }

    private static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The folder part and the last name of a path (`.` for a bare name).
    private static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    private static func writeInPlace(_ data: Data, to target: String, reportedAs path: String) throws(OutputWriteError) {
        let descriptor = open(target, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputWriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        do {
            try DescriptorWriter.writeAll(data, to: descriptor)
        } catch {
            throw OutputWriteError(path: path, reason: error.reason)
        }
    }
}
