/// One request the fault proxy forwarded to the upstream, and what became of the answer.
public struct FaultExchange: Sendable {
    /// The AWS operation (`TerminateInstances`; for JSON protocols the part of `X-Amz-Target` after the dot);
    /// nil for requests that name none (moto's `/moto-api`).
    public var action: String?
    /// The request as forwarded: head and body bytes, unchanged.
    public var request: [UInt8]
    /// The upstream's status; nil when no complete answer came back.
    public var status: Int?
    /// The upstream's answer body (de-chunked).
    public var responseBody: [UInt8]
    /// The answer was withheld by an armed rule and the client's connection closed.
    public var withheld: Bool

    /// The answer body as UTF-8 text.
    public var responseText: String { String(decoding: responseBody, as: UTF8.self) }
}
