import Foundation

/// Typed Security Hub calls over REST-JSON (signing name `securityhub`): findings in the AWS Security Finding Format
/// (ASFF) in, and read back by id.
///
/// BatchImportFindings is an upsert by the finding's `Id` (per product and account): sending the same findings
/// again leaves one finding each, so the call is retried on any retryable failure, like a read. Findings are JSON
/// texts the caller renders; the client checks the batch limits (`maxFindingsPerImport`, `maxFindingBytes`,
/// `maxImportBytes`) and that each is a JSON object before anything is sent. Errors (`Code`/`Message`,
/// `X-Amzn-ErrorType`) are `AWSError`: `InvalidInputException` is `.invalidParameter`, `InvalidAccessException`
/// (Security Hub not enabled, or the caller not the finding's account) `.accessDenied`, `LimitExceededException`
/// `.throttled`.
public struct SecurityHubClient: Sendable {
    public static let signingName = "securityhub"
    /// BatchImportFindings takes at most 100 findings per call, each at most 240 KB, the request at most 6 MB.
    public static let maxFindingsPerImport = 100
    public static let maxFindingBytes = 240 * 1024
    public static let maxImportBytes = 6 * 1024 * 1024
    /// Filter values per attribute that GetFindings accepts (AwsSecurityFindingFilters: up to 20 values).
    public static let maxIdsPerLookup = 20
    /// GetFindings pages followed at most (100 findings each).
    static let maxPages = 10

    public let client: AWSClient

    /// A client over `client`, whose signing name should be `securityhub`.
    public init(client: AWSClient) {
        self.client = client
    }

    /// BatchImportFindings (`POST /findings/import`): creates each finding, or updates the one with its `Id`.
    /// `findings` are ASFF findings, one JSON object text each. Refused before sending (`.invalidParameter`): no
    /// findings, more than 100, one above 240 KB or not a JSON object, a body above 6 MB. A finding Security Hub
    /// refuses is in the result's `failures`, not an error.
    public func batchImportFindings(_ findings: [String]) throws(AWSError) -> SecurityHubImportResult {
        let body = try Self.importBody(findings)
        let response = try client.restJSON(path: "/findings/import", body: body, changesAccount: false,
                                           decodeError: Self.decodeError)
        struct Output: Decodable {
            struct Failure: Decodable {
                var id: String?
                var errorCode: String?
                var errorMessage: String?
                enum CodingKeys: String, CodingKey { case id = "Id", errorCode = "ErrorCode", errorMessage = "ErrorMessage" }
            }
            var successCount: Int
            var failedFindings: [Failure]?
            enum CodingKeys: String, CodingKey { case successCount = "SuccessCount", failedFindings = "FailedFindings" }
        }
        guard let output = try? JSONDecoder().decode(Output.self, from: Data(response.body)) else {
            throw Self.malformed("BatchImportFindings", response)
        }
        return SecurityHubImportResult(successCount: output.successCount, failures: (output.failedFindings ?? []).map {
            SecurityHubImportFailure(id: $0.id ?? "", errorCode: $0.errorCode ?? "", errorMessage: $0.errorMessage ?? "")
        })
    }

    /// GetFindings (`POST /findings`) filtered on `Id` EQUALS each of `ids` (1 to 20): the findings with those ids,
    /// of any product the caller sees, in the order Security Hub returned them.
    public func getFindings(ids: [String]) throws(AWSError) -> [SecurityHubFinding] {
        let wanted = Set(ids)
        var found: [SecurityHubFinding] = []
        var nextToken: String?
        for _ in 0..<Self.maxPages {
            let body = try Self.getFindingsBody(ids: ids, nextToken: nextToken)
            let response = try client.restJSON(path: "/findings", body: body, changesAccount: false,
                                               decodeError: Self.decodeError)
            guard let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any],
                  let findings = object["Findings"] as? [[String: Any]] else {
                throw Self.malformed("GetFindings", response)
            }
            for finding in findings {
                // The filter again: a server that ignores Filters (moto) returns every finding.
                guard let id = finding["Id"] as? String, wanted.contains(id) else { continue }
                guard let data = try? JSONSerialization.data(withJSONObject: finding,
                                                             options: [.sortedKeys, .withoutEscapingSlashes]) else {
                    throw Self.malformed("GetFindings", response)
                }
                found.append(SecurityHubFinding(id: id, productArn: finding["ProductArn"] as? String,
                                                awsAccountId: finding["AwsAccountId"] as? String,
                                                title: finding["Title"] as? String,
                                                updatedAt: finding["UpdatedAt"] as? String,
                                                json: String(decoding: data, as: UTF8.self)))
            }
            nextToken = (object["NextToken"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            if nextToken == nil { return found }
        }
        return found
    }

    /// `{"Findings":[…]}`, the findings as given, after the limits are checked.
    static func importBody(_ findings: [String]) throws(AWSError) -> [UInt8] {
        guard !findings.isEmpty else {
            throw AWSError(.invalidParameter, message: "BatchImportFindings needs at least one finding")
        }
        guard findings.count <= maxFindingsPerImport else {
            throw AWSError(.invalidParameter, message: "BatchImportFindings takes at most \(maxFindingsPerImport) findings "
                           + "per call, not \(findings.count): split the batch")
        }
        var body = Array(#"{"Findings":["#.utf8)
        for (index, finding) in findings.enumerated() {
            let bytes = Array(finding.utf8)
            guard bytes.count <= maxFindingBytes else {
                throw AWSError(.invalidParameter, message: "finding \(index + 1) of the batch is \(bytes.count) bytes, "
                               + "more than Security Hub's \(maxFindingBytes) (240 KB) per finding")
            }
            guard (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any] else {
                throw AWSError(.invalidParameter, message: "finding \(index + 1) of the batch is not a JSON object")
            }
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += bytes
            guard body.count + 2 <= maxImportBytes else {
                throw AWSError(.invalidParameter, message: "the BatchImportFindings request would be more than Security Hub's "
                               + "\(maxImportBytes) bytes (6 MB) at finding \(index + 1): split the batch")
            }
        }
        body += Array("]}".utf8)
        return body
    }

    /// `{"Filters":{"Id":[{"Value":…,"Comparison":"EQUALS"},…]},"MaxResults":100}` (and `NextToken`).
    static func getFindingsBody(ids: [String], nextToken: String? = nil) throws(AWSError) -> [UInt8] {
        guard !ids.isEmpty, ids.count <= maxIdsPerLookup else {
            throw AWSError(.invalidParameter, message: "GetFindings looks up 1 to \(maxIdsPerLookup) finding ids at a time, "
                           + "not \(ids.count)")
        }
        struct Filter: Encodable {
            var value: String
            var comparison = "EQUALS"
            enum CodingKeys: String, CodingKey { case value = "Value", comparison = "Comparison" }
        }
        struct Filters: Encodable {
            var id: [Filter]
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        struct Input: Encodable {
            var filters: Filters
            var maxResults = 100
            var nextToken: String?
            enum CodingKeys: String, CodingKey { case filters = "Filters", maxResults = "MaxResults", nextToken = "NextToken" }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Input(filters: Filters(id: ids.map { Filter(value: $0) }), nextToken: nextToken)) else {
            throw AWSError(.invalidParameter, message: "GetFindings input could not be encoded as JSON")
        }
        return Array(data)
    }

    /// `JSONErrorDecoder` with Security Hub's codes classified: `InvalidInputException` → `.invalidParameter`,
    /// `InvalidAccessException` → `.accessDenied`, `LimitExceededException` → `.throttled`.
    public static func decodeError(_ response: AWSHTTPResponse) -> AWSError {
        var error = JSONErrorDecoder.decode(response)
        switch error.code {
        case "InvalidInputException": error.kind = .invalidParameter
        case "InvalidAccessException": error.kind = .accessDenied
        case "LimitExceededException": error.kind = .throttled
        default: break
        }
        return error
    }

    private static func malformed(_ operation: String, _ response: AWSHTTPResponse) -> AWSError {
        AWSError(.server, code: "MalformedResponse",
                 message: "\(operation) answered HTTP \(response.status) with JSON that does not match its output shape "
                     + "(\(response.body.count) bytes)",
                 requestID: response.header("x-amzn-RequestId"), status: response.status)
    }
}
