@testable import FirebreakServer

/// `config`: the bytes (as UTF-8, lossily) are a `firebreak.yaml`, layered over the embedded default and
/// turned into a `ServiceConfiguration` as `ServiceConfiguration.load(file:)` does (without the file read).
/// `firehose.access_key_file` is then cleared, as the environment can do: reading whatever path the input
/// names (`/dev/zero`) would test the file system, not the configuration parser.
enum ConfigurationTarget {
    /// The embedded default, parsed once (it is the same for every input; parsing it took most of the time).
    /// `nonisolated(unsafe)`: ConfigurationLayers (Yams nodes) is not Sendable; it is never mutated, only copied.
    nonisolated(unsafe) static let defaults: ConfigurationLayers? = try? ConfigurationLayers(defaultYAML: DefaultConfiguration.yaml,
                                                                         source: "the embedded default")

    static func run(_ data: [UInt8]) {
        let text = String(decoding: data, as: UTF8.self)
        guard var layers = defaults else { fatalError("config: the embedded default configuration does not load") }
        do {
            try layers.apply(yaml: text, source: "fuzz.yaml")
            layers.apply(environment: ["FIREBREAK_FIREHOSE_ACCESS_KEY_FILE": ""])
            let configuration = try ServiceConfiguration(layers: layers)
            _ = try? configuration.validateExposure()
        } catch {
            _ = error.description
        }
    }
}
