import Foundation

/// Why a report could not be written.
public struct OutputWriteError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): error: cannot write output: \(reason)" }
}

/// Writes a report to a file atomically: a temporary file beside it, then a rename, so a failed run
/// never leaves a partial file and never destroys an earlier one.
public enum OutputWriter {
    /// Writes `text` to `path`, replacing a regular file only once the new content is complete on disk.
    ///
    /// A symbolic link is followed (the link stays, its target is replaced); a device or pipe (`/dev/null`,
    /// `/dev/stdout`) is written in place, since renaming over it would replace the device itself.
    public static func write(_ text: String, to path: String) throws(OutputWriteError) {
        try write(Data(text.utf8), to: path)
    }

    /// Writes bytes (a workbook) to `path`, with the same guarantees as text.
    public static func write(_ data: Data, to path: String) throws(OutputWriteError) {
        var target = path
        if let resolved = realpath(path, nil) {
            target = String(cString: resolved)
            free(resolved)
            var status = stat()
            if stat(target, &status) == 0 {
                let kind = status.st_mode & S_IFMT
                if kind == S_IFDIR { throw OutputWriteError(path: path, reason: "it is a folder") }
                if kind != S_IFREG { return try writeInPlace(data, to: target, reportedAs: path) }
            }
        }
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputWriteError(path: path, reason: "folder '\(folder)' does not exist")
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw OutputWriteError(path: path, reason: "cannot create a file in '\(folder)' (\(String(cString: strerror(errno))))")
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputWriteError(path: path, reason: reason)
        }
    }

    private static func writeInPlace(_ data: Data, to target: String, reportedAs path: String) throws(OutputWriteError) {
        guard let handle = FileHandle(forWritingAtPath: target) else {
            throw OutputWriteError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: data)
        } catch {
            throw OutputWriteError(path: path, reason: error.localizedDescription)
        }
    }
}
