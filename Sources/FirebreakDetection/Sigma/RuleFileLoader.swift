import Foundation
import Yams

/// Reads Sigma rule files: one or several YAML documents per file; a document with a `correlation:`
/// key is a correlation rule, any other a detection rule. Folders are read recursively (`*.yml`,
/// `*.yaml`), skipping rule test files (`*.tests.yaml`).
public enum RuleFileLoader {
    public static func load(paths: [String]) -> LoadedRules {
        var loaded = LoadedRules()
        for path in paths { loaded.merge(load(path: path)) }
        return loaded
    }

    public static func load(path: String) -> LoadedRules {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            var loaded = LoadedRules()
            loaded.problems.append(RuleError(.io, source: path, "no such file or folder"))
            return loaded
        }
        guard isDirectory.boolValue else { return loadFile(path) }
        var loaded = LoadedRules()
        for file in ruleFiles(in: path) { loaded.merge(loadFile(file)) }
        return loaded
    }

    /// Rule files below `folder`, sorted, test files excluded.
    public static func ruleFiles(in folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard name.hasSuffix(".yml") || name.hasSuffix(".yaml"), !isTestFile(name), !name.hasPrefix(".") else { continue }
            files.append((folder as NSString).appendingPathComponent(relative))
        }
        return files.sorted()
    }

    static func isTestFile(_ name: String) -> Bool {
        name.hasSuffix(".tests.yaml") || name.hasSuffix(".tests.yml")
    }

    public static func loadFile(_ path: String) -> LoadedRules {
        var loaded = LoadedRules()
        loaded.files.append(path)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            loaded.problems.append(RuleError(.io, source: path, "cannot read: \((error as NSError).localizedDescription)"))
            return loaded
        }
        loaded.merge(load(yaml: text, source: path))
        loaded.files = [path]
        return loaded
    }

    /// Parses the documents of one YAML text.
    public static func load(yaml: String, source: String) -> LoadedRules {
        var loaded = LoadedRules()
        var documents: [Node] = []
        do {
            // Not `compose_all`: its sequence swallows a parse error after the first document.
            let parser = try Parser(yaml: yaml)
            while let node = try parser.nextRoot() { documents.append(node) }
        } catch {
            loaded.problems.append(RuleError(.invalidYAML, source: source, String(describing: error)))
            return loaded
        }
        if documents.isEmpty {
            // An emptied file is a mistake (a truncated copy, a bad merge), not a way to turn rules off.
            loaded.problems.append(RuleError(.invalidRule, source: source,
                                             "the file holds no rule (empty, or only comments): delete it, or restore its rules"))
        }
        for (index, document) in documents.enumerated() {
            let where_ = documents.count > 1 ? "\(source) (document \(index + 1))" : source
            guard case .mapping(let mapping) = document else {
                loaded.problems.append(RuleError(.invalidRule, source: where_, "a rule document must be a mapping"))
                continue
            }
            do {
                if mapping["correlation"] != nil {
                    loaded.correlations.append(try CorrelationRule.parse(document, source: where_))
                } else {
                    loaded.rules.append(try SigmaRule.parse(document, source: where_))
                }
            } catch {
                loaded.problems.append(error)
            }
        }
        return loaded
    }
}
