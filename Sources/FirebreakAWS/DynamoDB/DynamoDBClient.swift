import Foundation

/// Typed DynamoDB calls over AWS JSON 1.0 (`X-Amz-Target: DynamoDB_20120810.<Operation>`, signing name
/// `dynamodb`).
///
/// Reads (`GetItem`, `Query`, `DescribeTable`, ...) are retried on any retryable failure; writes only when DynamoDB
/// certainly did not apply them (throttled, or never sent), since an `ADD` applied twice counts twice. A
/// condition that is false is `DynamoDBError.conditionalCheckFailed`, with the item when the write asked for it.
public struct DynamoDBClient: Sendable {
    public static let targetPrefix = "DynamoDB_20120810"
    public static let signingName = "dynamodb"

    public let client: AWSClient

    /// A client over `client`, whose signing name should be `dynamodb`.
    public init(client: AWSClient) {
        self.client = client
    }

    /// Calls `operation` with `input` as its JSON body and decodes the answer as `Output`.
    func call<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input, as output: Output.Type,
                                                   readOnly: Bool) throws(DynamoDBError) -> Output {
        var failure: [UInt8] = []
        do {
            return try client.json(targetPrefix: Self.targetPrefix, operation: operation, input: input, as: output,
                                   version: "1.0", readOnly: readOnly, decodeError: { answer in
                                       failure = answer.body
                                       return JSONErrorDecoder.decode(answer)
                                   })
        } catch {
            throw Self.typed(error, body: failure, operation: operation)
        }
    }

    /// The DynamoDB error an AWS error stands for: a failed condition or a cancelled transaction carry what
    /// DynamoDB returned with them.
    static func typed(_ error: AWSError, body: [UInt8], operation: String) -> DynamoDBError {
        struct Detail: Decodable {
            var item: DynamoDBItem?
            var reasons: [DynamoDBCancellationReason]?
            enum CodingKeys: String, CodingKey { case item = "Item", reasons = "CancellationReasons" }
        }
        let detail = try? JSONDecoder().decode(Detail.self, from: Data(body))
        switch error.code {
        case "ConditionalCheckFailedException":
            return .conditionalCheckFailed(item: detail?.item)
        case "TransactionCanceledException":
            return .transactionCanceled(reasons: detail?.reasons ?? [])
        case "MalformedResponse" where (200..<300).contains(error.status ?? 0):
            return .malformedResponse(operation: operation)
        default:
            return .service(error)
        }
    }
}
