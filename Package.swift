// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Firebreak",
    products: [
        .executable(name: "firebreak", targets: ["firebreak"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries: a module map and a shim header each.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Calendar arithmetic without Foundation (UTC time <-> epoch milliseconds), shared by SigV4 and the event times.
        .target(name: "FirebreakTime"),
        // HTTP/1.1 (and optional TLS through OpenSSL) on POSIX sockets and Dispatch. Knows nothing of Firehose.
        .target(name: "FirebreakHTTP", dependencies: ["COpenSSL"]),
        // Wire models and decoders: Firehose body, gzip, CloudWatch Logs, VPC flow logs, CloudTrail.
        .target(name: "FirebreakLogs", dependencies: ["CZlib"]),
        // Sigma rules, intel lists, correlation, the engine and findings.
        .target(name: "FirebreakDetection", dependencies: [
            "FirebreakLogs", "FirebreakTime",
            .product(name: "Yams", package: "Yams"),
        ]),
        // SigV4, credentials, libcurl transport, Query/JSON protocols, EC2, SNS and CloudTrail clients.
        .target(name: "FirebreakAWS", dependencies: ["CCurl", "COpenSSL", "FirebreakTime"]),
        // Playbooks, the planner, the SQLite store and outbox, the executor. FirebreakLogs for the JSON model that
        // findings carry and playbook payloads are built from; FirebreakTime for durations.
        .target(name: "FirebreakResponse", dependencies: [
            "FirebreakDetection", "FirebreakLogs", "FirebreakAWS", "FirebreakTime", "CSQLite",
            .product(name: "Yams", package: "Yams"),
        ]),
        // CloudFormation templates: loader, checks, suppressions, reporters (`firebreak check`).
        .target(name: "FirebreakTemplates", dependencies: [.product(name: "Yams", package: "Yams")]),
        // Wiring: configuration, the Firehose endpoint, the worker pool, metrics, and the work of each CLI command.
        .target(name: "FirebreakServer", dependencies: [
            "FirebreakHTTP", "FirebreakLogs", "FirebreakDetection", "FirebreakResponse", "FirebreakAWS", "FirebreakTime",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ]),
        // The CLI: parses arguments and calls FirebreakServer (serve, decode, replay, rules, findings) or
        // FirebreakTemplates (check).
        .executableTarget(name: "firebreak", dependencies: [
            "FirebreakServer", "FirebreakTemplates",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Release-built benchmarks (see README, "Benchmarks"), one file per benchmark.
        .executableTarget(name: "firebreak-bench", dependencies: ["FirebreakLogs", "FirebreakDetection", "FirebreakAWS",
                                                                  "FirebreakTemplates", "FirebreakResponse", "FirebreakServer",
                                                                  "CZlib", "FirebreakTestSupport"],
                          path: "Benchmarks/firebreak-bench"),

        // libFuzzer targets, one per parser, in no product (see Fuzz/README-section.md): `make fuzz` builds this with
        // `--sanitize=fuzzer`; a normal build (`swift build --build-tests`) makes it a corpus replayer.
        .executableTarget(name: "firebreak-fuzz", dependencies: ["FirebreakHTTP", "FirebreakLogs", "FirebreakDetection",
                                                                 "FirebreakTemplates", "FirebreakResponse", "FirebreakServer"],
                          path: "Fuzz/firebreak-fuzz"),

        // Test support, in no product: `TestPaths` (the package root and ../shared/testdata), `MotoServer` (a
        // moto_server child) and its VPC/subnet/instance fixture, without Testing so that the benchmark can use
        // it; the `.motoServer` suite trait on top.
        .target(name: "FirebreakTestSupport", dependencies: ["FirebreakAWS"], path: "Tests/FirebreakTestSupport"),
        .target(name: "FirebreakTestTraits", dependencies: ["FirebreakTestSupport"], path: "Tests/FirebreakTestTraits"),

        .testTarget(name: "FirebreakHTTPTests", dependencies: ["FirebreakHTTP", "COpenSSL", "FirebreakTestSupport"]),
        .testTarget(name: "FirebreakTimeTests", dependencies: ["FirebreakTime"]),
        .testTarget(name: "FirebreakLogsTests", dependencies: ["FirebreakLogs", "FirebreakTestSupport"]),
        .testTarget(name: "FirebreakDetectionTests", dependencies: ["FirebreakDetection", "FirebreakLogs", "FirebreakTestSupport",
                                                                     .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "FirebreakAWSTests", dependencies: ["FirebreakAWS", "FirebreakHTTP",
                                                               "FirebreakTestSupport", "FirebreakTestTraits"]),
        .testTarget(name: "FirebreakResponseTests", dependencies: ["FirebreakResponse", "FirebreakDetection", "FirebreakLogs",
                                                                    "FirebreakAWS", "FirebreakTestSupport", "FirebreakTestTraits"]),
        .testTarget(name: "FirebreakTemplatesTests", dependencies: ["FirebreakTemplates", "FirebreakTestSupport",
                                                                     .product(name: "Yams", package: "Yams")],
                    exclude: ["Golden"]),
        .testTarget(name: "FirebreakServerTests", dependencies: ["FirebreakServer", "FirebreakDetection", "FirebreakLogs", "FirebreakHTTP",
                                                                  "FirebreakResponse", "FirebreakAWS", "FirebreakTime", "FirebreakTestSupport",
                                                                  .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "IntegrationTests", dependencies: ["FirebreakLogs", "FirebreakAWS",
                                                              "FirebreakTestSupport", "FirebreakTestTraits"]),
    ]
)
