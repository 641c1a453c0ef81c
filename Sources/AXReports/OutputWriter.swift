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
    /// Writes `text` to `path`, replacing it only once the new content is complete on disk.
    public static func write(_ text: String, to path: String) throws(OutputWriteError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw OutputWriteError(path: path, reason: "it is a folder")
        }
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputWriteError(path: path, reason: "folder '\(folder)' does not exist")
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) else {
            throw OutputWriteError(path: path, reason: "cannot create a file in '\(folder)' (\(String(cString: strerror(errno))))")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw OutputWriteError(path: path, reason: reason)
        }
    }
}
