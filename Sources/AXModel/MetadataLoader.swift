import AXReading
import Foundation

/// One object read from the tree, with the file it came from (for ordering and messages).
public struct LoadedObject: Sendable {
    public var object: AOTObject
    public var file: String

    public init(object: AOTObject, file: String) {
        self.object = object
        self.file = file
    }
}

/// What reading a metadata folder produced: objects in sorted path order, and every problem found.
public struct MetadataSnapshot: Sendable {
    /// The objects, in sorted file-path order (the order that decides duplicate conflicts).
    public var objects: [LoadedObject]
    /// Problems found while reading.
    public var log: DiagnosticLog
    /// How many XML files were read.
    public var fileCount: Int

    /// Problems found while reading, as `DiagnosticLog` shows them.
    public var diagnostics: [Diagnostic] { log.diagnostics }

    /// The objects must be in sorted file-path order: it decides which of two definitions of one object wins.
    public init(objects: [LoadedObject], diagnostics: [Diagnostic], fileCount: Int) {
        self.init(objects: objects, log: DiagnosticLog(diagnostics), fileCount: fileCount)
    }

    /// The objects must be in sorted file-path order: it decides which of two definitions of one object wins.
    public init(objects: [LoadedObject], log: DiagnosticLog, fileCount: Int) {
        self.objects = objects
        self.log = log
        self.fileCount = fileCount
    }
}

/// Finds and parses every security and menu-item file under a folder.
///
/// The folder may be a whole PackagesLocalDirectory, one package, one model, or a folder of `Ax*` folders.
public struct MetadataLoader: Sendable {
    /// Folders never searched: build output and compiled metadata inside packages.
    package static let skippedFolders: Set<String> = ["bin", compiledMetadataFolder, "descriptor", "reports", "resources", "node_modules"]
    /// `XppMetadata`, lower-cased: a package's compiled metadata. Skipped in the analysed tree (its sources are
    /// there); read in a reference, where the build NuGet packages hold nothing else.
    package static let compiledMetadataFolder = "xppmetadata"

    /// How many files are parsed at once; defaults to the number of active cores.
    public var concurrency: Int
    /// Called now and then from worker threads with (files parsed, files in all), for a progress indicator.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(concurrency: Int = ProcessInfo.processInfo.activeProcessorCount, progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.concurrency = max(1, concurrency)
        self.progress = progress
    }

    /// A file to parse, with what its place in the tree says about it.
    struct FileTask: Sendable {
        var path: String
        /// The object folder holding the file: an index into the listing's folders.
        var folder: Int
        var type: AOTObjectType
        var origin: ModelOrigin
    }

    /// Reads the tree at `root`. Throws only when `root` itself cannot be read; problems inside are diagnostics.
    public func load(root: String) throws(MetadataLoadError) -> MetadataSnapshot {
        try load(root: root, reference: nil)
    }

    /// Reads the tree at `root`; with `reference` (the folder as named), as a reference: its objects' origins say so,
    /// and `XppMetadata` folders are read.
    func load(root: String, reference: String?) throws(MetadataLoadError) -> MetadataSnapshot {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else {
            throw reference == nil ? .missingFolder(root) : .missingReference(root)
        }
        guard isDirectory.boolValue else { throw reference == nil ? .notAFolder(root) : .referenceNotAFolder(root) }
        let listing = FolderListing(root: root, reference: reference)
        var log = listing.log
        var tasks = listing.tasks
        let folders = listing.folders
        // Sorted path order decides duplicate conflicts: byte order, compared with memcmp over one buffer holding
        // every path (Unicode-aware String order, or an array per key, costs many times more on 50,000 paths).
        tasks = byteOrder(tasks.map(\.path)).map { tasks[$0] }
        PhaseTimer.mark("  metadata: \(tasks.count) files listed")

        let outcomes = parseAll(tasks, folders: folders)
        PhaseTimer.mark("  metadata: files parsed")
        var objects: [LoadedObject] = []
        objects.reserveCapacity(tasks.count)
        // Worker w parsed files w, w + workers, …: read them back in path order, without copying the arrays.
        for index in tasks.indices {
            let outcome = outcomes[index % outcomes.count][index / outcomes.count]
            if !outcome.diagnostics.isEmpty { log.append(contentsOf: outcome.diagnostics) }
            if let object = outcome.object { objects.append(LoadedObject(object: object, file: tasks[index].path)) }
        }
        return MetadataSnapshot(objects: objects, log: log, fileCount: tasks.count)
    }

    /// `Name.xml` (any case), not hidden.
    static func isXMLFileName(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            let count = bytes.count
            guard count > 4, bytes[0] != UInt8(ascii: ".") else { return false }
            // `| 0x20` lower-cases an ASCII letter and maps no other byte onto `x`, `m` or `l`.
            return bytes[count - 4] == UInt8(ascii: ".") && bytes[count - 3] | 0x20 == UInt8(ascii: "x")
                && bytes[count - 2] | 0x20 == UInt8(ascii: "m") && bytes[count - 1] | 0x20 == UInt8(ascii: "l")
        }
    }

    /// The model is the parent of the `Ax*` folder; the package is the model's parent (skipping `XppMetadata`:
    /// `Package/XppMetadata/Model/Ax…` is the compiled metadata of `Package/Model`).
    static func origin(ofTypeFolder path: String) -> ModelOrigin {
        var absolute = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        if absolute.count >= 4, absolute[absolute.count - 3].lowercased() == compiledMetadataFolder { absolute.remove(at: absolute.count - 3) }
        let model = absolute.count >= 2 ? absolute[absolute.count - 2] : ""
        let package = absolute.count >= 3 ? absolute[absolute.count - 3] : model
        return ModelOrigin(package: package == "/" ? model : package, model: model)
    }

    /// Parses every file on `concurrency` workers; worker `w` takes files `w`, `w + workers`, … and returns their
    /// outcomes in that order (each worker fills its own array: no lock per file).
    private func parseAll(_ tasks: [FileTask], folders: [String]) -> [[AOTFileParser.Output]] {
        _ = StreamingXMLReader.initializeLibrary
        let workers = min(concurrency, max(1, tasks.count))
        let done = ParsedFileCount()
        let progress = self.progress
        return concurrentMap(workers) { worker in
            let reader = ReusableXMLReader()
            let folder = OpenFolder()
            var buffer: [UInt8] = []
            var index = worker
            var sinceReport = 0
            var outcomes: [AOTFileParser.Output] = []
            outcomes.reserveCapacity(tasks.count / workers + 1)
            while index < tasks.count {
                let task = tasks[index]
                outcomes.append(Self.parseFile(task, in: folder.descriptor(task.folder, path: folders[task.folder]), reader: reader, buffer: &buffer))
                index += workers
                sinceReport += 1
                if let progress, sinceReport == 1_000 {
                    progress(done.add(sinceReport), tasks.count)
                    sinceReport = 0
                }
            }
            if let progress { progress(done.add(sinceReport), tasks.count) }
            return outcomes
        }
    }

    static func parseFile(_ task: FileTask, in folder: Int32?, reader: ReusableXMLReader, buffer: inout [UInt8]) -> AOTFileParser.Output {
        let location = SourceLocation(file: task.path)
        let count: Int
        switch readFile(task.path, in: folder, into: &buffer) {
        case .success(let length): count = length
        case .failure(let reason):
            return .init(object: nil, diagnostics: [Diagnostic(.error, .unreadableFile, "file cannot be read: \(reason.reason)", at: location)])
        }
        let result = buffer.withUnsafeBytes { bytes in
            Result { () throws(XMLSyntaxError) in
                try AOTFileParser.parse(UnsafeRawBufferPointer(rebasing: bytes[0..<count]), file: task.path, type: task.type, origin: task.origin, reader: reader)
            }
        }
        switch result {
        case .success(let output):
            return output
        case .failure(let error):
            let at = SourceLocation(file: task.path, line: error.line, column: error.column)
            return .init(object: nil, diagnostics: [Diagnostic(.error, .malformedFile, "not well-formed XML: \(error.message)", at: at)])
        }
    }

    /// Reads a whole file into `buffer` (reused across files, grown when a file does not fit) with one `read` loop.
    ///
    /// With `folder`, an open descriptor of the file's folder, the file is opened by its name in it: the kernel then
    /// looks up one name instead of walking the whole path again for each of tens of thousands of files. The file's
    /// size is asked only when it does not fit the buffer: one system call fewer for nearly every file.
    static func readFile(_ path: String, in folder: Int32?, into buffer: inout [UInt8]) -> Result<Int, ReadFailure> {
        let descriptor = path.withCString { full in
            // Non-blocking: a file that became a FIFO since it was listed gives an empty read instead of a hang.
            guard let folder, let slash = strrchr(full, Int32(UInt8(ascii: "/"))) else { return open(full, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
            return openat(folder, slash + 1, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        }
        guard descriptor >= 0 else { return .failure(ReadFailure(String(cString: strerror(errno)))) }
        defer { close(descriptor) }
        let limit = StreamingXMLReader.maximumDocumentSize
        let tooLarge = ReadFailure("larger than \(limit / 1024 / 1024) MiB; not an AOT metadata file")
        if buffer.isEmpty { buffer = [UInt8](repeating: 0, count: 64 * 1024) }
        var total = 0
        while true {
            if total == buffer.count {
                var status = stat()
                let size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
                guard total <= limit, size <= limit else { return .failure(tooLarge) }
                // Room for the whole file and one byte more, so that the next read sees its end.
                buffer += repeatElement(0, count: min(max(size + 1, buffer.count * 2), limit + 1) - buffer.count)
            }
            let got = buffer.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress! + total, raw.count - total) }
            if got < 0 {
                if errno == EINTR { continue }
                return .failure(ReadFailure(String(cString: strerror(errno))))
            }
            if got == 0 { return .success(total) }
            total += got
        }
    }

    struct ReadFailure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

/// The object folder a parse worker is reading from, kept open while the worker's files are in it.
///
/// Files are parsed in sorted path order, so each worker opens each folder once.
private final class OpenFolder {
    private var index = -1
    private var handle: Int32 = -1

    /// An open descriptor of folder `index` at `path`, or nil when it cannot be opened (files are then opened by path,
    /// which reports the reason).
    func descriptor(_ index: Int, path: String) -> Int32? {
        if index != self.index {
            if handle >= 0 { close(handle) }
            self.index = index
            handle = FolderListing.openFolder(path)
        }
        return handle >= 0 ? handle : nil
    }

    deinit { if handle >= 0 { close(handle) } }
}

/// How many files the workers have parsed, for the progress indicator.
private final class ParsedFileCount: @unchecked Sendable {
    private var total = 0
    private let lock = NSLock()

    /// Adds `amount` and returns the new total.
    func add(_ amount: Int) -> Int { lock.withLock { total += amount; return total } }
}

/// Why a metadata folder could not be read at all.
public enum MetadataLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingFolder(String)
    case notAFolder(String)
    /// A reference folder (the standard application) does not exist.
    case missingReference(String)
    /// A reference path is a file, not a folder.
    case referenceNotAFolder(String)
    /// A reference folder holds no security or menu-item metadata at all: a wrong path, or packages not restored.
    case emptyReference(String)

    /// True for the errors about a reference folder rather than the analysed tree.
    public var isAboutReference: Bool {
        switch self {
        case .missingFolder, .notAFolder: false
        case .missingReference, .referenceNotAFolder, .emptyReference: true
        }
    }

    /// The path that could not be read.
    public var path: String {
        switch self {
        case .missingFolder(let path), .notAFolder(let path), .missingReference(let path), .referenceNotAFolder(let path), .emptyReference(let path): path
        }
    }

    public var description: String {
        switch self {
        case .missingFolder(let path): "metadata folder '\(path)' does not exist"
        case .notAFolder(let path): "metadata path '\(path)' is not a folder"
        case .missingReference(let path): "reference metadata folder '\(path)' does not exist"
        case .referenceNotAFolder(let path): "reference metadata path '\(path)' is not a folder"
        case .emptyReference(let path):
            "reference metadata folder '\(path)' holds no Ax…/*.xml security or menu-item files (a PackagesLocalDirectory, a packages folder or extracted build NuGet packages is expected)"
        }
    }
}
