// swift-tools-version: 6.0
import PackageDescription

// The pipeline, one module per stage, each depending only on stages before it (scripts/
// check-modules holds every target to exactly the project modules it imports):
//   CaseCore     values, no I/O: days, codes, NHS numbers, case records and statuses
//   Ingest       CaseCore: extracts streamed through libcsv into an ExtractConsumer, rejects
//   Facts        Ingest: the per-patient fact store (the consumer)
//   Rules        Facts: criteria files, one criterion kind per file, their evaluation
//   Stratify     Rules: the risk model, the search over every patient (CaseSearch), explain's text
//   Allocate     CaseCore: capacity, placing with the last run's memory; pure
//   Store        Allocate: the SQLite state store (GRDB): runs, caseloads, screening, baseline
//   Report       Ingest: every output file's bytes, the report page, practice lists
//   Monitoring   Facts, Rules, Store, Report: the programme's measures and their files
//   CaseFinderKit  all of the above: wires the stages into run, incidence, measures, explain...
//   casefind     CaseFinderKit: the command line, progress and terminal output.
// Beside the pipeline: Digest (SHA-256 over libcrypto), ConfigFile (YAML with positions),
// Warehouse (the criteria as SQL for DuckDB, PostgreSQL and Spark; Rules, Stratify), Workbook
// (a one-sheet .xlsx, over ZIPFoundation) and Synth (synthetic extracts).
/// The ingester and the fact store run once per input row: in release builds they skip Swift's
/// dynamic exclusivity checks, which cost about a tenth of the ingest time (measured with
/// callgrind); debug builds and the tests keep them.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "casefinder",
    products: [
        .executable(name: "casefind", targets: ["casefind"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CCSV",
            path: "Sources/CCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            path: "Sources/COpenSSL",
            providers: [.apt(["libssl-dev"])]
        ),
        // zlib, for gzip-compressed extracts read as a stream (ZIPFoundation has its own zlib
        // module for the workbooks, not one this package can depend on).
        .systemLibrary(name: "CZlibStream", path: "Sources/CZlibStream", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Header only: what Glibc's module leaves out (a cache prefetch hint, syncfs).
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "CaseCore"),
        .target(name: "Digest", dependencies: ["COpenSSL"]),
        .target(
            name: "ConfigFile",
            dependencies: ["CaseCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Ingest",
            dependencies: ["CaseCore", "CCSV", "CZlibStream", "ConfigFile", "Digest"],
            swiftSettings: hotPath
        ),
        .target(name: "Facts", dependencies: ["CaseCore", "CLinux", "Ingest"], swiftSettings: hotPath),
        .target(name: "Rules", dependencies: ["CaseCore", "ConfigFile", "Facts"]),
        .target(name: "Stratify", dependencies: ["CaseCore", "ConfigFile", "Facts", "Ingest", "Rules"]),
        .target(name: "Allocate", dependencies: ["CaseCore"]),
        .target(name: "Synth", dependencies: ["CaseCore"]),
        .target(
            name: "Store",
            dependencies: [
                "Allocate", "CaseCore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .target(name: "Report", dependencies: ["CaseCore", "CLinux", "Ingest", "Workbook"]),
        .target(name: "Monitoring", dependencies: ["CaseCore", "Facts", "Ingest", "Report", "Rules", "Store"]),
        .target(name: "Warehouse", dependencies: ["CaseCore", "Ingest", "Rules", "Stratify"]),
        .target(name: "Workbook", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(
            name: "CaseFinderKit",
            dependencies: [
                "CaseCore", "Ingest", "Facts", "Rules", "Stratify", "Allocate", "Store", "Report", "Digest", "Monitoring",
            ]
        ),
        .executableTarget(
            name: "casefind",
            dependencies: [
                "CaseCore", "CaseFinderKit", "Ingest", "Monitoring", "Report", "Rules", "Store", "Stratify", "Synth", "Warehouse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["CaseCore"], path: "Tests/TestSupport"),
        .testTarget(name: "CaseCoreTests", dependencies: ["CaseCore"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "CaseCore", "Digest", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "Facts", "Ingest", "CaseCore", "TestSupport"]),
        .testTarget(name: "StratifyTests", dependencies: ["Stratify", "Rules", "Facts", "Ingest", "CaseCore", "TestSupport"]),
        .testTarget(name: "AllocateTests", dependencies: ["Allocate", "CaseCore"]),
        .testTarget(
            name: "WarehouseTests", dependencies: ["Warehouse", "Ingest", "Rules", "Stratify", "CaseCore", "TestSupport"],
            resources: [.copy("Golden")]),
        .testTarget(
            name: "StoreTests", dependencies: ["Store", "CaseCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "WorkbookTests", dependencies: ["Workbook", "TestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["CaseCore", "Report", "Store", "TestSupport"]
        ),
        // libFuzzer targets (scripts/fuzz builds them with -sanitize=fuzzer,address); built
        // plainly, each is a tool that replays saved inputs: `fuzz-extract FILE...`.
        .target(name: "FuzzDriver", path: "fuzz/driver"),
        .executableTarget(name: "fuzz-extract", dependencies: ["CaseCore", "FuzzDriver", "Ingest"], path: "fuzz/extract"),
        .executableTarget(
            name: "fuzz-config", dependencies: ["CaseCore", "ConfigFile", "FuzzDriver", "Ingest", "Rules"], path: "fuzz/config"),
        .executableTarget(name: "fuzz-values", dependencies: ["CaseCore", "FuzzDriver", "Ingest"], path: "fuzz/values"),
    ],
    swiftLanguageModes: [.v6]
)
