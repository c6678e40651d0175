import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One statement of an IAM policy document of the template (intrinsics kept as JSON values).
struct StackPolicyStatement {
    var sid: String
    var effect: String
    var actions: [String]
    var resources: [Any]
    var condition: [String: [String: Any]]

    init(_ value: [String: Any]) {
        sid = value["Sid"] as? String ?? "(no Sid)"
        effect = value["Effect"] as? String ?? ""
        actions = (value["Action"] as? [String]) ?? (value["Action"] as? String).map { [$0] } ?? []
        resources = (value["Resource"] as? [Any]).map { $0 } ?? value["Resource"].map { [$0] } ?? []
        condition = (value["Condition"] as? [String: Any] ?? [:]).compactMapValues { $0 as? [String: Any] }
    }
}
