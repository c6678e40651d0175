import Foundation
@testable import FirebreakLogs
import FirebreakTestSupport

/// Paths to the shared public test data (`<package root>/../shared/testdata`).
enum TestData {
    static let packageRoot: URL = TestPaths.packageRoot

    static let root: URL = TestPaths.sharedTestdata

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        try TestPaths.sharedBytes(relativePath)
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
