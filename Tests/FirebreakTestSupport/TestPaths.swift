import Foundation

/// Where the tests and the benchmark find their files: the package root, and the shared public test data beside
/// it (`<package root>/../shared/testdata`). A path that must exist and does not is an error naming it, so a
/// test that needs shared data fails loudly instead of skipping.
public enum TestPaths {
    /// The package root (this file is `<root>/Tests/FirebreakTestSupport/TestPaths.swift`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `<package root>/../shared/testdata`.
    public static let sharedTestdata: URL = packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/testdata")

    /// A file or folder under the shared test data; throws `TestDataMissing` when it is not there.
    public static func shared(_ relativePath: String) throws(TestDataMissing) -> URL {
        try existing(sharedTestdata.appendingPathComponent(relativePath))
    }

    /// A file or folder under the package root; throws `TestDataMissing` when it is not there.
    public static func package(_ relativePath: String) throws(TestDataMissing) -> URL {
        try existing(packageRoot.appendingPathComponent(relativePath))
    }

    /// The bytes of a file under the shared test data.
    public static func sharedBytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try shared(relativePath)))
    }

    private static func existing(_ url: URL) throws(TestDataMissing) -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else { throw TestDataMissing(path: url.path) }
        return url
    }
}

/// A file the tests need is not where they look for it.
public struct TestDataMissing: Error, CustomStringConvertible {
    public var path: String

    public var description: String {
        "test data not found at \(path) (the shared test data is expected at <package root>/../shared/testdata)"
    }
}
