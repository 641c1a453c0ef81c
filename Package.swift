// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "axlicense",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "axlicense", targets: ["axlicense"]),
        .library(name: "AXMetadata", targets: ["AXMetadata"]),
        .library(name: "AXLicensing", targets: ["AXLicensing"]),
        .library(name: "AXCompliance", targets: ["AXCompliance"]),
        .library(name: "AXState", targets: ["AXState"]),
        .library(name: "AXChangeImpact", targets: ["AXChangeImpact"]),
        .library(name: "AXWorkload", targets: ["AXWorkload"]),
        .library(name: "AXReports", targets: ["AXReports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(name: "AXMetadata", dependencies: ["CLibXML2"]),
        .target(
            name: "AXLicensing",
            dependencies: ["AXMetadata", .product(name: "CSV", package: "CSV.swift")]
        ),
        .target(
            name: "AXCompliance",
            dependencies: ["AXLicensing", .product(name: "CSV", package: "CSV.swift")]
        ),
        .target(name: "AXState", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "AXChangeImpact", dependencies: ["AXLicensing"]),
        .target(name: "AXWorkload"),
        .target(
            name: "AXReports",
            dependencies: [
                "AXLicensing", "AXCompliance", "AXState", "AXChangeImpact",
                .product(name: "CSV", package: "CSV.swift"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "axlicense",
            dependencies: [
                "AXReports", "AXLicensing", "AXMetadata", "AXCompliance", "AXState", "AXChangeImpact", "AXWorkload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Test support shared by the test targets: package paths, temporary folders, child processes, seeded random
        // numbers and fixture assembly (base + overlay); and, above the licensing modules, the in-memory tree builder.
        .target(name: "AXTestSupport", path: "Tests/AXTestSupport"),
        .target(name: "AXLicensingTestSupport", dependencies: ["AXLicensing", "AXMetadata"], path: "Tests/AXLicensingTestSupport"),
        .testTarget(name: "AXMetadataTests", dependencies: ["AXMetadata", "AXTestSupport"]),
        .testTarget(name: "AXLicensingTests", dependencies: ["AXLicensing", "AXMetadata", "AXTestSupport", "AXLicensingTestSupport"]),
        .testTarget(name: "AXComplianceTests", dependencies: ["AXCompliance", "AXLicensing", "AXMetadata", "AXTestSupport"]),
        .testTarget(name: "AXStateTests", dependencies: ["AXState", "AXTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AXWorkloadTests", dependencies: ["AXWorkload", "AXLicensing", "AXMetadata", "AXTestSupport"]),
        .testTarget(
            name: "AXChangeImpactTests",
            dependencies: ["AXChangeImpact", "AXLicensing", "AXMetadata", "AXTestSupport", "AXLicensingTestSupport"]
        ),
        .testTarget(name: "AXLicenseCLITests", dependencies: ["axlicense", "AXReports", "AXTestSupport"]),
        .testTarget(
            name: "AXReportsTests",
            dependencies: ["AXReports", "AXLicensing", "AXMetadata", "AXCompliance", "AXChangeImpact", "AXTestSupport", "AXLicensingTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
