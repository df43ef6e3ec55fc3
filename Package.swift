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
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"6.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
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
        // Microsoft 365 evidence: Graph resources as collected, and the assessors that turn them into
        // measurements. Pure apart from reading a snapshot directory.
        .target(
            name: "PostureEvidence",
            dependencies: ["PostureCore"],
            swiftSettings: swiftSettings
        ),
        // `posture collect microsoft365`: a client for Graph, Exchange Online and Defender for
        // Endpoint (app-only tokens, paging, throttling) and a DNS TXT lookup, writing evidence
        // snapshots.
        .target(
            name: "PostureCollector",
            dependencies: [
                "PostureCore",
                "PostureEvidence",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // E-mail out: a small SMTP submission client (STARTTLS or TLS, AUTH PLAIN/LOGIN) on SwiftNIO.
        .target(
            name: "PostureMail",
            dependencies: [
                "PostureCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // zlib for the stored history's compact columns (the library SwiftNIO's HTTP compression
        // already links).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Repositories over Fluent/SQLKit and the append-only migrations; the only place that knows SQL.
        .target(
            name: "PostureStore",
            dependencies: [
                "PostureCore",
                "CZlib",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                // Only for reading SQLite rows' values without SQLKit's decoding (ValueRow).
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                // Only for the reads PostgreSQL keeps prepared (PreparedRead).
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                // Only for SQLiteReader: its connections' lock and the blobs it reads.
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The use cases: rules from the core sequenced around storage, one transaction and audit
        // entry each. The store is theirs alone; routes and the CLI reach data through them.
        .target(
            name: "PostureServices",
            dependencies: [
                "PostureCore",
                "PostureStore",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Vapor routes: the Graph-compatible API, the native API and token checks.
        .target(
            name: "PostureAPI",
            dependencies: [
                "PostureCore",
                "PostureEvidence",
                "PostureStore",
                "PostureServices",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            resources: [.embedInCode("Resources/openapi.json")],
            swiftSettings: swiftSettings
        ),
        // Dashboard pages: view models rendered to escaped HTML, sign-in sessions and CSRF.
        .target(
            name: "PostureWeb",
            dependencies: [
                "PostureCore",
                "PostureStore",
                "PostureServices",
                "PostureAPI",
                .product(name: "Vapor", package: "vapor"),
            ],
            swiftSettings: swiftSettings
        ),
        // Composition root: typed configuration, buildApplication, database drivers, scheduler, demo data.
        .target(
            name: "PostureApp",
            dependencies: [
                "PostureCore",
                "PostureCatalog",
                "PostureCollector",
                "PostureMail",
                "PostureStore",
                "PostureServices",
                "PostureAPI",
                "PostureWeb",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "posture",
            dependencies: [
                "PostureCore",
                "PostureEvidence",
                "PostureCollector",
                "PostureCatalog",
                "PostureStore",
                "PostureServices",
                "PostureApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // bench/comparison.sh: the comparison trend against the equivalent SQL aggregate.
        .executableTarget(
            name: "posture-bench",
            dependencies: [
                "PostureApp",
                "PostureWeb",
                "PostureStore",
                "PostureServices",
                "PostureCore",
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "bench/PostureBench",
            swiftSettings: swiftSettings
        ),
        // bench/collection.sh: a scheduled round of 100 connections against one `posture collect`.
        .executableTarget(
            name: "posture-collection-bench",
            dependencies: [
                "PostureApp",
                "PostureCollector",
                "PostureServices",
                "PostureStore",
                "PostureCore",
                "RecordedGraph",
            ],
            path: "bench/CollectionBench",
            swiftSettings: swiftSettings
        ),
        // bench/deliveries.sh: 1,000 alerts through the delivery queue against plain signed posts.
        .executableTarget(
            name: "posture-delivery-bench",
            dependencies: [
                "PostureApp",
                "PostureServices",
                "PostureStore",
                "PostureCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Vapor", package: "vapor"),
            ],
            path: "bench/DeliveryBench",
            swiftSettings: swiftSettings
        ),
        // bench/evidence.sh: assessing a 100,000-user snapshot against decoding it alone.
        .executableTarget(
            name: "posture-evidence-bench",
            dependencies: ["PostureEvidence", "PostureCatalog", "PostureCore"],
            path: "bench/EvidenceBench",
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
            name: "PostureEvidenceTests",
            dependencies: ["PostureEvidence", "PostureCatalog"],
            exclude: ["Microsoft"],
            resources: [.copy("Snapshots")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureCollectorTests",
            dependencies: ["PostureCollector", "PostureEvidence", "PostureCatalog", "PostureTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureCatalogTests",
            dependencies: ["PostureCatalog"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        // The recorded Graph and sign-in service the tests and the collection benchmark talk to.
        .target(
            name: "RecordedGraph",
            dependencies: [
                .product(name: "Vapor", package: "vapor"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/RecordedGraph",
            swiftSettings: swiftSettings
        ),
        // Shared by the test targets: the databases tests run on, one PostgreSQL test at a time.
        .target(
            name: "PostureTestSupport",
            dependencies: [
                "RecordedGraph",
                "PostureApp",
                "PostureStore",
                "PostureServices",
                "PostureCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/PostureTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureStoreTests",
            dependencies: [
                "PostureTestSupport",
                "PostureStore",
                "PostureServices",
                "PostureAPI",
                "PostureApp",
                "PostureCatalog",
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureMailTests",
            dependencies: ["PostureMail", "PostureCore", "PostureTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureAppTests",
            dependencies: ["PostureApp", "PostureCollector", "PostureCore", "PostureServices", "PostureTestSupport"],
            // The reviewed picture of a report's first page, read from the source tree by its path.
            exclude: ["Reference"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureAPITests",
            dependencies: [
                "PostureTestSupport",
                "PostureEvidence",
                "PostureServices",
                "PostureAPI",
                "PostureApp",
                "PostureCatalog",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostureWebTests",
            dependencies: [
                "PostureTestSupport",
                "PostureServices",
                "PostureWeb",
                "PostureApp",
                .product(name: "VaporTesting", package: "vapor"),
            ],
            exclude: ["Snapshots"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "postureTests",
            dependencies: ["posture", "PostureTestSupport"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
    ]
)
