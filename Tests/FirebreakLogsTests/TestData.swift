import Foundation
@testable import FirebreakLogs

/// Paths to the shared public test data (`<package root>/../shared/testdata`).
enum TestData {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // FirebreakLogsTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    static let root: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata")

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    static func json(_ relativePath: String) throws -> JSONValue {
        try JSONParser().parse(try bytes(relativePath))
    }
}

extension RecordDecodeResult {
    var flowRecords: [FlowLogRecord] {
        events.compactMap { if case .flow(let r) = $0.event { return r } else { return nil } }
    }
    var cloudTrailRecords: [CloudTrailRecord] {
        events.compactMap { if case .cloudTrail(let r) = $0.event { return r } else { return nil } }
    }
}
