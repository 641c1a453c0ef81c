import AXReading
import Foundation

/// Another read of the same tree whose parses a revision read may take over: the files it read under the same root,
/// and which of them hold the same content as the revision.
public struct ReusableParse: Sendable {
    /// The read whose objects and diagnostics are taken over; its file paths are `root` joined with the relative path.
    public var snapshot: MetadataSnapshot
    /// True for a path (relative to the root) whose content is the same on both sides.
    public var isUnchanged: @Sendable (String) -> Bool

    public init(snapshot: MetadataSnapshot, isUnchanged: @escaping @Sendable (String) -> Bool) {
        self.snapshot = snapshot
        self.isUnchanged = isUnchanged
    }
}

extension MetadataLoader {
    /// Reads the metadata folder of a git revision from the object store, as `load(root:)` reads a folder: the same
    /// files (every `Name.xml` in an `Ax*` object folder, hidden and build folders skipped), named `root` joined with
    /// their path in the folder, so that a revision read with the working folder's root matches its read path for path.
    ///
    /// With `reuse`, a file that `reuse` says is unchanged is not fetched or parsed: its object and diagnostics are
    /// taken from `reuse.snapshot`, which must have been read under the same `root`. Only the other files' blobs are
    /// fetched (one `git cat-file --batch`) and parsed in memory on the workers.
    ///
    /// A committed symbolic link to a file inside the folder is read as that file (as the folder walk follows it);
    /// one leading outside, or to a folder, is a `link-outside-tree` warning and not followed.
    ///
    /// `listed`, when given, is `tree.entries()` already listed (while something else ran).
    public func load(revision tree: GitRevisionTree, root: String, reusing reuse: ReusableParse? = nil,
                     listed: [GitRevisionTree.Entry]? = nil) throws(GitSourceError) -> MetadataSnapshot {
        var entries = listed ?? []
        if listed == nil { entries = try tree.entries() }
        PhaseTimer.mark("  metadata: \(entries.count) entries of \(tree.spec) listed")
        let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        func join(_ relative: String) -> String { root.hasSuffix("/") ? root + relative : root + "/" + relative }

        var log = DiagnosticLog()
        /// A file to read: its path, and the blob holding its content (a link's target's).
        struct Item {
            var relative: String
            var blob: GitRevisionTree.Entry
            var type: AOTObjectType
            /// The relative paths whose content decides this file's: itself, and a link's target.
            var sources: [String]
        }
        var items: [Item] = []
        var folderTypes: [Substring: AOTObjectType?] = [:]
        for entry in entries {
            guard let type = Self.objectType(ofFileAt: entry.path, folderTypes: &folderTypes) else {
                // A link where a folder could be: the folder walk would follow it; a revision read does not.
                if entry.kind == .link, Self.isListedFolderPath(entry.path) {
                    log.append(Diagnostic(.warning, .linkOutsideTree, "symbolic link in \(tree.spec) is not followed: only files, not folders, are read through links in a git revision",
                                          at: SourceLocation(file: join(entry.path))))
                }
                continue
            }
            switch entry.kind {
            case .file:
                items.append(Item(relative: entry.path, blob: entry, type: type, sources: [entry.path]))
            case .submodule:
                log.append(Diagnostic(.error, .unreadableFile, "file cannot be read: a git submodule", at: SourceLocation(file: join(entry.path))))
            case .link:
                switch try Self.resolveLink(entry, in: tree, entries: byPath) {
                case .file(let target):
                    items.append(Item(relative: entry.path, blob: target, type: type, sources: [entry.path, target.path]))
                case .diagnostic(let severity, let code, let message):
                    log.append(Diagnostic(severity, code, message, at: SourceLocation(file: join(entry.path))))
                }
            }
        }
        items = byteOrder(items.map { join($0.relative) }).map { items[$0] }

        // Reused: the other read's object and diagnostics for the same path, when every source is unchanged.
        var reusedObjects: [String: LoadedObject] = [:]
        var reusedDiagnostics: [String: [Diagnostic]] = [:]
        var reused = Set<Int>()
        if let reuse {
            reusedObjects.reserveCapacity(reuse.snapshot.objects.count)
            for object in reuse.snapshot.objects { reusedObjects[object.file] = object }
            for diagnostic in reuse.snapshot.diagnostics {
                if let file = diagnostic.location?.file { reusedDiagnostics[file, default: []].append(diagnostic) }
            }
            for (index, item) in items.enumerated() where item.sources.allSatisfy(reuse.isUnchanged) {
                let path = join(item.relative)
                if reusedObjects[path] != nil || reusedDiagnostics[path] != nil { reused.insert(index) }
            }
        }
        let toRead = items.indices.filter { !reused.contains($0) }
        let limit = StreamingXMLReader.maximumDocumentSize
        let fetched = toRead.filter { items[$0].blob.size <= limit }
        let contents = try tree.contents(of: fetched.map { items[$0].blob.object })
        PhaseTimer.mark("  metadata: \(fetched.count) blobs fetched, \(reused.count) files reused")
        var blobOf: [Int: Int] = [:]
        for (offset, index) in fetched.enumerated() { blobOf[index] = offset }

        let outcomes = parse(toRead.map { index in
            (path: join(items[index].relative), type: items[index].type, origin: Self.origin(ofTypeFolder: join(Self.folder(of: items[index].relative))),
             contents: blobOf[index].map { contents[$0] })
        })
        var outcomeOf: [Int: AOTFileParser.Output] = [:]
        for (offset, index) in toRead.enumerated() { outcomeOf[index] = outcomes[offset] }

        var objects: [LoadedObject] = []
        objects.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let path = join(item.relative)
            if let outcome = outcomeOf[index] {
                log.append(contentsOf: outcome.diagnostics)
                if let object = outcome.object { objects.append(LoadedObject(object: object, file: path)) }
            } else {
                log.append(contentsOf: reusedDiagnostics[path] ?? [])
                if let object = reusedObjects[path] { objects.append(object) }
            }
        }
        PhaseTimer.mark("  metadata: \(tree.spec) parsed")
        return MetadataSnapshot(objects: objects, log: log, fileCount: items.count)
    }

    /// Parses files held in memory on the workers; nil contents is a blob over the size limit.
    private func parse(_ files: [(path: String, type: AOTObjectType, origin: ModelOrigin, contents: [UInt8]?)]) -> [AOTFileParser.Output] {
        _ = StreamingXMLReader.initializeLibrary
        let workers = min(concurrency, max(1, files.count / 64 + 1))
        let parts = concurrentMap(workers) { worker in
            let reader = ReusableXMLReader()
            var outcomes: [AOTFileParser.Output] = []
            var index = worker
            while index < files.count {
                let file = files[index]
                let location = SourceLocation(file: file.path)
                if let contents = file.contents {
                    let result = contents.withUnsafeBytes { bytes in
                        Result { () throws(XMLSyntaxError) in try AOTFileParser.parse(bytes, file: file.path, type: file.type, origin: file.origin, reader: reader) }
                    }
                    switch result {
                    case .success(let output): outcomes.append(output)
                    case .failure(let error):
                        let at = SourceLocation(file: file.path, line: error.line, column: error.column)
                        outcomes.append(.init(object: nil, diagnostics: [Diagnostic(.error, .malformedFile, "not well-formed XML: \(error.message)", at: at)]))
                    }
                } else {
                    let reason = "larger than \(StreamingXMLReader.maximumDocumentSize / 1024 / 1024) MiB; not an AOT metadata file"
                    outcomes.append(.init(object: nil, diagnostics: [Diagnostic(.error, .unreadableFile, "file cannot be read: \(reason)", at: location)]))
                }
                index += workers
            }
            return outcomes
        }
        return files.indices.map { parts[$0 % workers][$0 / workers] }
    }

    /// The folder part of a relative path (`""` at the top).
    private static func folder(of relative: String) -> String {
        relative.lastIndex(of: "/").map { String(relative[..<$0]) } ?? ""
    }

    /// The object type of the file at `relative` (a path in the metadata folder) when the folder walk would read it:
    /// a `Name.xml` directly in an `Ax*` folder, with no hidden or build folder and no other `Ax*` folder on the way.
    ///
    /// `folderTypes` remembers the answer per folder (a revision lists tens of thousands of files in a few hundred
    /// folders), so each folder's names are judged once.
    static func objectType(ofFileAt relative: String, folderTypes: inout [Substring: AOTObjectType?]) -> AOTObjectType? {
        guard let slash = relative.utf8.lastIndex(of: UInt8(ascii: "/")),
              isXMLFileName(String(relative[relative.index(after: slash)...]))
        else { return nil }
        let folder = relative[..<slash]
        if let known = folderTypes[folder] { return known }
        let type = objectType(ofFolder: folder)
        folderTypes[folder] = type
        return type
    }

    /// The object type of the files in `folder` (a path relative to the root): the `Ax*` folder's, when no folder on
    /// the way is hidden, a build folder, or itself an `Ax*` folder.
    private static func objectType(ofFolder folder: Substring) -> AOTObjectType? {
        let folders = folder.split(separator: "/", omittingEmptySubsequences: false)
        guard !folders.isEmpty else { return nil }
        guard let type = AOTObjectType(folderName: String(folders[folders.count - 1])) else { return nil }
        for name in folders.dropLast() {
            guard !name.isEmpty, !name.hasPrefix("."), AOTObjectType(folderName: String(name)) == nil, !skippedFolders.contains(name.lowercased()) else { return nil }
        }
        return folders[folders.count - 1].hasPrefix(".") ? nil : type
    }

    /// True when the folder walk would look at an entry at `relative` as a possible folder (none of the folders on the
    /// way, nor the entry itself, is hidden, a build folder, or inside an `Ax*` folder).
    static func isListedFolderPath(_ relative: String) -> Bool {
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        for name in components.dropLast() {
            guard !name.isEmpty, !name.hasPrefix("."), AOTObjectType(folderName: String(name)) == nil, !skippedFolders.contains(name.lowercased()) else { return false }
        }
        return components.last.map { !$0.hasPrefix(".") } ?? false
    }

    /// Where a committed link leads: a file of the folder, or the diagnostic the folder walk gives for it.
    private enum LinkTarget {
        case file(GitRevisionTree.Entry)
        case diagnostic(DiagnosticSeverity, DiagnosticCode, String)
    }

    /// Follows `link` (and links it leads to, at most 40) inside the folder read.
    private static func resolveLink(_ link: GitRevisionTree.Entry, in tree: GitRevisionTree, entries: [String: GitRevisionTree.Entry]) throws(GitSourceError) -> LinkTarget {
        var current = link
        var written = ""
        for _ in 0..<40 {
            let text = String(decoding: try tree.contents(of: [current.object])[0], as: UTF8.self)
            if current.path == link.path { written = text }
            guard !text.hasPrefix("/") else { break }
            var parts = folder(of: current.path).split(separator: "/").map(String.init)
            var outside = false
            for part in text.split(separator: "/") {
                if part == "." { continue }
                if part == ".." {
                    if parts.isEmpty { outside = true; break }
                    parts.removeLast()
                } else {
                    parts.append(String(part))
                }
            }
            guard !outside else { break }
            let target = parts.joined(separator: "/")
            guard let entry = entries[target] else {
                let isFolder = entries.keys.contains { $0.hasPrefix(target + "/") }
                return isFolder
                    ? .diagnostic(.error, .unreadableFile, "file cannot be read: not a regular file (a folder)")
                    : .diagnostic(.error, .unreadableFile, "file cannot be read: symbolic link to '\(written)', which does not exist")
            }
            switch entry.kind {
            case .file: return .file(entry)
            case .submodule: return .diagnostic(.error, .unreadableFile, "file cannot be read: a git submodule")
            case .link: current = entry
            }
        }
        return .diagnostic(.warning, .linkOutsideTree, "symbolic link to '\(written)' leads outside the metadata folder; not followed")
    }
}
