import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func roleXML(_ name: String, duties: [String]) -> String {
    "<AxSecurityRole><Name>\(name)</Name><Duties>\n"
        + duties.map { "<AxSecurityDutyReference><Name>\($0)</Name></AxSecurityDutyReference>\n" }.joined()
        + "</Duties></AxSecurityRole>\n"
}

/// Item 3 of issue 12: one file repeating a problem a hundred thousand times gives a few diagnostics and a count.
@Suite struct DiagnosticVolumeTests {
    /// A message quoting input text that holds line breaks (a quoted CSV cell) stays one line on the terminal, so the
    /// next line is never mistaken for another diagnostic or cut off by tools reading one diagnostic a line.
    @Test func aDiagnosticQuotingLineBreaksIsPrintedOnOneLine() {
        let diagnostic = Diagnostic(.warning, .unknownLicenseName, "license 'A\nB\r\nC' is not in the SKU catalog; ignored", at: SourceLocation(file: "p.csv", line: 2))
        #expect(diagnostic.description == #"p.csv:2: warning: license 'A\nB\r\nC' is not in the SKU catalog; ignored [unknown-license-name]"#)
        let error = InputError.invalid(path: "p.csv", line: 3, column: nil, message: "'x\ny' is not a date")
        #expect(error.description == #"p.csv:3: error: 'x\ny' is not a date"#)
    }

    @Test func manyMissingReferencesInOneFileCollapseToTheFirstFiveAndACount() throws {
        let tree = TemporaryFolder()
        tree.write("P/M/AxSecurityRole/Big.xml", roleXML("Big", duties: (0..<100_000).map { "Missing\($0)" }))
        let graph = SecurityGraph(try MetadataLoader().load(root: tree.path))
        let dangling = graph.diagnostics.filter { $0.code == .danglingReference }
        #expect(dangling.count == 6)
        #expect(dangling.prefix(5).map(\.location?.line) == [2, 3, 4, 5, 6])
        let summary = try #require(dangling.last)
        #expect(summary.omitted == 99_995)
        #expect(summary.location == SourceLocation(file: tree.path + "/P/M/AxSecurityRole/Big.xml", line: 7))
        #expect(summary.message == "... and 99995 more dangling-reference in this file")
    }

    @Test func aRepeatedReferenceIsKeptOnceInItsObjectAndReportedOnce() throws {
        let tree = TemporaryFolder()
        tree.write("P/M/AxSecurityRole/Big.xml", roleXML("Big", duties: Array(repeating: "Missing", count: 100_000)))
        let snapshot = try MetadataLoader().load(root: tree.path)
        guard case .role(let role) = snapshot.objects.first?.object else { Issue.record("no role"); return }
        #expect(role.contents.duties.map(\.name) == ["Missing"])
        #expect(SecurityGraph(snapshot).diagnostics.filter { $0.code == .danglingReference }.count == 1)
    }

    @Test func theLogKeepsTheFirstInOutputOrderWhateverTheOrderOfAppending() {
        let all = (1...40).map { (line: Int) in Diagnostic(.warning, .danglingReference, "m\(line)", at: SourceLocation(file: "a.xml", line: line)) }
        var forward = DiagnosticLog(), backward = DiagnosticLog(), halves = DiagnosticLog(), second = DiagnosticLog()
        for diagnostic in all { forward.append(diagnostic) }
        for diagnostic in all.reversed() { backward.append(diagnostic) }
        for diagnostic in all.prefix(20) { halves.append(diagnostic) }
        for diagnostic in all.suffix(20) { second.append(diagnostic) }
        halves.merge(second)
        #expect(forward.diagnostics == backward.diagnostics)
        #expect(forward.diagnostics == halves.diagnostics)
        #expect(forward.diagnostics.map(\.location?.line) == [1, 2, 3, 4, 5, 6])
        #expect(forward.diagnostics.last?.omitted == 35)
        // Collapsed output merged again counts the same.
        #expect(DiagnosticLog(forward.diagnostics).diagnostics == forward.diagnostics)
        #expect(forward.representedCount == 40)
    }

    /// The log sorts file by file; the order must still be the one `precedesInOutput` defines over all of them
    /// (file, line, column, code, message), files without a location first.
    @Test func theOutputOrderIsByFileThenPlaceThenCodeThenMessage() {
        var random = SeededGenerator(seed: 13)
        let files: [String?] = [nil, "", "b.xml", "a.xml", "a/b.xml", "A.xml", "é.xml", "a.xml.bak"]
        let codes: [DiagnosticCode] = [.danglingReference, .missingName, .malformedFile]
        var all: [Diagnostic] = []
        for index in 0..<300 {
            let file = files[Int(random.next() % UInt64(files.count))]
            let location = file.map { SourceLocation(file: $0, line: Int(random.next() % 4), column: Int(random.next() % 3)) }
            all.append(Diagnostic(.warning, codes[Int(random.next() % 3)], "m\(index % 7)", at: location))
        }
        let shown = DiagnosticLog(all).diagnostics.filter { $0.omitted == nil }
        #expect(shown.count > 50)
        for (earlier, later) in zip(shown, shown.dropFirst()) {
            #expect(!later.precedesInOutput(earlier), "\(later) shown after \(earlier)")
        }
    }

    @Test func theGlobalCapKeepsErrorsAndSaysHowManyItLeftOut() {
        var log = DiagnosticLog()
        let files = DiagnosticLog.shownLimit + 500
        for index in 0..<files {
            log.append(Diagnostic(.warning, .danglingReference, "w", at: SourceLocation(file: String(format: "f%06d.xml", index), line: 1)))
        }
        log.append(Diagnostic(.error, .malformedFile, "bad", at: SourceLocation(file: "z.xml", line: 1)))
        let shown = log.diagnostics
        #expect(shown.count == DiagnosticLog.shownLimit + 1)
        #expect(shown.contains { $0.code == .malformedFile })
        let summary = shown.last!
        #expect(summary.code == .diagnosticsOmitted)
        #expect(summary.location == nil)
        #expect(summary.omitted == 501)
        #expect(shown.containsErrors)
        #expect(log.representedCount == files + 1)
    }
}

/// Item 10 of issue 12: what a file gives depends on its bytes only, not on the worker or the files read before it.
@Suite struct EncodingIndependenceTests {
    /// ASCII to IBM037 (EBCDIC) for the characters the test documents use.
    static func ebcdic(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar -> UInt8 in
            let c = UInt8(scalar.value)
            switch scalar {
            case "a"..."i": return 0x81 + (c - 0x61)
            case "j"..."r": return 0x91 + (c - 0x6A)
            case "s"..."z": return 0xA2 + (c - 0x73)
            case "A"..."I": return 0xC1 + (c - 0x41)
            case "J"..."R": return 0xD1 + (c - 0x4A)
            case "S"..."Z": return 0xE2 + (c - 0x53)
            case "0"..."9": return 0xF0 + (c - 0x30)
            case " ": return 0x40
            case "<": return 0x4C
            case ">": return 0x6E
            case "?": return 0x6F
            case "/": return 0x61
            case "=": return 0x7E
            case "\"": return 0x7F
            case ".": return 0x4B
            case "-": return 0x60
            case "\n": return 0x25
            default: preconditionFailure("no EBCDIC for \(scalar)")
            }
        }
    }

    static func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
        text.utf16.flatMap { bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    /// Each kind of file, by a name for it.
    static let files: [(kind: String, bytes: [UInt8])] = {
        func duty(_ name: String, _ encoding: String?) -> String {
            (encoding.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>\n" } ?? "") + "<AxSecurityDuty><Name>\(name)</Name></AxSecurityDuty>\n"
        }
        return [
            ("utf8", Array(duty("PlainUTF8", nil).utf8)),
            ("utf8-bom", [0xEF, 0xBB, 0xBF] + Array(duty("BomUTF8", "utf-8").utf8)),
            ("utf16le-bom", [0xFF, 0xFE] + utf16(duty("BomLE", "utf-16"), bigEndian: false)),
            ("utf16be-bom", [0xFE, 0xFF] + utf16(duty("BomBE", "utf-16"), bigEndian: true)),
            ("utf16le", utf16(duty("NoBomLE", "utf-16"), bigEndian: false)),
            ("utf16be", utf16(duty("NoBomBE", "utf-16"), bigEndian: true)),
            ("utf16le-nodecl", utf16(duty("NoDeclLE", nil), bigEndian: false)),
            ("ebcdic", ebcdic(duty("Ebcdic", "IBM037"))),
            ("latin1", Array(duty("Latin", "ISO-8859-1").utf8.map { $0 }) ),
            ("garbage", [0x00, 0x00, 0x00, 0x00, 0x41]),
            ("utf8-2", Array(duty("Second", nil).utf8)),
            ("utf16be-nodecl", utf16(duty("NoDeclBE", nil), bigEndian: true)),
            ("utf16le-big", utf16(duty("BigLE", "UTF-16LE").replacingOccurrences(of: "<Name>", with: "<Label>" + String(repeating: "x", count: 9_000) + "</Label><Name>"), bigEndian: false)),
            ("ebcdic-big", ebcdic(duty("EbcdicBig", "IBM037").replacingOccurrences(of: "<Name>", with: "<Label>" + String(repeating: "x", count: 9_000) + "</Label><Name>"))),
        ]
    }()

    /// What each kind gave: the object's name, or the diagnostic's code and message.
    func outcomes(order: [Int], concurrency: Int) throws -> [String: String] {
        let tree = TemporaryFolder()
        for (position, index) in order.enumerated() {
            let path = tree.path + "/P/M/AxSecurityDuty/" + String(format: "%02d-", position) + Self.files[index].kind + ".xml"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(Self.files[index].bytes)))
        }
        let snapshot = try MetadataLoader(concurrency: concurrency).load(root: tree.path)
        var result: [String: String] = [:]
        func kind(_ file: String) -> String { String((file as NSString).lastPathComponent.dropFirst(3).dropLast(4)) }
        for loaded in snapshot.objects {
            guard case .duty(let duty) = loaded.object else { continue }
            result[kind(loaded.file), default: ""] += "object \(duty.name);"
        }
        for diagnostic in snapshot.diagnostics {
            result[kind(diagnostic.location!.file), default: ""] += "\(diagnostic.code.rawValue) \(diagnostic.message) \(diagnostic.location!.line ?? 0);"
        }
        return result
    }

    @Test func everyEncodingGivesTheSameResultInAnyOrderOnAnyNumberOfWorkers() throws {
        let count = Self.files.count
        let identity = Array(0..<count)
        var orders = [identity, identity.reversed()]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<4 { orders.append(identity.shuffled(using: &generator)) }
        // Every kind read right after every other kind, by one worker.
        for first in 0..<count { orders.append([first] + identity.filter { $0 != first }.reversed()) }
        let reference = try outcomes(order: identity, concurrency: 1)
        for order in orders {
            for concurrency in [1, 2, 3] {
                let result = try outcomes(order: order, concurrency: concurrency)
                #expect(result == reference, "order \(order.map { Self.files[$0].kind }), \(concurrency) worker(s)")
            }
        }
        // UTF-16 and EBCDIC are read; bytes that are no XML in any encoding are malformed.
        for (kind, name) in [("utf8", "PlainUTF8"), ("utf8-bom", "BomUTF8"), ("utf16le-bom", "BomLE"), ("utf16be-bom", "BomBE"),
                             ("utf16le", "NoBomLE"), ("utf16be", "NoBomBE"), ("ebcdic", "Ebcdic"), ("latin1", "Latin"),
                             ("utf16le-big", "BigLE"), ("ebcdic-big", "EbcdicBig")] {
            #expect(reference[kind] == "object \(name);", "\(kind): \(reference[kind] ?? "nothing")")
        }
        // UTF-16 with neither a BOM nor a declaration cannot be told from other bytes (XML 1.0 appendix F): malformed,
        // with a hint, and so are bytes that are XML in no encoding.
        for kind in ["utf16le-nodecl", "utf16be-nodecl", "garbage"] {
            #expect(reference[kind]?.hasPrefix("malformed-file not well-formed XML: encoding not detected (UTF-16 needs a byte-order mark") == true, "\(kind): \(reference[kind] ?? "nothing")")
        }
    }
}

/// Item 7 of issue 12: deep folders are listed in time linear in their entries, past PATH_MAX and the open-file limit.
@Suite struct DeepFolderTests {
    /// Makes `depth` nested folders named `name` under `root` (with *at calls: the paths pass PATH_MAX), with a duty
    /// folder at the bottom holding one good and one malformed file. Returns the bottom folder's path.
    func makeDeepTree(root: String, depth: Int, name: String) throws -> String {
        var folder = open(root, O_RDONLY | O_DIRECTORY)
        try #require(folder >= 0)
        var path = root
        for _ in 0..<depth {
            try #require(mkdirat(folder, name, 0o755) == 0)
            let next = openat(folder, name, O_RDONLY | O_DIRECTORY)
            try #require(next >= 0)
            close(folder)
            folder = next
            path += "/" + name
        }
        try #require(mkdirat(folder, "AxSecurityDuty", 0o755) == 0)
        let duties = openat(folder, "AxSecurityDuty", O_RDONLY | O_DIRECTORY)
        close(folder)
        for (file, text) in [("Good.xml", "<AxSecurityDuty><Name>Deep</Name></AxSecurityDuty>"), ("Bad.xml", "<AxSecurityDuty>\n<Name>")] {
            let descriptor = openat(duties, file, O_WRONLY | O_CREAT, 0o644)
            try #require(descriptor >= 0)
            _ = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
        close(duties)
        return path + "/AxSecurityDuty"
    }

    @Test(arguments: [2_000, 5_000])
    func aDeepTreeIsListedWithItsFullPaths(depth: Int) throws {
        let tree = TemporaryFolder()
        let bottom = try makeDeepTree(root: tree.path, depth: depth, name: "dd")
        #expect(bottom.utf8.count > Int(PATH_MAX))
        let snapshot = try MetadataLoader(concurrency: 2).load(root: tree.path)
        #expect(snapshot.fileCount == 2)
        #expect(snapshot.objects.map(\.file) == [bottom + "/Good.xml"])
        #expect(snapshot.diagnostics.map(\.code) == [.malformedFile])
        #expect(snapshot.diagnostics.first?.location?.file == bottom + "/Bad.xml")
    }

    @Test func aDeepTreeIsListedWithFewOpenFiles() throws {
        // An open-file limit far below the depth: folders are not all held open at once.
        let tree = TemporaryFolder()
        let bottom = try makeDeepTree(root: tree.path, depth: 1_500, name: "d")
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let saved = limit
        defer { var restore = saved; setrlimit(Int32(RLIMIT_NOFILE.rawValue), &restore) }
        limit.rlim_cur = 1_000
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let snapshot = try MetadataLoader(concurrency: 1).load(root: tree.path)
        #expect(snapshot.objects.map(\.file) == [bottom + "/Good.xml"])
    }
}

/// Item 13 of issue 12: links that leave the metadata folder are not followed, and only regular files are read.
@Suite struct LinkAndSpecialFileTests {
    let duty = "<AxSecurityDuty><Name>Inside</Name></AxSecurityDuty>"

    func link(_ tree: TemporaryFolder, _ relativePath: String, to target: String) throws {
        let path = tree.path + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    @Test func aLinkToTheHostRootIsAWarningAndNotFollowed() throws {
        let tree = TemporaryFolder()
        tree.write("Metadata/P/M/AxSecurityDuty/Inside.xml", duty)
        try link(tree, "Metadata/root", to: "/")
        try link(tree, "Metadata/up", to: "../../../../../../..")
        let snapshot = try MetadataLoader().load(root: tree.path + "/Metadata")
        #expect(snapshot.fileCount == 1)
        #expect(snapshot.diagnostics.map(\.code) == [.linkOutsideTree, .linkOutsideTree])
        #expect(snapshot.diagnostics.map(\.severity) == [.warning, .warning])
        #expect(Set(snapshot.diagnostics.map { $0.location?.file }) == [tree.path + "/Metadata/root", tree.path + "/Metadata/up"])
    }

    @Test func linksInsideTheTreeAreFollowedOnce() throws {
        let tree = TemporaryFolder()
        tree.write("Metadata/P/M/AxSecurityDuty/Inside.xml", duty)
        try link(tree, "Metadata/P/N", to: "M")
        try link(tree, "Metadata/Q/M/AxSecurityDuty/Linked.xml", to: "../../../P/M/AxSecurityDuty/Inside.xml")
        // The metadata folder itself given through a link: links are judged against where it leads.
        try link(tree, "Alias", to: "Metadata")
        let snapshot = try MetadataLoader().load(root: tree.path + "/Alias")
        #expect(snapshot.diagnostics.isEmpty)
        // The first path in sorted order to each folder lists it.
        #expect(snapshot.objects.map(\.file) == [tree.path + "/Alias/P/M/AxSecurityDuty/Inside.xml", tree.path + "/Alias/Q/M/AxSecurityDuty/Linked.xml"])
    }

    @Test func aFileLinkOutOfTheTreeIsAWarningAndNotRead() throws {
        let tree = TemporaryFolder()
        tree.write("Outside/Secret.xml", duty.replacingOccurrences(of: "Inside", with: "Secret"))
        try link(tree, "Metadata/P/M/AxSecurityDuty/Zero.xml", to: "/dev/zero")
        try link(tree, "Metadata/P/M/AxSecurityDuty/Secret.xml", to: "../../../../Outside/Secret.xml")
        let snapshot = try MetadataLoader().load(root: tree.path + "/Metadata")
        #expect(snapshot.objects.isEmpty)
        #expect(snapshot.diagnostics.map(\.code) == [.linkOutsideTree, .linkOutsideTree])
        #expect(snapshot.diagnostics.allSatisfy { $0.message.contains("outside the metadata folder") })
    }

    @Test func aFifoIsAnUnreadableFileAndNeverBlocks() throws {
        let tree = TemporaryFolder()
        tree.write("Metadata/P/M/AxSecurityDuty/Inside.xml", duty)
        try #require(mkfifo(tree.path + "/Metadata/P/M/AxSecurityDuty/Fifo.xml", 0o644) == 0)
        try link(tree, "Metadata/P/M/AxSecurityDuty/LinkToFifo.xml", to: "Fifo.xml")
        let snapshot = try MetadataLoader().load(root: tree.path + "/Metadata")
        #expect(snapshot.objects.count == 1)
        #expect(snapshot.diagnostics.map(\.code) == [.unreadableFile, .unreadableFile])
        #expect(snapshot.diagnostics.allSatisfy { $0.message == "file cannot be read: not a regular file (a FIFO)" })
    }
}
