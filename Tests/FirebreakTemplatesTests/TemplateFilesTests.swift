import Foundation
import Testing
import FirebreakTemplates

@Suite struct TemplateFilesTests {
    @Test func findsTemplatesRecursivelySortedAndKeepsFilesAsGiven() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fb-files-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b/c"), withIntermediateDirectories: true)
        for name in ["b/c/z.yml", "a.json", "b/x.template", "b/y.yaml", "notes.txt", "b/c/README.md"] {
            try Data("x".utf8).write(to: root.appendingPathComponent(name))
        }
        let found = TemplateFiles.find(paths: [root.appendingPathComponent("notes.txt").path, root.path])
        let relative = found.dropFirst().map { String($0.dropFirst(root.path.count + 1)) }
        #expect(found.first == root.appendingPathComponent("notes.txt").path)
        #expect(relative == ["a.json", "b/c/z.yml", "b/x.template", "b/y.yaml"])
    }
}
