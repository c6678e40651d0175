import Foundation

/// The shared AWS configuration files: `~/.aws/credentials` (`[name]` sections) and `~/.aws/config`
/// (`[default]` and `[profile name]` sections), parsed into profiles of lower-case property names.
///
/// Follows the AWS SDKs' format: `#` and `;` start full-line comments and, after whitespace, inline comments;
/// `key = value`; indented lines under a property (sub-properties such as `s3 =`) are ignored; a repeated section
/// is merged, a repeated property keeps its last value.
public struct AWSProfileFile: Sendable, Equatable {
    public enum Kind: Sendable {
        /// `~/.aws/credentials`: section names are profile names.
        case credentials
        /// `~/.aws/config`: `[default]` or `[profile name]`; other sections (`sso-session`, `services`) are skipped.
        case config
    }

    /// Profile name → property (lower-cased) → value.
    public var profiles: [String: [String: String]]

    public init(profiles: [String: [String: String]] = [:]) {
        self.profiles = profiles
    }

    public init(parsing text: String, kind: Kind) {
        var profiles: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                current = nil
                guard let close = line.firstIndex(of: "]") else { continue }
                let name = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                current = Self.profileName(section: name, kind: kind)
                if let current, profiles[current] == nil { profiles[current] = [:] }
                continue
            }
            // Sub-property lines (indented) belong to a nested block: skipped.
            if rawLine.first == " " || rawLine.first == "\t" { continue }
            guard let profile = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            guard !key.isEmpty else { continue }
            profiles[profile]?[key] = Self.stripInlineComment(String(line[line.index(after: equals)...]))
        }
        self.profiles = profiles
    }

    /// The file at `path`; an empty set of profiles when the file does not exist.
    public static func load(path: String, kind: Kind) throws(AWSError) -> AWSProfileFile {
        guard FileManager.default.fileExists(atPath: path) else { return AWSProfileFile() }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AWSError(.credentials, message: "cannot read AWS \(kind == .config ? "config" : "credentials") file \(path): "
                           + "\(error.localizedDescription)")
        }
        return AWSProfileFile(parsing: String(decoding: data, as: UTF8.self), kind: kind)
    }

    public func profile(_ name: String) -> [String: String]? { profiles[name] }

    // MARK: Locations

    /// `AWS_PROFILE`, else `default`.
    public static func profileName(environment: [String: String]) -> String {
        nonEmpty(environment["AWS_PROFILE"]) ?? "default"
    }

    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
    public static func credentialsPath(environment: [String: String]) -> String {
        expand(nonEmpty(environment["AWS_SHARED_CREDENTIALS_FILE"]) ?? "~/.aws/credentials", environment: environment)
    }

    /// `AWS_CONFIG_FILE`, else `~/.aws/config`.
    public static func configPath(environment: [String: String]) -> String {
        expand(nonEmpty(environment["AWS_CONFIG_FILE"]) ?? "~/.aws/config", environment: environment)
    }

    static func expand(_ path: String, environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = nonEmpty(environment["HOME"]) ?? FileManager.default.homeDirectoryForCurrentUser.path
        return home + path.dropFirst()
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value.trimmingCharacters(in: .whitespaces)
    }

    private static func profileName(section: String, kind: Kind) -> String? {
        switch kind {
        case .credentials:
            return section.isEmpty ? nil : section
        case .config:
            if section == "default" { return "default" }
            let parts = section.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0] == "profile" else { return nil }
            let name = parts[1].trimmingCharacters(in: .whitespaces)
            return name.isEmpty ? nil : name
        }
    }

    /// `value # comment` → `value`; a `#` or `;` not preceded by whitespace is part of the value.
    private static func stripInlineComment(_ value: String) -> String {
        var result = value
        var previous: Character = " "
        for index in value.indices {
            let c = value[index]
            if (c == "#" || c == ";") && (previous == " " || previous == "\t") && index != value.startIndex {
                result = String(value[..<index])
                break
            }
            previous = c
        }
        return result.trimmingCharacters(in: .whitespaces)
    }
}
