import Foundation

/// The targets of Package.swift and what each declares, read from the manifest's text (the manifest keeps one
/// regular form: `.target(name: "X", dependencies: [...], path: "...")`), and the modules each target's
/// sources import. Running SwiftPM here is no option: `swift test` holds the build folder's lock.
struct PackageManifest {
    struct Target {
        var name: String
        var kind: String
        var dependencies: Set<String>
        var path: String
    }

    var targets: [String: Target]

    /// Modules of the toolchain and the system: importing them needs no declaration.
    static let systemModules: Set<String> = ["Foundation", "FoundationXML", "FoundationNetworking", "Dispatch", "Glibc",
                                             "Darwin", "Synchronization", "Testing", "XCTest", "PackageDescription"]

    init(text: String) {
        var targets: [String: Target] = [:]
        let pattern = try! NSRegularExpression(
            pattern: #"\.(target|testTarget|executableTarget|systemLibrary)\(\s*name:\s*"([^"]+)""#)
        let ns = text as NSString
        let matches = pattern.matches(in: text, range: NSRange(location: 0, length: ns.length))
        for (index, match) in matches.enumerated() {
            let kind = ns.substring(with: match.range(at: 1))
            let name = ns.substring(with: match.range(at: 2))
            let end = index + 1 < matches.count ? matches[index + 1].range.location : ns.length
            let body = ns.substring(with: NSRange(location: match.range.location, length: end - match.range.location))
            var dependencies: Set<String> = []
            if let open = body.range(of: "dependencies:") {
                let list = Self.bracketed(body[open.upperBound...])
                // `.product(name: "Yams", package: "Yams")` names the module Yams; a plain string names a target.
                let product = try! NSRegularExpression(pattern: #"\.product\(\s*name:\s*"([^"]+)"[^)]*\)"#)
                let plain = try! NSRegularExpression(pattern: #""([^"]+)""#)
                let listNS = list as NSString
                var rest = list
                for m in product.matches(in: list, range: NSRange(location: 0, length: listNS.length)) {
                    dependencies.insert(listNS.substring(with: m.range(at: 1)))
                }
                rest = product.stringByReplacingMatches(in: list, range: NSRange(location: 0, length: listNS.length),
                                                        withTemplate: "")
                let restNS = rest as NSString
                for m in plain.matches(in: rest, range: NSRange(location: 0, length: restNS.length)) {
                    dependencies.insert(restNS.substring(with: m.range(at: 1)))
                }
            }
            var path = (kind == "testTarget" ? "Tests/" : "Sources/") + name
            let pathPattern = try! NSRegularExpression(pattern: #"path:\s*"([^"]+)""#)
            let bodyNS = body as NSString
            if let m = pathPattern.firstMatch(in: body, range: NSRange(location: 0, length: bodyNS.length)) {
                path = bodyNS.substring(with: m.range(at: 1))
            }
            targets[name] = Target(name: name, kind: kind, dependencies: dependencies, path: path)
        }
        self.targets = targets
    }

    /// The text of the first `[...]` in `text`, brackets balanced.
    static func bracketed(_ text: Substring) -> String {
        guard let open = text.firstIndex(of: "[") else { return "" }
        var depth = 0
        var index = open
        while index < text.endIndex {
            if text[index] == "[" { depth += 1 }
            if text[index] == "]" {
                depth -= 1
                if depth == 0 { return String(text[text.index(after: open)..<index]) }
            }
            index = text.index(after: index)
        }
        return String(text[open...])
    }

    /// The module name of a target (SwiftPM turns `-` into `_`).
    static func moduleName(_ target: String) -> String { target.replacingOccurrences(of: "-", with: "_") }

    /// The modules that the Swift files under `folder` import (`import X`, `@testable import X`,
    /// `internal import X`, `@preconcurrency import X`), with one file that imports each.
    static func imports(under folder: URL) -> [String: String] {
        var found: [String: String] = [:]
        let pattern = try! NSRegularExpression(
            pattern: #"^(?:@testable\s+|@preconcurrency\s+|@_implementationOnly\s+|(?:public|package|internal|private|fileprivate)\s+)*import\s+(?:(?:struct|class|enum|func|protocol|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)"#,
            options: [.anchorsMatchLines])
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [:] }
        for case let url as URL in files where url.pathExtension == "swift" {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let ns = text as NSString
            for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let module = ns.substring(with: m.range(at: 1))
                if found[module] == nil { found[module] = url.path }
            }
        }
        return found
    }

    /// Each problem of one target: an import it does not declare, or a declaration it does not import.
    func problems(packageRoot: URL) -> [String] {
        var out: [String] = []
        let names = Set(targets.keys.map(Self.moduleName))
        for target in targets.values.sorted(by: { $0.name < $1.name }) where target.kind != "systemLibrary" {
            let imported = Self.imports(under: packageRoot.appendingPathComponent(target.path))
            let declared = Set(target.dependencies.map(Self.moduleName))
            for (module, file) in imported.sorted(by: { $0.key < $1.key })
            where !Self.systemModules.contains(module) && module != Self.moduleName(target.name) && !declared.contains(module) {
                let what = names.contains(module) ? "target" : "module"
                out.append("\(target.name) imports \(what) \(module) (\(file)) without declaring it in Package.swift")
            }
            for module in declared.sorted() where imported[module] == nil {
                out.append("\(target.name) declares \(module) in Package.swift but no file of it imports \(module)")
            }
        }
        return out
    }
}
