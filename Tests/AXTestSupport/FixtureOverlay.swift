import Foundation

/// Fixtures that share most of their files are stored once as a base folder, and each case holds only what it changes:
/// an overlay folder with the files it adds or replaces, and at the overlay's root a `deleted.txt` naming the paths of
/// the base it removes. Tests assemble a case into a temporary folder, so no test can change the stored fixtures.
package enum FixtureOverlay {
    /// The overlay file listing the base paths a case removes, one per line relative to the base (a folder is removed
    /// with everything in it). It is not copied into the assembled folder.
    package static let deletionList = "deleted.txt"

    /// A fixture that cannot be assembled as stored: the path and what is wrong with it.
    package struct Invalid: Error, CustomStringConvertible {
        package var path: String
        package var problem: String
        package var description: String { "\(path): \(problem)" }
    }

    /// Copies `base` to `destination`, removes the paths the overlay's deletion list names, then copies every file of
    /// `overlay` over the result (a file of the same path is replaced). A missing overlay folder leaves the base as it
    /// is. Symbolic links are copied as links, never followed.
    package static func assemble(base: URL, overlay: URL, into destination: URL) throws {
        try copyTree(base, to: destination)
        let list = overlay.appendingPathComponent(deletionList)
        if FileManager.default.fileExists(atPath: list.path) {
            for line in try String(contentsOf: list, encoding: .utf8).split(separator: "\n") where !line.isEmpty {
                let doomed = destination.appendingPathComponent(String(line))
                guard (try? FileManager.default.attributesOfItem(atPath: doomed.path)) != nil else {
                    throw Invalid(path: list.path, problem: "'\(line)' is not in the base \(base.path)")
                }
                try FileManager.default.removeItem(at: doomed)
            }
        }
        if FileManager.default.fileExists(atPath: overlay.path) {
            try copyTree(overlay, to: destination, skipping: [deletionList])
        }
    }

    /// Copies the files, folders and links under `source` into `target` (made when missing), replacing what is there.
    private static func copyTree(_ source: URL, to target: URL, skipping skipped: Set<String> = []) throws {
        let files = FileManager.default
        try files.createDirectory(at: target, withIntermediateDirectories: true)
        for name in try files.contentsOfDirectory(atPath: source.path) where !skipped.contains(name) {
            let from = source.appendingPathComponent(name), to = target.appendingPathComponent(name)
            let type = try files.attributesOfItem(atPath: from.path)[.type] as? FileAttributeType
            switch type {
            case .typeDirectory?:
                try copyTree(from, to: to)
            case .typeSymbolicLink?:
                try? files.removeItem(at: to)
                try files.createSymbolicLink(atPath: to.path, withDestinationPath: files.destinationOfSymbolicLink(atPath: from.path))
            default:
                try? files.removeItem(at: to)
                try files.copyItem(at: from, to: to)
            }
        }
    }
}

/// A case of `Tests/Fixtures/diff` (see its README): each side is the shared `base-tree` plus the case's `base/` or
/// `head/` overlay, and each side's SKU map is the case's own `base-sku-map.json` / `head-sku-map.json` or else the
/// shared `sku-map.json`.
package struct DiffFixture {
    /// The two trees a `diff` compares.
    package enum Side: String, CaseIterable, Sendable { case base, head }

    package static let folder = packageRoot.appendingPathComponent("Tests/Fixtures/diff")

    /// The case's name, which is also the folder its sides are assembled in.
    package let name: String
    /// The folder to run commands from: it holds `<name>/base`, `<name>/head`, `<name>/base-sku-map.json`,
    /// `<name>/head-sku-map.json` and `<name>/users.csv`, so the paths a report prints are short and the same on
    /// every machine (`<name>/head/Core/...`).
    package let root: URL

    /// Assembles case `name` in `folder`.
    package init(_ name: String, in folder: TemporaryFolder) throws {
        let stored = Self.folder.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: stored.path) else { throw FixtureOverlay.Invalid(path: stored.path, problem: "no such diff case") }
        self.name = name
        root = folder.url
        for side in Side.allCases {
            try FixtureOverlay.assemble(base: Self.folder.appendingPathComponent("base-tree"), overlay: stored.appendingPathComponent(side.rawValue),
                                        into: root.appendingPathComponent(path(side)))
            let ownMap = stored.appendingPathComponent("\(side.rawValue)-sku-map.json")
            let map = FileManager.default.fileExists(atPath: ownMap.path) ? ownMap : Self.folder.appendingPathComponent("sku-map.json")
            try FileManager.default.copyItem(at: map, to: root.appendingPathComponent(skuMapPath(side)))
        }
        try FileManager.default.copyItem(at: Self.folder.appendingPathComponent("users.csv"), to: root.appendingPathComponent(usersPath))
    }

    /// A side's metadata tree, relative to `root`.
    package func path(_ side: Side) -> String { "\(name)/\(side.rawValue)" }
    /// A side's SKU map, relative to `root`.
    package func skuMapPath(_ side: Side) -> String { "\(name)/\(side.rawValue)-sku-map.json" }
    /// The users file both sides are priced for, relative to `root`.
    package var usersPath: String { "\(name)/users.csv" }

    /// A side's metadata tree.
    package func tree(_ side: Side) -> URL { root.appendingPathComponent(path(side)) }
    /// A side's SKU map.
    package func skuMap(_ side: Side) -> URL { root.appendingPathComponent(skuMapPath(side)) }
    /// The users file.
    package var users: URL { root.appendingPathComponent(usersPath) }
}

/// A case of the bad-input corpus `Tests/Fixtures/bad-input` (see its README): `expected.json`, and a `workspace/`
/// overlay on the shared `base-workspace`.
package struct BadInputFixture: Sendable, CustomStringConvertible {
    package static let folder = packageRoot.appendingPathComponent("Tests/Fixtures/bad-input")
    /// The workspace every case starts from.
    package static let baseWorkspace = folder.appendingPathComponent("base-workspace")

    package let name: String
    package var description: String { name }
    package init(_ name: String) { self.name = name }

    /// Every case: each folder of the corpus but the base workspace.
    package static var all: [BadInputFixture] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.filter { !$0.hasSuffix(".md") && $0 != baseWorkspace.lastPathComponent }.sorted().map(BadInputFixture.init)
    }

    /// The case's stored folder.
    package var stored: URL { Self.folder.appendingPathComponent(name) }

    /// Assembles the case's workspace as `workspace` in `folder`; returns its path.
    package func workspace(in folder: TemporaryFolder) throws -> String {
        let target = folder.url.appendingPathComponent("workspace")
        try FixtureOverlay.assemble(base: Self.baseWorkspace, overlay: stored.appendingPathComponent("workspace"), into: target)
        return target.path
    }
}
