import Foundation

/// A folder of one revision of a git repository, read from the object store: listed with `git ls-tree`, its files'
/// contents fetched through one `git cat-file --batch` process and handed over in memory. Nothing is extracted to disk,
/// and the working tree and index are never touched.
public struct GitRevisionTree: Sendable {
    /// `git:REV[:PATH]` as the user wrote it, for messages.
    public var spec: String
    /// The revision as written (`HEAD~1`, `origin/main`).
    public var revision: String
    /// The commit the revision names.
    public var commit: String
    /// The repository's top-level folder, as git names it (absolute).
    public var repository: String
    /// The folder read, relative to the repository's top level, without a slash at either end; empty for all of it.
    public var prefix: String

    /// Where this folder is in the working tree: the place the revision's files would be checked out.
    public var workingFolder: String { prefix.isEmpty ? repository : repository + "/" + prefix }

    /// One entry of the revision below `prefix`.
    public struct Entry: Sendable, Hashable {
        /// What git stores at the path.
        public enum Kind: Sendable, Hashable {
            /// A file (mode 100644 or 100755).
            case file
            /// A symbolic link: the blob holds the link's text.
            case link
            /// A submodule (a commit of another repository): never read.
            case submodule
        }

        /// The path relative to the folder read (`prefix`), `/`-separated.
        public var path: String
        /// The blob's id (for a submodule, the commit's).
        public var object: String
        public var kind: Kind
        /// The blob's size in bytes (0 for a submodule).
        public var size: Int
    }

    /// Finds `revision` (and `path`, relative to the repository's top level; nil: `directory`'s place in the repository)
    /// in the repository around `directory`. Each failure is one error saying what is wrong: git missing, not a
    /// repository, no such commit, no such folder at that commit, or not a folder.
    public static func open(_ revision: String, path: String?, in directory: String) throws(GitSourceError) -> GitRevisionTree {
        let spec = "git:\(revision)" + (path.map { ":\($0)" } ?? "")
        let topLevel = try GitProcess.run(["rev-parse", "--show-toplevel"], in: directory, spec: spec,
                                          failure: "'\(directory)' is not inside a git repository").text
        var prefix = path ?? ""
        if path == nil {
            prefix = try GitProcess.run(["rev-parse", "--show-prefix"], in: directory, spec: spec).text
        }
        prefix = prefix.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
        guard !revision.isEmpty, !revision.hasPrefix("-") else {
            throw GitSourceError(spec: spec, message: "'\(revision)' is not a commit in the repository at \(topLevel)")
        }
        let commit = try GitProcess.run(["rev-parse", "--verify", "--quiet", revision + "^{commit}"], in: topLevel, spec: spec,
                                        failure: "'\(revision)' is not a commit in the repository at \(topLevel)").text
        if !prefix.isEmpty {
            let kind = try? GitProcess.run(["cat-file", "-t", commit + ":" + prefix], in: topLevel, spec: spec).text
            switch kind {
            case "tree": break
            case nil: throw GitSourceError(spec: spec, message: "'\(prefix)' does not exist at \(revision)")
            default: throw GitSourceError(spec: spec, message: "'\(prefix)' at \(revision) is not a folder (a file or symbolic link); name the metadata folder")
            }
        }
        return GitRevisionTree(spec: spec, revision: revision, commit: commit, repository: topLevel, prefix: prefix)
    }

    /// Every file, link and submodule below the folder, recursively, with paths relative to it.
    public func entries() throws(GitSourceError) -> [Entry] {
        let treeish = prefix.isEmpty ? commit + "^{tree}" : commit + ":" + prefix
        let output = try GitProcess.run(["ls-tree", "-r", "-l", "-z", treeish], in: repository, spec: spec).data
        return Self.parseTreeListing(output)
    }

    /// The records of `git ls-tree -r -l -z`: `<mode> SP <type> SP <object> SP+ <size> TAB <path> NUL`, read over the
    /// bytes in one pass (a revision of the standard application lists over 50,000 files, read while the head is
    /// parsed on the same cores). A record that does not have that shape is skipped.
    static func parseTreeListing(_ output: Data) -> [Entry] {
        output.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> [Entry] in
            let bytes = raw.bindMemory(to: UInt8.self)
            var entries: [Entry] = []
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != 0 { end += 1 }
                defer { start = end + 1 }
                guard let tab = (start..<end).first(where: { bytes[$0] == UInt8(ascii: "\t") }) else { continue }
                // The four space-separated fields before the tab (the size is padded with spaces).
                var fields: [Range<Int>] = []
                var field = start
                for index in start...tab where index == tab || bytes[index] == UInt8(ascii: " ") {
                    if index > field { fields.append(field..<index) }
                    field = index + 1
                }
                guard fields.count == 4 else { continue }
                func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
                let mode = text(fields[0])
                let kind: Entry.Kind = mode == "120000" ? .link : (mode == "160000" ? .submodule : .file)
                var size = 0
                for index in fields[3] where fields[3].count <= 18 {
                    guard bytes[index] &- UInt8(ascii: "0") < 10 else { size = 0; break }
                    size = size &* 10 &+ Int(bytes[index] &- UInt8(ascii: "0"))
                }
                entries.append(Entry(path: text(tab + 1..<end), object: text(fields[2]), kind: kind, size: size))
            }
            return entries
        }
    }

    /// The contents of the blobs `objects`, in the same order, read through one `git cat-file --batch` process.
    public func contents(of objects: [String]) throws(GitSourceError) -> [[UInt8]] {
        guard !objects.isEmpty else { return [] }
        var request = Data()
        for object in objects { request.append(contentsOf: Array((object + "\n").utf8)) }
        let output = try GitProcess.run(["cat-file", "--batch"], in: repository, spec: spec, input: request).data
        // `<object> SP <type> SP <size> LF <contents> LF`, or `<object> SP missing LF`.
        var result: [[UInt8]] = []
        result.reserveCapacity(objects.count)
        var position = output.startIndex
        for object in objects {
            guard let newline = output[position...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw GitSourceError(spec: spec, message: "git cat-file ended early, before object \(object)")
            }
            let header = output[position..<newline].split(separator: UInt8(ascii: " "))
            guard header.count == 3, let size = Int(String(decoding: header[2], as: UTF8.self)), newline + 1 + size <= output.endIndex else {
                throw GitSourceError(spec: spec, message: "object \(object) cannot be read from the repository (\(String(decoding: output[position..<newline], as: UTF8.self)))")
            }
            result.append(Array(output[(newline + 1)..<(newline + 1 + size)]))
            position = newline + 1 + size + 1
        }
        return result
    }

    /// The paths (relative to the folder) of this revision whose content in the working tree may differ from it: files
    /// modified, staged, added, deleted or renamed since it, as git compares them, index and working tree both. Every
    /// other path of the revision holds the same content in `workingFolder`.
    ///
    /// One `git diff` is enough: a path of the revision that the index no longer tracks (`git rm --cached`, whether or
    /// not the file is still there, ignored or not) shows as deleted; files that are not in the revision are never
    /// asked about, so untracked ones need no listing of their own.
    public func pathsChangedInWorkingTree() throws(GitSourceError) -> Set<String> {
        let changed = try GitProcess.run(["diff", "--name-only", "-z", "--no-renames", "--relative", "--ignore-submodules=none", commit, "--"], in: workingFolder, spec: spec).data
        return Set(changed.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) })
    }
}

/// Runs git (or another tool) and collects its output; a failure is one `GitSourceError`.
package enum GitProcess {
    /// What a run printed.
    package struct Output {
        package var data: Data
        /// The output as text, without the final newline.
        package var text: String { String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Runs `git arguments` in `directory`; `failure` replaces git's own message when it fails.
    package static func run(_ arguments: [String], in directory: String, spec: String, failure: String? = nil, input: Data? = nil) throws(GitSourceError) -> Output {
        try run("git", arguments, in: directory, spec: spec, failure: failure, input: input)
    }

    /// Runs `tool arguments` through `/usr/bin/env` in `directory`, feeding `input` on a separate thread (a pipe
    /// holds only 64 KiB: writing it all first would dead-lock against a tool that answers as it reads).
    package static func run(_ tool: String, _ arguments: [String], in directory: String, spec: String, failure: String?, input: Data? = nil) throws(GitSourceError) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let out = Pipe(), err = Pipe(), inPipe = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do {
            try process.run()
        } catch {
            throw GitSourceError(spec: spec, message: "cannot run \(tool) in '\(directory)': \(error.localizedDescription)")
        }
        let writer = input.map { data in
            let handle = inPipe.fileHandleForWriting
            let thread = Thread {
                try? handle.write(contentsOf: data)
                try? handle.close()
            }
            thread.start()
            return thread
        }
        _ = writer
        // Errors are read on another thread so that neither pipe can fill up while the other is drained.
        let errors = ErrorText()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errors.value = err.fileHandleForReading.readDataToEndOfFile() }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            if process.terminationStatus == 127 {
                throw GitSourceError(spec: spec, message: "\(tool) is not installed or not on PATH; it is needed to read git: trees")
            }
            let detail = String(decoding: errors.value, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw GitSourceError(spec: spec, message: failure ?? (detail.isEmpty ? "\(tool) \(arguments.joined(separator: " ")) failed" : detail))
        }
        return Output(data: output)
    }

    /// Standard error of a run, filled by the thread that drains it.
    private final class ErrorText: @unchecked Sendable {
        var value = Data()
    }
}
