import AXModel
import AXReading
import Testing

/// Users' role assignments resolved against the graph, whatever spelling the users file uses.
@Suite struct UserRolesTests {
    let origin = ModelOrigin(package: "P", model: "M")
    let at = SourceLocation(file: "users.csv", line: 2)

    /// Roles `Zeta`, `Café` (precomposed) and `Alpha`, given out of name order so the graph sorts them.
    var graph: SecurityGraph {
        let objects = ["Zeta", "Caf\u{E9}", "Alpha"].map { name in
            LoadedObject(object: .role(SecurityRole(name: name, origin: origin, location: SourceLocation(file: "\(name).xml"))), file: "\(name).xml")
        }
        return SecurityGraph(MetadataSnapshot(objects: objects, diagnostics: [], fileCount: objects.count))
    }

    func user(_ id: String, _ identifiers: [String], disabled: Set<String> = []) -> SecurityUser {
        SecurityUser(userId: id, assignments: identifiers.map { RoleAssignment(roleIdentifier: $0, isEnabled: !disabled.contains($0), location: at) }, location: at)
    }

    @Test func assignmentsResolveByNameKeyEachRoleOnceInAssignmentOrder() {
        let graph = graph
        // Case, canonical equivalence (decomposed é), repeats, unknown roles and disabled assignments.
        let users = [
            user("u1", ["ALPHA", "zeta", "Nope", "alpha"]),
            user("u2", ["Cafe\u{301}", "CAF\u{C9}", "Nope", "NOPE"]),
            user("u3", ["alpha", "Zeta"], disabled: ["Zeta"]),
            user("u4", ["nope", "Alpha", "Cafe\u{301}", "Caf\u{E9}"]),
            user("u5", []),
        ]
        // Defined roles by the metadata's spelling, in assignment order, each once; unknown ones as the file spells them.
        #expect(graph.roles(of: users[0]).names == ["Alpha", "Zeta", "Nope"])
        #expect(graph.roles(of: users[1]).names == ["Caf\u{E9}", "Nope", "NOPE"])
        #expect(graph.roles(of: users[1]).roles == [graph.role(named: "caf\u{E9}")!])
        #expect(graph.roles(of: users[2]).roles == [graph.role(named: "alpha")!])
        #expect(graph.roles(of: users[3]).unknown.map(\.roleIdentifier) == ["nope"])
        #expect(graph.roles(of: users[3]).roles == [graph.role(named: "ALPHA")!, graph.role(named: "caf\u{E9}")!])
        let none = graph.roles(of: users[4])
        #expect(none.roles.isEmpty && none.names.isEmpty && none.unknown.isEmpty)
    }
}

/// Objects of the graph are sorted by name key with the first definition (in path order) kept: the reordering the
/// graph applies to its arrays keeps each object whole, in the order of its key.
@Suite struct GraphOrderTests {
    @Test func objectsComeOutSortedByKeyWithTheFirstDefinitionKept() {
        let origin = ModelOrigin(package: "P", model: "M")
        let names = ["b", "A", "c", "a", "B", "d"]
        let objects = names.enumerated().map { index, name in
            LoadedObject(object: .menuItem(MenuItem(name: name, label: "\(index)", kind: .display, origin: origin, location: SourceLocation(file: "\(index).xml"))), file: "\(index).xml")
        }
        let graph = SecurityGraph(MetadataSnapshot(objects: objects, diagnostics: [], fileCount: objects.count))
        #expect(graph.menuItems.map(\.name) == ["A", "b", "c", "d"])
        #expect(graph.menuItems.map(\.label) == ["1", "0", "2", "5"])
        #expect(graph.diagnostics.map(\.code) == [.duplicateDefinition, .duplicateDefinition])
        #expect(graph.menuItem(.display, named: "C") == 2)
    }
}
