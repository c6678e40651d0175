import FirebreakTestSupport
import Foundation
import Testing

/// The module graph as declared: Package.swift names every module a target imports and no more, and the
/// product's modules depend only along the arrows of the architecture (README, "Layout").
@Suite struct PackageGraphTests {
    /// What each module of the product may depend on: ARCHITECTURE.md's table, plus FirebreakTime (calendar
    /// arithmetic shared by SigV4 and event times, below both) and FirebreakResponse → FirebreakLogs (the JSON
    /// model findings carry).
    static let allowed: [String: Set<String>] = [
        "FirebreakTime": [],
        "FirebreakHTTP": ["COpenSSL"],
        "FirebreakLogs": ["CZlib"],
        "FirebreakDetection": ["FirebreakLogs", "FirebreakTime", "Yams"],
        "FirebreakAWS": ["CCurl", "COpenSSL", "FirebreakTime"],
        "FirebreakResponse": ["FirebreakDetection", "FirebreakLogs", "FirebreakAWS", "FirebreakTime", "CSQLite", "Yams"],
        "FirebreakTemplates": ["Yams"],
        "FirebreakServer": ["FirebreakHTTP", "FirebreakLogs", "FirebreakDetection", "FirebreakAWS", "FirebreakResponse",
                            "FirebreakTime", "Logging", "Yams"],
        "firebreak": ["FirebreakServer", "FirebreakTemplates", "ArgumentParser"],
    ]

    static func manifest() throws -> PackageManifest {
        PackageManifest(text: try String(contentsOf: try TestPaths.package("Package.swift"), encoding: .utf8))
    }

    @Test func everyImportIsDeclaredAndEveryDeclarationImported() throws {
        let manifest = try Self.manifest()
        #expect(manifest.targets.count >= 20, "Package.swift read as \(manifest.targets.keys.sorted())")
        let problems = manifest.problems(packageRoot: TestPaths.packageRoot)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func productModulesFollowTheArchitecture() throws {
        let manifest = try Self.manifest()
        for (name, allowed) in Self.allowed {
            let target = try #require(manifest.targets[name], "Package.swift has no target \(name)")
            let extra = target.dependencies.subtracting(allowed)
            #expect(extra.isEmpty, "\(name) depends on \(extra.sorted()), outside the architecture's arrows")
        }
        let productTargets = manifest.targets.values.filter { $0.path.hasPrefix("Sources/") && $0.kind != "systemLibrary" }
        for target in productTargets {
            #expect(Self.allowed[target.name] != nil, "\(target.name) is missing from the architecture's table")
        }
    }

    /// The check itself fails on a package whose target imports what it does not declare, or declares what it
    /// does not import.
    @Test func theCheckFindsAnUndeclaredImport() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("graph-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let sources = root.appendingPathComponent("Sources/A/Inner")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try "import Foundation\n@testable import B\ninternal import CZlib\n".write(
            to: sources.appendingPathComponent("A.swift"), atomically: true, encoding: .utf8)
        let manifest = PackageManifest(text: """
            targets: [
                .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
                .target(name: "A", dependencies: ["CZlib", .product(name: "Yams", package: "Yams")]),
                .target(name: "B"),
            ]
            """)
        let problems = manifest.problems(packageRoot: root)
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("A imports target B") })
        #expect(problems.contains { $0.hasPrefix("A declares Yams") })
    }
}
