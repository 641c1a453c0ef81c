// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "axlicense",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "axlicense", targets: ["axlicense"]),
        .library(name: "AXReading", targets: ["AXReading"]),
        .library(name: "AXModel", targets: ["AXModel"]),
        .library(name: "AXLicensing", targets: ["AXLicensing"]),
        .library(name: "AXCompliance", targets: ["AXCompliance"]),
        .library(name: "AXState", targets: ["AXState"]),
        .library(name: "AXChangeImpact", targets: ["AXChangeImpact"]),
        .library(name: "AXWorkload", targets: ["AXWorkload"]),
        .library(name: "AXReports", targets: ["AXReports"]),
        .library(name: "AXServer", targets: ["AXServer"]),
        .library(name: "AXLicensingService", targets: ["AXLicensingService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Hummingbird's own dependencies, named because AXServer uses their types (header names, the server's logger) and its
        // tests drive the router in process (NIOEmbedded's channel): no build cost of their own.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // The module graph (Docs/architecture.md): each target depends only on targets listed before it.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(
            name: "AXReading",
            dependencies: ["CLibXML2", .product(name: "CSV", package: "CSV.swift"), .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(name: "AXModel", dependencies: ["AXReading"]),
        .target(name: "AXLicensing", dependencies: ["AXReading", "AXModel"]),
        .target(name: "AXCompliance", dependencies: ["AXReading", "AXModel", "AXLicensing"]),
        .target(name: "AXChangeImpact", dependencies: ["AXReading", "AXModel", "AXLicensing"]),
        .target(name: "AXState", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // One HTTP exchange through libcurl, loaded with dlopen on the first request: nothing links libcurl, so the commands
        // that never call the licensing service start without it and its ~30 libraries (Docs/architecture.md).
        .target(name: "CCurlLoader", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // The licensing service client (DOMAIN.md §8): libcurl through CCurlLoader, no package dependency.
        .target(name: "AXLicensingService", dependencies: ["AXReading", "AXModel", "AXLicensing", "AXCompliance", "AXState", "CCurlLoader"]),
        .target(
            name: "AXReports",
            dependencies: [
                "AXReading", "AXModel", "AXLicensing", "AXCompliance", "AXState", "AXChangeImpact", "AXLicensingService",
                .product(name: "CSV", package: "CSV.swift"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(name: "AXWorkload"),
        // `serve`: the License Management page and the daily jobs, over Hummingbird.
        .target(
            name: "AXServer",
            dependencies: [
                "AXReading", "AXLicensing", "AXCompliance", "AXState", "AXReports", "AXLicensingService",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "AXCommands",
            dependencies: [
                "AXReading", "AXModel", "AXLicensing", "AXCompliance", "AXChangeImpact", "AXState", "AXReports", "AXWorkload", "AXLicensingService", "AXServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "axlicense", dependencies: ["AXCommands"]),
        // Test support shared by the test targets: package paths, temporary folders, child processes, seeded random
        // numbers and fixture assembly (base + overlay); and, above the licensing modules, the in-memory tree builder.
        .target(name: "AXTestSupport", path: "Tests/AXTestSupport"),
        .target(name: "AXLicensingTestSupport", dependencies: ["AXLicensing", "AXModel", "AXReading"], path: "Tests/AXLicensingTestSupport"),
        // An in-process fake of the licensing service contract (DOMAIN.md §8) on a real 127.0.0.1 listener, for the
        // client's and `serve`'s tests: scripted replies, delays, dropped connections, and every request it received.
        .target(name: "AXLicensingServiceFake", path: "Tests/AXLicensingServiceFake"),
        .testTarget(
            name: "AXModelTests", dependencies: ["AXModel", "AXReading", "AXTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(name: "AXLicensingTests", dependencies: ["AXLicensing", "AXModel", "AXReading", "AXTestSupport", "AXLicensingTestSupport"]),
        .testTarget(name: "AXComplianceTests", dependencies: ["AXCompliance", "AXLicensing", "AXModel", "AXReading", "AXTestSupport"]),
        .testTarget(name: "AXStateTests", dependencies: ["AXState", "AXTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AXWorkloadTests", dependencies: ["AXWorkload", "AXLicensing", "AXModel", "AXReading", "AXTestSupport"]),
        .testTarget(
            name: "AXChangeImpactTests",
            dependencies: ["AXChangeImpact", "AXLicensing", "AXModel", "AXReading", "AXTestSupport", "AXLicensingTestSupport"]
        ),
        .testTarget(
            name: "AXCommandsTests",
            dependencies: ["AXCommands", "AXLicensing", "AXModel", "AXReading", "AXState", "AXTestSupport", "AXLicensingServiceFake"]
        ),
        .testTarget(
            name: "AXLicensingServiceTests",
            dependencies: ["AXLicensingService", "AXLicensingServiceFake", "AXCompliance", "AXState", "AXTestSupport"]
        ),
        .testTarget(name: "AXLicenseCLITests", dependencies: ["axlicense", "AXReports", "AXTestSupport"]),
        .testTarget(
            name: "AXServerTests",
            dependencies: [
                "AXServer", "AXCompliance", "AXState", "AXReports", "AXLicensingService", "AXLicensingServiceFake", "AXTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "AXReportsTests",
            dependencies: ["AXReports", "AXLicensing", "AXModel", "AXReading", "AXCompliance", "AXChangeImpact", "AXTestSupport", "AXLicensingTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
