// swift-tools-version: 6.1
import PackageDescription

// One shared set of settings for every target: Swift 6 language mode plus the upcoming features
// that keep imports and existentials explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "posture",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "posture", targets: ["posture"]),
        .library(name: "PostureCore", targets: ["PostureCore"]),
        .library(name: "PostureCatalog", targets: ["PostureCatalog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // Pure domain: Foundation only, no I/O, no clock reads.
        .target(
            name: "PostureCore",
            swiftSettings: swiftSettings
        ),
        // Loads and validates catalog YAML; the built-in catalog is compiled in.
        .target(
            name: "PostureCatalog",
            dependencies: [
                "PostureCore",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.embedInCode("Catalog")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "posture",
            dependencies: [
                "PostureCore",
                "PostureCatalog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureCoreTests",
            dependencies: [
                "PostureCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureCatalogTests",
            dependencies: ["PostureCatalog"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "postureTests",
            dependencies: ["posture"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
    ]
)
