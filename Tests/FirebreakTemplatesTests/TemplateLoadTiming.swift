import Foundation
import Testing
import FirebreakTemplates

/// Measures (does not assert) the time to load every file of the AWS sample corpus; run it in a
/// release build: `swift test -c release --filter TemplateLoadTiming`.
@Suite struct TemplateLoadTiming {
    @Test func loadWholeCorpus() {
        let files = TemplateFiles.find(paths: [TemplateTestData.awsTemplates])
        let clock = ContinuousClock()
        var loaded = 0
        let elapsed = clock.measure {
            for file in files {
                if (try? TemplateLoader.load(path: file)) != nil { loaded += 1 }
            }
        }
        print("TemplateLoadTiming: \(files.count) files, \(loaded) templates loaded in \(elapsed)")
        #expect(loaded > 0)
    }
}
