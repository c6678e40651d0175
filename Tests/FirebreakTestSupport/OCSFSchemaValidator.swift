import Foundation

/// Checks events of one OCSF class against a schema folder (`OCSFSchema`): every required attribute present (the
/// class's, through `extends` and the applied profiles, and each object's, recursively); every attribute present
/// defined for the class or object; `at_least_one` / `just_one` constraints; types (`string_t` and the types based
/// on it, `integer_t` as 32-bit, `long_t` and `timestamp_t`, `float_t`, `boolean_t`, `json_t`, objects, arrays for
/// `is_array`); enum attributes holding a value their enum lists; a sibling (`severity` of `severity_id`, ...)
/// matching its enum caption; and `type_uid` = `class_uid` × 100 + `activity_id`.
///
/// Problems come back as text naming the attribute's path (`finding_info.analytic.type_id: ...`); none is valid.
public struct OCSFSchemaValidator: Sendable {
    public let schema: OCSFSchema
    public let eventClass: OCSFDefinition
    public let profiles: Set<String>

    /// The class `className` of the schema in `folder`, with `profiles` applied.
    public init(folder: URL, className: String, profiles: Set<String>) throws {
        schema = try OCSFSchema(folder: folder)
        eventClass = try schema.eventClass(className, profiles: profiles)
        self.profiles = profiles
    }

    /// The problems of one event given as JSON text (one, saying so, when it is not JSON).
    public func problems(in text: String) -> [String] {
        do {
            return problems(in: try OCSFJSON(parsing: text))
        } catch {
            return ["not JSON: \(error)"]
        }
    }

    public func problems(in event: OCSFJSON) -> [String] {
        guard case .object(let members) = event else { return ["the event is not a JSON object"] }
        var problems: [String] = []
        check(members, eventClass, path: "", into: &problems)
        if let classUID = members["class_uid"]?.intValue, let activity = members["activity_id"]?.intValue,
           let typeUID = members["type_uid"]?.intValue, typeUID != classUID * 100 + activity {
            problems.append("type_uid: \(typeUID) is not class_uid × 100 + activity_id (\(classUID * 100 + activity))")
        }
        return problems
    }

    private func check(_ members: [String: OCSFJSON], _ definition: OCSFDefinition, path: String,
                       into problems: inout [String]) {
        func at(_ name: String) -> String { path.isEmpty ? name : path + "." + name }
        for name in definition.required where members[name] == nil || members[name] == .null {
            problems.append("\(at(name)): required by \(definition.name), missing")
        }
        for (constraint, names) in definition.constraints.sorted(by: { $0.key < $1.key }) {
            let present = names.filter { members[$0] != nil && members[$0] != .null }.count
            if constraint == "at_least_one", present == 0 {
                problems.append("\(path.isEmpty ? definition.name : path): \(definition.name) needs at least one of \(names)")
            } else if constraint == "just_one", present != 1 {
                problems.append("\(path.isEmpty ? definition.name : path): \(definition.name) needs exactly one of \(names)")
            }
        }
        for name in members.keys.sorted() {
            guard let attribute = definition.attributes[name] else {
                problems.append("\(at(name)): not an attribute of \(definition.name)"
                                + (profiles.isEmpty ? "" : " (with profiles \(profiles.sorted()))"))
                continue
            }
            checkValue(members[name]!, attribute, path: at(name), into: &problems)
            if let sibling = attribute["sibling"]?.stringValue, let id = members[name]?.intValue, id != 99,
               let caption = attribute["enum"]?[String(id)]?["caption"]?.stringValue,
               let text = members[sibling]?.stringValue, text != caption {
                problems.append("\(at(sibling)): '\(text)' is not the caption of \(name) \(id) ('\(caption)')")
            }
        }
    }

    private func checkValue(_ value: OCSFJSON, _ attribute: OCSFJSON, path: String, into problems: inout [String]) {
        guard let type = attribute["type"]?.stringValue else {
            problems.append("\(path): no type for this attribute in the dictionary")
            return
        }
        guard attribute["is_array"]?.boolValue == true else {
            checkOne(value, type: type, attribute, path: path, into: &problems)
            return
        }
        guard case .array(let elements) = value else {
            problems.append("\(path): expected an array of \(type), got \(value.text.prefix(80))")
            return
        }
        for (index, element) in elements.enumerated() {
            checkOne(element, type: type, attribute, path: "\(path)[\(index)]", into: &problems)
        }
    }

    private func checkOne(_ value: OCSFJSON, type: String, _ attribute: OCSFJSON, path: String,
                          into problems: inout [String]) {
        func wrong() { problems.append("\(path): expected \(type), got \(value.text.prefix(80))") }
        if let base = schema.baseType(type) {
            switch (base, value) {
            case ("string_t", .string(let text)):
                if let limit = schema.maxLength(type), text.utf8.count > limit {
                    problems.append("\(path): longer than \(type)'s \(limit) characters")
                }
            case ("integer_t", .int(let number)) where Int64(Int32.min)...Int64(Int32.max) ~= number: break
            case ("long_t", .int), ("float_t", .int), ("float_t", .double), ("boolean_t", .bool): break
            case ("json_t", _) where value != .null: break
            default: wrong()
            }
            if let members = attribute["enum"]?.objectValue {
                let key = value.intValue.map { String($0) } ?? value.stringValue ?? value.text
                if members[key] == nil {
                    problems.append("\(path): \(key) is not in its enum (\(members.keys.sorted { $0.count == $1.count ? $0 < $1 : $0.count < $1.count }))")
                }
            }
            return
        }
        guard case .object(let members) = value else { return wrong() }
        if type == "object" { return }   // free-form (`unmapped`)
        do {
            check(members, try schema.object(type, profiles: profiles), path: path, into: &problems)
        } catch {
            problems.append("\(path): \(error)")
        }
    }
}
