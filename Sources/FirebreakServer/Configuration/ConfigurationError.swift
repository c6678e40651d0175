/// Why a configuration could not be loaded; each message names the key and where its value came from.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case invalidYAML(source: String, reason: String)
    case notAMapping(source: String)
    case unknownKey(key: String, source: String)
    case invalidValue(key: String, source: String, expected: String)
    case accessKeyFile(path: String, reason: String)
    case accessKeyRequired(addresses: String)
    case adminTokenRequired(address: String)
    case secretFile(key: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            return "cannot read configuration file \(path): \(reason)"
        case .invalidYAML(let source, let reason):
            return "\(source) is not valid YAML: \(reason)"
        case .notAMapping(let source):
            return "\(source) must be a YAML mapping of sections (server:, firehose:, ...)"
        case .unknownKey(let key, let source):
            return "unknown configuration key '\(key)' in \(source); see config/firebreak.yaml for the keys"
        case .invalidValue(let key, let source, let expected):
            return "configuration key '\(key)' (from \(source)) must be \(expected)"
        case .accessKeyFile(let path, let reason):
            return "cannot read the Firehose access key file \(path): \(reason)"
        case .accessKeyRequired(let addresses):
            return "refusing to listen on \(addresses) without a Firehose access key: set FIREBREAK_ACCESS_KEY or FIREBREAK_ACCESS_KEY_FILE, or listen on 127.0.0.1 / [::1] only"
        case .adminTokenRequired(let address):
            return "refusing to serve /metrics and /findings on \(address) without a token: set FIREBREAK_ADMIN_TOKEN or server.admin_token_file, or keep server.admin_listen on 127.0.0.1 / [::1]"
        case .secretFile(let key, let path, let reason):
            return "cannot read \(key) \(path): \(reason)"
        }
    }
}
