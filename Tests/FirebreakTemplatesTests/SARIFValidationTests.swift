import FirebreakTemplates
import Foundation
import Testing

/// The SARIF output checked against what SARIF 2.1.0 and GitHub code scanning require. The official
/// schema cannot be downloaded here, so the checks are structural; when Python's `jsonschema` is
/// installed, the log is also validated against `subsetSchema`, a hand-written MINIMAL SUBSET of the
/// SARIF 2.1.0 schema (required properties and enumerations of the objects firebreak writes only).
@Suite struct SARIFValidationTests {
    let sarif = SARIFReporter.render(ReporterFixture.report, toolVersion: "1.2.3")

    func object(_ any: Any?) throws -> [String: Any] { try #require(any as? [String: Any]) }
    func array(_ any: Any?) throws -> [Any] { try #require(any as? [Any]) }

    @Test func structure() throws {
        let log = try object(JSONSerialization.jsonObject(with: Data(sarif.utf8)))
        #expect(log["version"] as? String == "2.1.0")
        #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        let runs = try array(log["runs"])
        #expect(runs.count == 1)
        let run = try object(runs.first)
        let driver = try object(object(run["tool"])["driver"])
        #expect(driver["name"] as? String == "firebreak")
        #expect(driver["version"] as? String == "1.2.3")
        let rules = try array(driver["rules"]).map(object)
        let ruleIDs = rules.compactMap { $0["id"] as? String }
        #expect(ruleIDs == ["FB-NET-001", "FB-S3-002"])
        for rule in rules {
            let level = try object(rule["defaultConfiguration"])["level"] as? String
            #expect(level == "error" || level == "warning")
            let properties = try object(rule["properties"])
            #expect(properties["tags"] as? [String] == ["security"])
            let severity = try #require(properties["security-severity"] as? String)
            #expect(Double(severity) != nil)
            #expect(try object(rule["help"])["text"] is String)
            #expect(try object(rule["shortDescription"])["text"] is String)
        }

        let results = try array(run["results"]).map(object)
        #expect(results.count == 3)
        for result in results {
            let ruleID = try #require(result["ruleId"] as? String)
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ruleIDs.indices.contains(index) && ruleIDs[index] == ruleID)
            #expect(["none", "note", "warning", "error"].contains(result["level"] as? String ?? ""))
            #expect(!(try object(result["message"])["text"] as? String ?? "").isEmpty)
            for location in try array(result["locations"]).map(object) {
                let physical = try object(location["physicalLocation"])
                let uri = try #require(try object(physical["artifactLocation"])["uri"] as? String)
                #expect(!uri.hasPrefix("/") && !uri.contains("\\") && !uri.contains("://"))
                #expect(URL(string: uri) != nil)
                let startLine = try #require(try object(physical["region"])["startLine"] as? Int)
                #expect(startLine >= 1)
                let logical = try array(location["logicalLocations"]).map(object)
                #expect(logical.first?["kind"] as? String == "resource")
            }
            let fingerprints = try object(result["partialFingerprints"])
            #expect((fingerprints["firebreak/v1"] as? String)?.count == 16)
        }
        let suppressed = results.filter { $0["suppressions"] != nil }
        #expect(suppressed.count == 1)
        let suppression = try object(array(suppressed.first?["suppressions"]).first)
        #expect(["inSource", "external"].contains(suppression["kind"] as? String ?? ""))
        #expect(suppression["justification"] as? String == "Metadata firebreak: logs are re-creatable")

        let invocation = try object(array(run["invocations"]).first)
        #expect(invocation["executionSuccessful"] as? Bool == false)
        #expect(try array(invocation["toolExecutionNotifications"]).count == 1)
    }

    @Test func ruleForACheckWithoutDefinitionAndLineZero() throws {
        let finding = TemplateFinding(checkID: "FB-NEW-9", level: .error, title: "New", message: "m",
                                      path: "./dir with space/t.yaml", logicalID: "R", resourceType: "AWS::X::Y",
                                      line: 0, fix: "f", suppressedBy: "exceptions file: ticket SEC-1")
        let report = CheckReport(files: ["./dir with space/t.yaml"], findings: [finding], checks: [])
        let log = try object(JSONSerialization.jsonObject(with: Data(SARIFReporter.render(report, toolVersion: "0").utf8)))
        let run = try object(array(log["runs"]).first)
        let rules = try array(object(object(run["tool"])["driver"])["rules"]).map(object)
        #expect(rules.map { $0["id"] as? String } == ["FB-NEW-9"])
        let result = try object(array(run["results"]).first)
        let physical = try object(object(array(result["locations"]).first)["physicalLocation"])
        #expect(try object(physical["artifactLocation"])["uri"] as? String == "dir%20with%20space/t.yaml")
        #expect(try object(physical["region"])["startLine"] as? Int == 1)
        #expect(try object(array(result["suppressions"]).first)["kind"] as? String == "external")
        let invocation = try object(array(run["invocations"]).first)
        #expect(invocation["executionSuccessful"] as? Bool == true)
    }

    @Test func fingerprintIgnoresLine() throws {
        func fingerprint(line: Int) throws -> String? {
            let finding = TemplateFinding(checkID: "FB-A", level: .warning, title: "t", message: "m", path: "a.yaml",
                                          logicalID: "R", resourceType: "T", line: line, fix: "f")
            let sarif = SARIFReporter.render(CheckReport(files: ["a.yaml"], findings: [finding], checks: []), toolVersion: "0")
            let log = try object(JSONSerialization.jsonObject(with: Data(sarif.utf8)))
            let result = try object(array(object(array(log["runs"]).first)["results"]).first)
            return try object(result["partialFingerprints"])["firebreak/v1"] as? String
        }
        #expect(try fingerprint(line: 3) == fingerprint(line: 40))
    }

    /// A MINIMAL SUBSET of the SARIF 2.1.0 JSON schema (not the official one): the required properties,
    /// types and enumerations of the objects firebreak writes, per the OASIS SARIF 2.1.0 specification.
    static let subsetSchema = #"""
    {
      "$schema": "http://json-schema.org/draft-07/schema#",
      "type": "object",
      "required": ["version", "runs"],
      "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/run"}}
      },
      "definitions": {
        "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
        "level": {"enum": ["none", "note", "warning", "error"]},
        "run": {
          "type": "object", "required": ["tool"],
          "properties": {
            "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {"$ref": "#/definitions/driver"}}},
            "results": {"type": "array", "items": {"$ref": "#/definitions/result"}},
            "invocations": {"type": "array", "items": {"$ref": "#/definitions/invocation"}}
          }
        },
        "driver": {
          "type": "object", "required": ["name"],
          "properties": {
            "name": {"type": "string"}, "version": {"type": "string"},
            "informationUri": {"type": "string", "format": "uri"},
            "rules": {"type": "array", "uniqueItems": true, "items": {"$ref": "#/definitions/rule"}}
          }
        },
        "rule": {
          "type": "object", "required": ["id"],
          "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "shortDescription": {"$ref": "#/definitions/message"},
            "fullDescription": {"$ref": "#/definitions/message"},
            "help": {"$ref": "#/definitions/message"},
            "defaultConfiguration": {"type": "object", "properties": {"level": {"$ref": "#/definitions/level"}}},
            "properties": {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}}}
          }
        },
        "result": {
          "type": "object", "required": ["message"],
          "properties": {
            "ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": -1},
            "level": {"$ref": "#/definitions/level"},
            "message": {"$ref": "#/definitions/message"},
            "locations": {"type": "array", "items": {"$ref": "#/definitions/location"}},
            "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
            "suppressions": {"type": "array", "uniqueItems": true, "items": {
              "type": "object", "required": ["kind"],
              "properties": {"kind": {"enum": ["inSource", "external"]}, "justification": {"type": "string"}}
            }}
          }
        },
        "location": {
          "type": "object",
          "properties": {
            "physicalLocation": {"type": "object", "properties": {
              "artifactLocation": {"type": "object", "properties": {"uri": {"type": "string", "format": "uri-reference"}}},
              "region": {"type": "object", "properties": {
                "startLine": {"type": "integer", "minimum": 1}, "startColumn": {"type": "integer", "minimum": 1}
              }}
            }},
            "logicalLocations": {"type": "array", "items": {"type": "object", "properties": {
              "name": {"type": "string"}, "kind": {"type": "string"}, "fullyQualifiedName": {"type": "string"}
            }}}
          }
        },
        "invocation": {
          "type": "object", "required": ["executionSuccessful"],
          "properties": {
            "executionSuccessful": {"type": "boolean"},
            "toolExecutionNotifications": {"type": "array", "items": {
              "type": "object", "required": ["message"],
              "properties": {"message": {"$ref": "#/definitions/message"}, "level": {"$ref": "#/definitions/level"},
                             "locations": {"type": "array", "items": {"$ref": "#/definitions/location"}}}
            }}
          }
        }
      }
    }
    """#

    /// `python3` from PATH, through env.
    static func python(_ arguments: [String]) throws -> Int32 { try run("/usr/bin/env", ["python3"] + arguments) }

    static func pythonHasJSONSchema() -> Bool { (try? python(["-c", "import jsonschema"])) == 0 }

    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(.enabled(if: pythonHasJSONSchema(), "Python jsonschema not installed"))
    func subsetSchemaValidation() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("firebreak-sarif-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let schema = directory.appendingPathComponent("schema.json")
        let log = directory.appendingPathComponent("log.sarif")
        try Self.subsetSchema.write(to: schema, atomically: true, encoding: .utf8)
        try sarif.write(to: log, atomically: true, encoding: .utf8)
        let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1])); log = json.load(open(sys.argv[2]))
        jsonschema.Draft7Validator.check_schema(schema)
        jsonschema.Draft7Validator(schema).validate(log)
        """
        #expect(try Self.python(["-c", script, schema.path, log.path]) == 0)
    }
}
