import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// `MetadataLayers`: the analysed tree over ordered reference folders.
@Suite struct MetadataLayersTests {
    func role(_ name: String, duties: [String] = []) -> String {
        "<AxSecurityRole><Name>\(name)</Name><Duties>"
            + duties.map { "<AxSecurityDutyReference><Name>\($0)</Name></AxSecurityDutyReference>" }.joined()
            + "</Duties></AxSecurityRole>"
    }

    func duty(_ name: String, privileges: [String] = []) -> String {
        "<AxSecurityDuty><Name>\(name)</Name><Privileges>"
            + privileges.map { "<AxSecurityPrivilegeReference><Name>\($0)</Name></AxSecurityPrivilegeReference>" }.joined()
            + "</Privileges></AxSecurityDuty>"
    }

    func graph(_ folder: TemporaryFolder, references: [String]) throws -> SecurityGraph {
        SecurityGraph(try MetadataLoader().load(MetadataLayers(tree: folder.path + "/tree", references: references.map { folder.path + "/" + $0 })))
    }

    /// The two sides of `diff` share one read of each reference; each side still layers it under its own tree.
    @Test func loadsSharingReferenceReadsReadEachReferenceOnceAndLayerItAsAReadOfTheirOwn() throws {
        let folder = TemporaryFolder()
        folder.write("tree/Custom/Custom/AxSecurityRole/Clerk.xml", role("Clerk", duties: ["Sell"]))
        folder.write("base/Custom/Custom/AxSecurityRole/Clerk.xml", role("Clerk"))
        folder.write("base/Suite/Foundation/AxSecurityDuty/Local.xml", duty("Local"))
        folder.write("ref/Suite/Foundation/AxSecurityDuty/Sell.xml", duty("Sell", privileges: ["P"]))
        folder.write("other/Platform/Platform/AxSecurityDuty/Buy.xml", duty("Buy"))
        let references = [folder.path + "/ref", folder.path + "/other"]
        let shared = ReferenceReads()
        let loader = MetadataLoader()
        let head = try loader.load(MetadataLayers(tree: folder.path + "/tree", references: references), shared: shared)
        let base = try loader.load(MetadataLayers(tree: folder.path + "/base", references: references), shared: shared)
        #expect(shared.readCount == 2)
        let alone = (
            head: try loader.load(MetadataLayers(tree: folder.path + "/tree", references: references)),
            base: try loader.load(MetadataLayers(tree: folder.path + "/base", references: references))
        )
        for (sharedRead, ownRead) in [(head, alone.head), (base, alone.base)] {
            #expect(sharedRead.fileCount == ownRead.fileCount)
            #expect(sharedRead.objects.map(\.file) == ownRead.objects.map(\.file))
            #expect(sharedRead.diagnostics == ownRead.diagnostics)
        }
        // The base's own model Suite/Foundation hides the reference's: it layers the shared read as its own would.
        #expect(SecurityGraph(base).duties.map(\.name) == ["Buy", "Local"])
        #expect(SecurityGraph(head).duties.map(\.name) == ["Buy", "Sell"])
    }

    @Test func aReferenceThatCannotBeReadFailsEveryLoadSharingIt() throws {
        let folder = TemporaryFolder()
        folder.write("tree/Custom/Custom/AxSecurityRole/Clerk.xml", role("Clerk"))
        let shared = ReferenceReads()
        let layers = MetadataLayers(tree: folder.path + "/tree", references: [folder.path + "/missing"])
        for _ in 0..<2 {
            #expect(throws: MetadataLoadError.self) { try MetadataLoader().load(layers, shared: shared) }
        }
        #expect(shared.readCount == 1)
    }

    /// The layering's two path rules read bytes; they must say what the component rules say: a component named
    /// XppMetadata in any case; the package, the model and the path's last two components.
    @Test func layeringPathRulesMatchTheirComponentDefinitions() throws {
        let folder = TemporaryFolder()
        folder.write("tree/P/M/AxSecurityDuty/A.xml", duty("A"))
        let object = try #require(try MetadataLoader().load(root: folder.path + "/tree").objects.first)
        let paths = ["", "/", "a", "/a", "a/b", "a//b/", "//a//b//", "/x/XppMetadata/M/AxSecurityDuty/A.xml", "/x/XPPMETADATA/a",
                     "/x/xppmetadata", "xppmetadata/a", "xppmetadata", "/x/XppMetadata2/a", "/x/MyXppMetadata/a", "/x/Xpp/Metadata",
                     "/é/xppmétadata/c", "/ü/b.xml", "/p/m/AxSecurityRole/Ünïcödé.xml"]
        for path in paths {
            var loaded = object
            loaded.file = path
            let components = path.split(separator: "/", omittingEmptySubsequences: true)
            #expect(MetadataLoader.isCompiledMetadata(path) == components.contains { $0.lowercased() == "xppmetadata" }, "\(path)")
            let origin = loaded.object.origin
            let expected = ([origin.package, origin.model] + components.suffix(2).map(String.init)).joined(separator: "/")
            #expect(MetadataLoader.packageOrderKey(loaded) == expected, "\(path)")
        }
    }

    @Test func aReferencesCompiledMetadataIsReadAndItsSourceWinsWhenBothAreThere() throws {
        let folder = TemporaryFolder()
        folder.write("tree/Custom/Custom/AxSecurityRole/Clerk.xml", role("Clerk", duties: ["Sell", "Buy"]))
        // Package Suite has both the source and the compiled metadata of model Foundation; Platform only compiled.
        folder.write("ref/Suite/Foundation/AxSecurityDuty/Sell.xml", duty("Sell", privileges: ["FromSource"]))
        folder.write("ref/Suite/XppMetadata/Foundation/AxSecurityDuty/Sell.xml", duty("Sell", privileges: ["FromCompiled"]))
        folder.write("ref/Platform/XppMetadata/Platform/AxSecurityDuty/Buy.xml", duty("Buy"))
        // XppMetadata stays skipped in the analysed tree.
        folder.write("tree/Custom/XppMetadata/Custom/AxSecurityDuty/Stale.xml", duty("Stale"))
        let graph = try graph(folder, references: ["ref"])
        #expect(graph.duties.map(\.name) == ["Buy", "Sell"])
        let sell = try #require(graph.duty(named: "Sell"))
        #expect(graph.duties[sell].privileges.map(\.name) == ["FromSource"])
        #expect(graph.duties[sell].origin == ModelOrigin(package: "Suite", model: "Foundation", reference: folder.path + "/ref"))
        let buy = try #require(graph.duty(named: "Buy"))
        #expect(graph.duties[buy].origin.package == "Platform" && graph.duties[buy].origin.model == "Platform")
        #expect(graph.roles[0].origin.reference == nil)
    }

    @Test func theTreeAndEarlierReferencesReplaceSameNamedModelsAsAWhole() throws {
        let folder = TemporaryFolder()
        folder.write("tree/Pkg/Shared/AxSecurityDuty/New.xml", duty("New"))
        folder.write("first/Pkg/Shared/AxSecurityDuty/Old.xml", duty("Old"))
        folder.write("first/Std/Foundation/AxSecurityDuty/Mid.xml", duty("Mid", privileges: ["First"]))
        folder.write("second/Std/Foundation/AxSecurityDuty/Mid.xml", duty("Mid", privileges: ["Second"]))
        folder.write("second/Std/Foundation/AxSecurityDuty/OnlySecond.xml", duty("OnlySecond"))
        folder.write("second/Std/Platform/AxSecurityDuty/Base.xml", duty("Base"))
        let graph = try graph(folder, references: ["first", "second"])
        // Old is in the tree's model Shared (replaced); OnlySecond is in second's Foundation (first's replaces it).
        #expect(graph.duties.map(\.name) == ["Base", "Mid", "New"])
        #expect(graph.duties[graph.duty(named: "Mid")!].privileges.map(\.name) == ["First"])
        #expect(graph.duties[graph.duty(named: "Base")!].origin.reference == folder.path + "/second")
        #expect(!graph.diagnostics.contains { $0.code == .duplicateDefinition })
    }

    @Test func onlyTheTreesOwnReferencesAreUnresolvedObjects() throws {
        let folder = TemporaryFolder()
        folder.write("tree/Custom/Custom/AxSecurityRole/Clerk.xml", role("Clerk", duties: ["Sell", "Missing", "missing"]))
        folder.write("ref/Std/Std/AxSecurityDuty/Sell.xml", duty("Sell", privileges: ["NotShipped"]))
        let graph = try graph(folder, references: ["ref"])
        // The reference's own dangling privilege is a warning, not an unresolved object of the tree.
        #expect(graph.unresolved.map(\.object) == ["duty 'Missing'", "duty 'missing'"])
        let objects = UnresolvedObjects(graph.unresolved)
        #expect(objects.count == 1 && objects.objects[0].referencedBy == "role 'Clerk'")
        #expect(graph.diagnostics.contains { $0.code == .danglingReference && $0.message.contains("'NotShipped'") })
    }

    @Test func aReferenceThatCannotBeReadOrHoldsNothingIsAnError() throws {
        let folder = TemporaryFolder()
        folder.write("tree/M/M/AxSecurityDuty/A.xml", duty("A"))
        folder.write("file.txt", "x")
        folder.write("empty/readme.txt", "nothing restored")
        #expect(throws: MetadataLoadError.missingReference(folder.path + "/nowhere")) { try graph(folder, references: ["nowhere"]) }
        #expect(throws: MetadataLoadError.referenceNotAFolder(folder.path + "/file.txt")) { try graph(folder, references: ["file.txt"]) }
        #expect(throws: MetadataLoadError.emptyReference(folder.path + "/empty")) { try graph(folder, references: ["empty"]) }
    }
}
