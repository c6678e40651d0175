import Foundation
import Testing
import FirebreakTemplates

@Suite struct TemplateCorpusTests {
    static let files: [String] = TemplateFiles.find(paths: [TemplateTestData.awsTemplates])

    @Test func corpusIsThere() {
        #expect(Self.files.count == 311)
    }

    @Test func everyFileLoads() {
        var failures: [String] = []
        for file in Self.files {
            let relative = String(file.dropFirst(TemplateTestData.awsTemplates.count + 1))
            do {
                let template = try TemplateLoader.load(path: file)
                #expect(TemplateTestData.notTemplates[relative] == nil, "\(relative) is listed as not a template but loads")
                _ = template
            } catch {
                if TemplateTestData.notTemplates[relative] == nil { failures.append(error.description) }
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failed:\n\(failures.joined(separator: "\n"))")
    }

    @Test func jsonAndYAMLTwinsHaveTheSameContent() throws {
        var byStem: [String: [String]] = [:]
        for file in Self.files {
            let url = URL(fileURLWithPath: file)
            byStem[url.deletingPathExtension().path, default: []].append(file)
        }
        var pairs = 0
        var differing = 0
        var failures: [String] = []
        for (_, group) in byStem.sorted(by: { $0.key < $1.key }) {
            guard let json = group.first(where: { $0.hasSuffix(".json") }),
                  let yaml = group.first(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }) else { continue }
            let relative = String(yaml.dropFirst(TemplateTestData.awsTemplates.count + 1))
            guard TemplateTestData.notTemplates[relative] == nil else { continue }
            pairs += 1
            guard let a = try? TemplateLoader.load(path: json), let b = try? TemplateLoader.load(path: yaml) else {
                failures.append("\(yaml): does not load"); continue
            }
            let difference = ContentDifference.first(.map(a.root), .map(b.root))
            if TemplateTestData.differingTwins[relative] != nil {
                if difference == nil { failures.append("\(relative) is listed as differing but has the same content") }
                else { differing += 1 }
            } else if let difference {
                failures.append("\(relative): first difference at \(difference)")
            }
        }
        #expect(pairs == 138)
        #expect(differing == TemplateTestData.differingTwins.count)
        #expect(failures.isEmpty, "\(failures.count) pairs differ:\n\(failures.joined(separator: "\n"))")
    }
}
