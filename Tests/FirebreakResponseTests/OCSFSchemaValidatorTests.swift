import FirebreakDetection
import FirebreakLogs
import FirebreakTestSupport
import Foundation
import Testing
@testable import FirebreakResponse

/// The validator itself: it reads the class through its inheritance and the cloud profile, and each kind of
/// violation of a valid rendered finding is reported (a validator that passes everything would pass these tests' peers).
@Suite struct OCSFSchemaValidatorTests {
    /// A valid finding: a CloudTrail match (region, account, resource, evidence) merged twice (an Update).
    static let valid: OCSFJSON = {
        let json = Fixtures.cloudTrail(eventSource: "ec2.amazonaws.com", eventName: "AuthorizeSecurityGroupIngress",
                                       requestParameters: ResponsePlannerTests.worldOpenRequest)
        let finding = try! Fixtures.finding(Fixtures.worldOpen, cloudTrail: json)
        var aggregates = FindingAggregate.merge([finding, finding])
        return try! OCSFJSON(parsing: OCSFFinding().render(&aggregates[0]).serialized())
    }()

    @Test(arguments: OCSFTestSchemas.versions)
    func theClassIsReadThroughItsInheritanceAndTheCloudProfile(version: String) throws {
        let folder = OCSFTestSchemas.folder(version)
        let withCloud = try OCSFSchemaValidator(folder: folder, className: "detection_finding", profiles: ["cloud"])
        // base_event's seven, finding's finding_info, the cloud profile's cloud.
        #expect(withCloud.eventClass.required == ["activity_id", "category_uid", "class_uid", "cloud", "finding_info",
                                                  "metadata", "severity_id", "time", "type_uid"])
        #expect(withCloud.schema.version == version)
        // detection_finding's own attributes, finding's and base_event's are all there.
        for name in ["evidences", "is_alert", "finding_info", "status_id", "count", "unmapped"] {
            #expect(withCloud.eventClass.attributes[name] != nil, "\(name)")
        }
        // An enum grows down the chain: base_event's Unknown and Other, finding's Create, Update and Close.
        let activities = withCloud.eventClass.attributes["activity_id"]?["enum"]?.objectValue ?? [:]
        #expect(Set(activities.keys) == ["0", "1", "2", "3", "99"])
        #expect(withCloud.problems(in: Self.valid) == [])

        let plain = try OCSFSchemaValidator(folder: folder, className: "detection_finding", profiles: [])
        #expect(!plain.eventClass.required.contains("cloud"))
        #expect(plain.problems(in: Self.valid).contains { $0.hasPrefix("cloud: not an attribute of detection_finding") })
        // resource_details' region and cloud_partition belong to the cloud profile.
        #expect(plain.problems(in: Self.valid).contains { $0.hasPrefix("resources[0].region: not an attribute") })
        #expect(throws: OCSFSchemaError.self) {
            try OCSFSchemaValidator(folder: folder, className: "detection_finding", profiles: ["no_such_profile"])
        }
    }

    /// Each mutation of a valid finding and the problem it must raise.
    static let mutations: [(path: [String], value: OCSFJSON?, problem: String)] = [
        (["finding_info"], nil, "finding_info: required by detection_finding"),
        (["metadata"], nil, "metadata: required by detection_finding"),
        (["time"], nil, "time: required"),
        (["cloud"], nil, "cloud: required by detection_finding"),
        (["metadata", "product"], nil, "metadata.product: required by metadata"),
        (["metadata", "version"], nil, "metadata.version: required by metadata"),
        (["finding_info", "uid"], nil, "finding_info.uid: required by finding_info"),
        (["finding_info", "analytic", "type_id"], nil, "finding_info.analytic.type_id: required by analytic"),
        (["cloud", "provider"], nil, "cloud.provider: required by cloud"),
        (["severity_id"], .int(7), "severity_id: 7 is not in its enum"),
        (["activity_id"], .int(4), "activity_id: 4 is not in its enum"),
        (["class_uid"], .int(2005), "class_uid: 2005 is not in its enum"),
        (["category_uid"], .int(3), "category_uid: 3 is not in its enum"),
        (["type_uid"], .int(200401), "type_uid: 200401 is not class_uid × 100 + activity_id"),
        (["status_id"], .int(8), "status_id: 8 is not in its enum"),
        (["finding_info", "analytic", "type_id"], .int(12), "finding_info.analytic.type_id: 12 is not in its enum"),
        (["resources", "0", "role_id"], .int(9), "resources[0].role_id: 9 is not in its enum"),
        (["time"], .string("2026-11-30T10:05:00Z"), "time: expected timestamp_t"),
        (["count"], .int(1 << 40), "count: expected integer_t"),
        (["is_alert"], .string("yes"), "is_alert: expected boolean_t"),
        (["resources"], .object([:]), "resources: expected an array of resource_details"),
        (["finding_info", "types"], .string("attack.t1098"), "finding_info.types: expected an array of string_t"),
        (["metadata", "product"], .string("Firebreak"), "metadata.product: expected product"),
        (["finding_info", "title"], .int(1), "finding_info.title: expected string_t"),
        (["unmapped"], .array([]), "unmapped: expected object"),
        (["firebreak"], .string("x"), "firebreak: not an attribute of detection_finding"),
        (["finding_info", "rule"], .string("x"), "finding_info.rule: not an attribute of finding_info"),
        (["resources", "0", "instanceId"], .string("i-1"), "resources[0].instanceId: not an attribute of resource_details"),
        (["metadata", "product"], .object(["vendor_name": .string("Firebreak")]), "metadata.product: product needs at least one of"),
        (["evidences", "0"], .object(["name": .string("matched")]), "evidences[0]: evidences needs at least one of"),
        (["severity"], .string("Low"), "severity: 'Low' is not the caption of severity_id 4"),
        (["activity_name"], .string("Create"), "activity_name: 'Create' is not the caption of activity_id 2"),
        (["class_name"], .string("Security Finding"), "class_name: 'Security Finding' is not the caption of class_uid 2004"),
        (["metadata", "version"], .null, "metadata.version: required by metadata"),
    ]

    @Test(arguments: OCSFTestSchemas.versions)
    func everyMutationIsReported(version: String) throws {
        let validator = try #require(OCSFTestSchemas.validators.first { $0.schema.version == version })
        #expect(validator.problems(in: Self.valid) == [])
        for mutation in Self.mutations {
            let mutated = Self.valid.setting(mutation.path, to: mutation.value)
            #expect(mutated != Self.valid, "\(mutation.path) must change the finding")
            let problems = validator.problems(in: mutated)
            #expect(problems.contains { $0.hasPrefix(mutation.problem) }, "\(mutation.path) → \(problems)")
        }
        #expect(validator.problems(in: "{") != [])
        #expect(validator.problems(in: "[]") == ["the event is not a JSON object"])
    }

    /// The 1.9.0-dev fixture is the shared copy, unchanged.
    @Test func theFixtureIsTheSharedCopy() throws {
        let shared = try TestPaths.shared("ocsf-schema")
        let fixture = OCSFTestSchemas.folder("1.9.0-dev")
        let files = ["version.json", "profiles/cloud.json", "events/base_event.json", "events/findings/finding.json",
                     "events/findings/detection_finding.json"]
            + ["_entity", "_resource", "account", "analytic", "cloud", "evidences", "finding_info", "metadata", "product",
               "resource_details"].map { "objects/\($0).json" }
        for file in files {
            let copy = try Data(contentsOf: fixture.appendingPathComponent(file))
            #expect(copy == (try Data(contentsOf: shared.appendingPathComponent(file))), "\(file)")
        }
    }
}
