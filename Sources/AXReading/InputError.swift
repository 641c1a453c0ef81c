
/// The input files a run reads, named so that an error can say which one is at fault and the command line can say
/// how to supply it (libraries name no command-line flag).
public enum InputKind: String, Sendable, Hashable, CaseIterable {
    case metadata
    case skuMap
    case skuCatalog
    case users
    case entitlements
    case assignedLicenses
    case objectLicenses
    case systemUsers
    /// A reference metadata folder (the standard application under the analysed tree).
    case reference
    /// The workspace's `axlicense.json`: settings a run reads without flags (the reference folders).
    case workspaceConfig

    /// What the file is, for messages: `users file (role assignments CSV)`.
    public var what: String {
        switch self {
        case .metadata: "metadata folder"
        case .skuMap: "SKU map (LicensingServicePlansPrivilege JSON or CSV)"
        case .skuCatalog: "SKU catalog"
        case .users: "users file (role assignments CSV)"
        case .entitlements: "entitlements file (purchased licenses)"
        case .assignedLicenses: "assigned licenses file (Power Platform admin center report)"
        case .objectLicenses: "object licenses (Security object licenses export or Licensing* SQL exports)"
        case .systemUsers: "system users file (SystemUsers export)"
        case .reference: "reference metadata folder"
        case .workspaceConfig: "workspace configuration (axlicense.json)"
        }
    }

    /// The input's name in the workspace folder (`Metadata`, `users.csv`), or what it is when it has none.
    public var conventionalName: String {
        switch self {
        case .metadata: "Metadata"
        case .skuMap: "LicensingServicePlansPrivilege.json"
        case .users: "users.csv"
        case .entitlements: "entitlements.json"
        case .objectLicenses: "ObjectLicenses"
        case .workspaceConfig: "axlicense.json"
        case .systemUsers: "system-users.csv"
        case .assignedLicenses: "assigned-licenses.csv"
        case .skuCatalog: "skus.json"
        case .reference: what
        }
    }

    /// True when a missing input can be put at its conventional place in the workspace folder (`WorkspacePaths.Convention`).
    public var hasWorkspaceConvention: Bool {
        switch self {
        case .metadata, .skuMap, .users, .entitlements, .objectLicenses, .workspaceConfig: true
        // Read from the workspace only when there (`system-users.csv`, `assigned-licenses.csv`): missing, they were named.
        case .skuCatalog, .systemUsers, .assignedLicenses, .reference: false
        }
    }
}

/// A problem with an input file that stops the run: what the file is, where in it, and what to do.
public enum InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A required input was not found; `input` says which one, so the caller can say how to supply it.
    case missing(path: String, input: InputKind)
    /// The file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// The file has no content.
    case empty(path: String)
    /// The content is wrong at a known place (line or row, when there is one).
    case invalid(path: String, line: Int?, column: Int?, message: String)
    /// The input's conventional place in the workspace is a link to `target`, outside the workspace folder.
    case outsideWorkspace(path: String, target: String, input: InputKind)

    /// The file the error is about.
    public var path: String {
        switch self {
        case .missing(let path, _), .unreadable(let path, _), .empty(let path), .invalid(let path, _, _, _), .outsideWorkspace(let path, _, _): path
        }
    }

    /// `path[:line[:col]]: error: message`, one line a user can act on.
    public var description: String {
        switch self {
        case .missing(let path, let input):
            "\(path): error: \(input.what) not found"
        case .unreadable(let path, let reason):
            "\(path): error: cannot read file: \(reason)"
        case .empty(let path):
            "\(path): error: file is empty"
        case .outsideWorkspace(let path, let target, let input):
            "\(path): error: \(input.conventionalName) in the workspace is a link to \(target), outside the workspace"
        case .invalid(let path, let line, let column, let message):
            "\(SourceLocation(file: path, line: line, column: column)): error: \(message.withLineBreaksEscaped)"
        }
    }
}

import Foundation

/// The largest input files axlicense reads. A bigger file is refused before any of it is read, so a hostile or
/// mistaken input (a 200 MB JSON, a log file passed as users) costs no memory.
public enum InputSizeLimit {
    /// JSON inputs (SKU map, catalog, entitlements). Real SKU maps are under 1 MiB; decoding JSON takes several
    /// times the file's size in memory, which this keeps to a few hundred MB.
    public static let json = 32 * 1024 * 1024
    /// CSV inputs (users, assigned licenses). 100,000 users with several roles each take about 15 MiB.
    public static let csv = 256 * 1024 * 1024
}

/// Reads a whole input file, mapping a missing file to `InputError.missing` naming the input, and
/// refusing files over `maximumSize` (one of `InputSizeLimit`) before reading them.
///
/// Only a regular file is an input: a folder, FIFO, device or socket is refused by its kind before anything is read
/// (opened without blocking, checked with `fstat` on the opened file), so `/dev/zero` or a pipe nobody writes to
/// never hangs the run or fills memory.
package func readInputFile(_ path: String, input: InputKind, maximumSize: Int) throws(InputError) -> Data {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
        let code = errno
        if code == ENOENT || code == ENOTDIR { throw .missing(path: path, input: input) }
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { throw .unreadable(path: path, reason: "it is a folder, not a file") }
        throw .unreadable(path: path, reason: String(cString: strerror(code)))
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    if let reason = notARegularFile(mode: status.st_mode) { throw .unreadable(path: path, reason: reason) }
    let size = Int(status.st_size)
    if size > maximumSize {
        let mebibytes = (Double(size) / 1_048_576 * 10).rounded() / 10
        throw .unreadable(path: path, reason: "file is \(mebibytes) MiB, over the \(maximumSize / 1_048_576) MiB limit for this input")
    }
    // Read to the end (a file may grow while read), never past the limit.
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count == 0 { break }
        if count < 0 {
            if errno == EINTR { continue }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        data.append(contentsOf: buffer[0..<count])
        if data.count > maximumSize {
            throw .unreadable(path: path, reason: "file is over the \(maximumSize / 1_048_576) MiB limit for this input")
        }
    }
    if data.isEmpty || data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { throw .empty(path: path) }
    return data
}

/// Decodes a text input: UTF-8 (a leading BOM dropped), or UTF-16 as Excel's "Unicode text" and many Windows tools
/// write it (little- or big-endian, with a byte-order mark, or without one when the text starts with an ASCII
/// character, whose other byte is then a NUL). Invalid bytes are an error naming the line and column.
public func decodeText(_ data: Data, path: String) throws(InputError) -> String {
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    if let bigEndian = utf16ByteOrder(bytes) { return try decodeUTF16(bytes, bigEndian: bigEndian, path: path) }
    // An .xlsx saved or renamed as .csv: a ZIP archive, whose bytes are no text at all.
    if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
        throw .invalid(path: path, line: nil, column: nil, message: "the file is an Excel workbook (a ZIP archive), not CSV text; save it as \"CSV UTF-8 (Comma delimited)\"")
    }
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    var position = TextPosition()
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    loop: while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar): position.advance(past: scalar)
        case .emptyInput, .error: break loop
        }
    }
    throw .invalid(path: path, line: position.line, column: position.column, message: "file is not valid UTF-8 text")
}

/// The byte order of UTF-16 text: true for big-endian, false for little-endian, nil when the bytes are not UTF-16.
/// A byte-order mark decides; without one, a NUL in the first two bytes does (text that starts with an ASCII
/// character, as every header does: `U\0s\0` is little-endian, `\0U\0s` big-endian). The UTF-8 BOM is already gone.
private func utf16ByteOrder(_ bytes: [UInt8]) -> Bool? {
    if bytes.starts(with: [0xFF, 0xFE]) { return false }
    if bytes.starts(with: [0xFE, 0xFF]) { return true }
    guard bytes.count >= 2 else { return nil }
    if bytes[0] == 0 && bytes[1] != 0 { return true }
    if bytes[1] == 0 && bytes[0] != 0 { return false }
    return nil
}

/// Decodes UTF-16 text of the given byte order, dropping its byte-order mark; an odd byte count or an unpaired
/// surrogate is an error naming the line and column where it is.
private func decodeUTF16(_ bytes: [UInt8], bigEndian: Bool, path: String) throws(InputError) -> String {
    var units: [UInt16] = []
    units.reserveCapacity(bytes.count / 2)
    var index = 0
    while index + 1 < bytes.count {
        let (high, low) = bigEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
        units.append(UInt16(high) << 8 | UInt16(low))
        index += 2
    }
    if units.first == 0xFEFF { units.removeFirst() }
    var text = String.UnicodeScalarView()
    var position = TextPosition()
    var iterator = units.makeIterator()
    var decoder = UTF16()
    loop: while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            text.append(scalar)
            position.advance(past: scalar)
        case .emptyInput:
            break loop
        case .error:
            throw .invalid(path: path, line: position.line, column: position.column, message: "file is not valid UTF-16 text (an unpaired surrogate)")
        }
    }
    if bytes.count % 2 != 0 {
        throw .invalid(path: path, line: position.line, column: position.column, message: "file is not valid UTF-16 text (an odd number of bytes: the last character is cut)")
    }
    return String(text)
}

/// A line and column (characters) in text being decoded, for naming where a decoding error is.
private struct TextPosition {
    var line = 1
    var column = 1

    mutating func advance(past scalar: Unicode.Scalar) {
        if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
    }
}

/// Why a file of this mode is not an input (a folder, FIFO, device or socket), nil for a regular file.
package func notARegularFile(mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: nil
    case S_IFDIR: "it is a folder, not a file"
    case S_IFIFO: "it is a named pipe (FIFO), not a regular file"
    case S_IFCHR, S_IFBLK: "it is a device, not a regular file"
    default: "it is not a regular file"
    }
}

/// Refuses `path` unless it is a regular file, by its kind, without opening it (so a FIFO never blocks): for inputs
/// read by a library that opens the file itself (the .xlsx reader).
package func requireRegularFile(_ path: String, input: InputKind) throws(InputError) {
    var status = stat()
    guard stat(path, &status) == 0 else {
        let code = errno
        if code == ENOENT || code == ENOTDIR { throw .missing(path: path, input: input) }
        throw .unreadable(path: path, reason: String(cString: strerror(code)))
    }
    if let reason = notARegularFile(mode: status.st_mode) { throw .unreadable(path: path, reason: reason) }
}
