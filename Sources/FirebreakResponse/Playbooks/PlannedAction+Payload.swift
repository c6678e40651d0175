import FirebreakAWS
import Foundation

// The JSON payloads `PlannedAction.payload` carries for the steps that need more than the resource
// (`RevokeIngressPayload`, `StartLoggingPayload`, `TerminatePayload`, `AlertPayload`). The planner writes them
// (JSONEncoder), the step runner reads them (JSONDecoder); unknown keys are ignored.

extension PlannedAction {
    /// The payload decoded as `T`; an empty payload decodes from `{}`. A malformed payload is a client error
    /// (not retryable): the planner wrote something the runner cannot read.
    func decodePayload<T: Decodable>(_ type: T.Type) throws(AWSError) -> T {
        let text = payload.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            return try JSONDecoder().decode(T.self, from: Data((text.isEmpty ? "{}" : text).utf8))
        } catch {
            throw AWSError(.invalidParameter, code: "InvalidPayload",
                           message: "the \(step.kind.rawValue) payload of action \(id) is not a valid \(T.self): \(error)")
        }
    }
}
