import FirebreakLogs
import FirebreakTestSupport
import Foundation
import Testing

/// The OCSF Detection Finding class (2004, with the `cloud` profile) of the schema copies in
/// `Tests/Fixtures/ocsf-schema`: 1.6.0, the version the output claims, and 1.9.0-dev, the shared copy.
enum OCSFTestSchemas {
    static let versions = ["1.6.0", "1.9.0-dev"]

    static func folder(_ version: String) -> URL {
        TestPaths.packageRoot.appendingPathComponent("Tests/Fixtures/ocsf-schema/\(version)")
    }

    static let validators: [OCSFSchemaValidator] = versions.map {
        try! OCSFSchemaValidator(folder: folder($0), className: "detection_finding", profiles: ["cloud"])
    }

    /// Every problem of `value` against each schema, prefixed with the schema's version.
    static func problems(_ value: JSONValue) -> [String] {
        let text = value.serialized()
        return validators.flatMap { validator in validator.problems(in: text).map { "\(validator.schema.version): \($0)" } }
    }
}
