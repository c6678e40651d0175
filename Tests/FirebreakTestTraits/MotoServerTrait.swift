import FirebreakTestSupport
import Testing

/// Runs a suite with one moto server, available as `MotoServer.current`, stopped when the suite ends.
public struct MotoServerTrait: SuiteTrait, TestScoping {
    public init() {}

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        let moto = try MotoServer.start()
        defer { moto.stop() }
        try await MotoServer.$current.withValue(moto) { try await function() }
    }
}

extension Trait where Self == MotoServerTrait {
    /// One moto server for the whole suite.
    public static var motoServer: Self { MotoServerTrait() }
}
