import FirebreakLogs
import Yams

/// YAML nodes as JSON values (test events written in YAML, value lists).
enum YAMLJSON {
    static func convert(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                switch scalar.string {
                case "null", "~", "": return .null
                case "true", "True", "TRUE": return .bool(true)
                case "false", "False", "FALSE": return .bool(false)
                default:
                    if let i = Int64(scalar.string) { return .int(i) }
                    if let d = Double(scalar.string), scalar.string.contains(".") { return .double(d) }
                }
            }
            return .string(scalar.string)
        case .sequence(let sequence):
            return .array(sequence.map(convert))
        case .mapping(let mapping):
            var object = JSONObject()
            for (key, value) in mapping { object.append(key.string ?? "", convert(value)) }
            return .object(object)
        case .alias:
            return .null
        }
    }
}
