/// What BatchImportFindings answered: how many findings were imported, and why each of the others was not.
public struct SecurityHubImportResult: Sendable, Equatable {
    public var successCount: Int
    public var failures: [SecurityHubImportFailure]

    public init(successCount: Int, failures: [SecurityHubImportFailure] = []) {
        self.successCount = successCount
        self.failures = failures
    }

    public var failedCount: Int { failures.count }
}

/// One finding Security Hub did not import (`FailedFindings`): its `Id`, `ErrorCode` and `ErrorMessage`.
public struct SecurityHubImportFailure: Sendable, Equatable {
    public var id: String
    public var errorCode: String
    public var errorMessage: String

    public init(id: String, errorCode: String, errorMessage: String) {
        self.id = id
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }
}
