import AXReading
import Foundation

/// The file that holds the licensing service tokens: beside the state database (`<database>.token`), mode 0600,
/// owned by the user. A token file that others could read, a symlink, or anything but a regular file is refused
/// (never read, never replaced), so a token is neither leaked nor written where a link points.
public struct ServiceTokenFile: Sendable {
    /// The file's path.
    public let path: String

    /// Largest token file read.
    static let maximumSize = 64 << 10

    public init(path: String) { self.path = path }

    /// The token file of the state database at `databasePath`: `<databasePath>.token`.
    public init(databasePath: String) { self.init(path: databasePath + ".token") }

    /// The stored tokens, or nil when there is no token file (not registered).
    public func read() throws(LicensingServiceError) -> ServiceTokens? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            if error == ENOENT { return nil }
            if error == ELOOP { throw .tokenFile(path: path, problem: "is a symbolic link; refusing to follow it (replace it with the file itself, mode 0600)") }
            throw .tokenFile(path: path, problem: "cannot be opened: \(String(cString: strerror(error)))")
        }
        defer { close(descriptor) }
        try checkSafe(descriptor)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = Foundation.read(descriptor, &buffer, buffer.count)
            if count < 0 { throw .tokenFile(path: path, problem: "cannot be read: \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            data.append(contentsOf: buffer[0..<count])
            if data.count > Self.maximumSize { throw .tokenFile(path: path, problem: "is larger than \(Self.maximumSize) bytes; it is not a token file") }
        }
        do {
            return try JSONInput(data, path: path).decode(ServiceTokens.self, keys: ["accessToken", "refreshToken", "expiresAt"])
        } catch {
            // Never the file's text: it holds secrets.
            throw .tokenFile(path: path, problem: "is not a token file written by axlicense (register again to replace it)")
        }
    }

    /// Replaces the stored tokens atomically: a new 0600 file in the same folder, synced, renamed over the old one.
    /// A symlink or a file with a wider mode at `path` is refused, not replaced.
    public func write(_ tokens: ServiceTokens) throws(LicensingServiceError) {
        try checkExisting()
        let data: Data
        do { data = try ServiceTimestamp.encoder().encode(tokens) } catch { throw .tokenFile(path: path, problem: "cannot be encoded") }
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .tokenFile(path: path, problem: "cannot be written: \(String(cString: strerror(errno)))") }
        var written = true
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if count <= 0 { written = false; return }
                offset += count
            }
        }
        // The mode is set explicitly: the umask cannot widen 0600, but fchmod makes the intent plain.
        written = written && fchmod(descriptor, 0o600) == 0 && fsync(descriptor) == 0
        close(descriptor)
        guard written, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .tokenFile(path: path, problem: "cannot be written: \(reason)")
        }
    }

    /// Removes the token file (a registration that failed leaves no old token behind); absent is fine.
    public func remove() throws(LicensingServiceError) {
        try checkExisting()
        if unlink(path) != 0 && errno != ENOENT {
            throw .tokenFile(path: path, problem: "cannot be removed: \(String(cString: strerror(errno)))")
        }
    }

    /// Whatever is at `path` must be absent or a safe token file.
    private func checkExisting() throws(LicensingServiceError) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT != S_IFLNK else {
            throw .tokenFile(path: path, problem: "is a symbolic link; refusing to follow it (remove it)")
        }
        try checkSafe(status)
    }

    private func checkSafe(_ descriptor: Int32) throws(LicensingServiceError) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .tokenFile(path: path, problem: "cannot be examined: \(String(cString: strerror(errno)))") }
        try checkSafe(status)
    }

    private func checkSafe(_ status: stat) throws(LicensingServiceError) {
        guard status.st_mode & S_IFMT == S_IFREG else { throw .tokenFile(path: path, problem: "is not a regular file") }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw .tokenFile(path: path, problem: "has mode \(String(mode, radix: 8)), readable or writable by others: the tokens may have leaked; "
                             + "remove the file and register again (axlicense writes it with mode 600)")
        }
        guard status.st_uid == geteuid() else {
            throw .tokenFile(path: path, problem: "belongs to another user; remove it and register again")
        }
    }
}
