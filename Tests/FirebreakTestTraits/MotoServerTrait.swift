import FirebreakTestSupport
import Testing

/// Runs a suite with one moto server, available as `MotoServer.current`, stopped when the suite ends. The server
/// starts reset, with signature and IAM checking on: calls must be signed with `MotoServer.current.credentials`
/// (the server's own clients are), and so after every `reset()`.
public struct MotoServerTrait: SuiteTrait, TestScoping {
    public init() {}

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        let moto = try MotoServer.start()
        defer { moto.stop() }
        try moto.reset()
        try await MotoServer.$current.withValue(moto) { try await function() }
    }
}

extension Trait where Self == MotoServerTrait {
    /// One moto server for the whole suite.
    public static var motoServer: Self { MotoServerTrait() }
}
