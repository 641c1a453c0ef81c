import Foundation

/// The package root, so tests read `Data/`, `Reports/`, `Scripts/` and `Tests/Fixtures/` wherever the package is cloned.
package let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The sample workspace (`Data/sample`), whose results `Data/sample/EXPECTED.md` works out by hand.
package let sampleWorkspaceFolder = packageRoot.appendingPathComponent("Data/sample")
