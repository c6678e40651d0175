import Foundation

/// An OCSF schema folder laid out as ocsf/ocsf-schema is (`events/**`, `objects/`, `profiles/`, `dictionary.json`,
/// `categories.json`, `version.json`), possibly a subset: a definition is read only when a class being resolved
/// names it, and a missing one is an error naming it.
///
/// Resolution follows the schema's compiler: a definition's attributes are deep-merged over its parent's (`extends`;
/// so an enum grows, a requirement is overridden), the attributes of an applied profile's file (`$include`) come in
/// before the definition's own, attributes marked `profile: <name>` exist only with that profile applied, each
/// attribute is merged over its dictionary entry, and a class's `class_uid`, `category_uid` and `type_uid` enums are
/// generated from its uid, its category and its activities.
public struct OCSFSchema: Sendable {
    public let folder: URL
    /// `version.json`'s version.
    public let version: String
    private let events: [String: OCSFJSON]
    private let objects: [String: OCSFJSON]
    private let dictionary: [String: OCSFJSON]
    private let dataTypes: [String: OCSFJSON]
    private let categories: [String: OCSFJSON]

    public init(folder: URL) throws {
        self.folder = folder
        guard let version = try Self.read(folder.appendingPathComponent("version.json"))["version"]?.stringValue else {
            throw OCSFSchemaError("\(folder.path)/version.json has no version")
        }
        self.version = version
        events = try Self.definitions(under: folder.appendingPathComponent("events"))
        objects = try Self.definitions(under: folder.appendingPathComponent("objects"))
        let dictionary = try Self.read(folder.appendingPathComponent("dictionary.json"))
        self.dictionary = dictionary["attributes"]?.objectValue ?? [:]
        dataTypes = dictionary["types"]?["attributes"]?.objectValue ?? [:]
        categories = try Self.read(folder.appendingPathComponent("categories.json"))["attributes"]?.objectValue ?? [:]
    }

    /// The event class `name` (e.g. `detection_finding`) with `profiles` applied.
    public func eventClass(_ name: String, profiles: Set<String>) throws -> OCSFDefinition {
        let resolved = try resolve(name, in: events, kind: "event class", profiles: profiles)
        if let unknown = profiles.subtracting(resolved.profiles).sorted().first {
            throw OCSFSchemaError("\(name) does not take the \(unknown) profile (it takes \(resolved.profiles.sorted()))")
        }
        var definition = finish(name, resolved, profiles: profiles)
        guard let categoryName = resolved.category, let category = categories[categoryName],
              let categoryUID = category["uid"]?.intValue, let uid = resolved.uid else {
            throw OCSFSchemaError("\(name): no uid, or category \(resolved.category ?? "none") not in categories.json")
        }
        let classUID = categoryUID * 1000 + uid
        let categoryCaption = category["caption"]?.stringValue ?? categoryName
        func setEnum(_ attribute: String, _ members: [String: String]) {
            guard case .object(var attr)? = definition.attributes[attribute] else { return }
            attr["enum"] = .object(members.mapValues { .object(["caption": .string($0)]) })
            definition.attributes[attribute] = .object(attr)
        }
        setEnum("category_uid", [String(categoryUID): categoryCaption])
        setEnum("class_uid", [String(classUID): definition.caption])
        var types: [String: String] = [:]
        for (activity, member) in definition.attributes["activity_id"]?["enum"]?.objectValue ?? [:] {
            guard let id = Int64(activity) else { continue }
            types[String(classUID * 100 + id)] = definition.caption + ": " + (member["caption"]?.stringValue ?? activity)
        }
        setEnum("type_uid", types)
        return definition
    }

    /// The object `name` (e.g. `resource_details`) with `profiles` applied.
    public func object(_ name: String, profiles: Set<String>) throws -> OCSFDefinition {
        finish(name, try resolve(name, in: objects, kind: "object", profiles: profiles), profiles: profiles)
    }

    /// A data type's base (`timestamp_t` → `long_t`, `resource_uid_t` → `string_t`); nil for a name that is not a
    /// data type (an object).
    public func baseType(_ name: String) -> String? {
        var current = name
        for _ in 0..<8 {
            guard let type = dataTypes[current] else { return nil }
            guard let parent = type["type"]?.stringValue else { return current }
            current = parent
        }
        return nil
    }

    /// A data type's `max_len`, from itself or the types it extends.
    public func maxLength(_ name: String) -> Int64? {
        var current: String? = name
        while let type = current.flatMap({ dataTypes[$0] }) {
            if let length = type["max_len"]?.intValue { return length }
            current = type["type"]?.stringValue
        }
        return nil
    }

    private struct Resolved {
        var caption: String
        var attributes: [String: OCSFJSON] = [:]
        var constraints: [String: [String]] = [:]
        var profiles: Set<String> = []
        var category: String?
        var uid: Int64?
    }

    private func resolve(_ name: String, in table: [String: OCSFJSON], kind: String, profiles: Set<String>,
                         depth: Int = 0) throws -> Resolved {
        guard depth < 16 else { throw OCSFSchemaError("\(name): extends loops") }
        guard let definition = table[name] else {
            throw OCSFSchemaError("\(kind) \(name) is not in \(folder.path)")
        }
        var resolved: Resolved
        if let parent = definition["extends"]?.stringValue, parent != name {
            resolved = try resolve(parent, in: table, kind: kind, profiles: profiles, depth: depth + 1)
        } else {
            resolved = Resolved(caption: name)
        }
        var own = definition["attributes"]?.objectValue ?? [:]
        var included: [String: OCSFJSON] = [:]
        for path in own.removeValue(forKey: "$include")?.arrayValue?.compactMap(\.stringValue) ?? [] {
            let profile = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            guard path.hasPrefix("profiles/"), profiles.contains(profile) else { continue }
            let file = try Self.read(folder.appendingPathComponent(path))
            for (attribute, value) in file["attributes"]?.objectValue ?? [:] {
                included[attribute] = Self.merge(value, .object(["profile": .string(profile)]))
            }
        }
        for (attribute, value) in included.merging(own, uniquingKeysWith: Self.merge) {
            resolved.attributes[attribute] = resolved.attributes[attribute].map { Self.merge($0, value) } ?? value
        }
        for (constraint, names) in definition["constraints"]?.objectValue ?? [:] {
            resolved.constraints[constraint] = names.arrayValue?.compactMap(\.stringValue) ?? []
        }
        resolved.profiles.formUnion(definition["profiles"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        if let caption = definition["caption"]?.stringValue { resolved.caption = caption }
        if let category = definition["category"]?.stringValue { resolved.category = category }
        resolved.uid = definition["uid"]?.intValue   // a class's own uid, not its parent's
        return resolved
    }

    /// Drops the attributes of profiles not applied and merges each attribute over its dictionary entry.
    private func finish(_ name: String, _ resolved: Resolved, profiles: Set<String>) -> OCSFDefinition {
        var attributes: [String: OCSFJSON] = [:]
        for (name, value) in resolved.attributes {
            if let profile = value["profile"]?.stringValue, !profiles.contains(profile) { continue }
            attributes[name] = dictionary[name].map { Self.merge($0, value) } ?? value
        }
        return OCSFDefinition(name: name, caption: resolved.caption, attributes: attributes,
                              constraints: resolved.constraints)
    }

    /// `over` deep-merged onto `base`: objects member by member, anything else replaced.
    static func merge(_ base: OCSFJSON, _ over: OCSFJSON) -> OCSFJSON {
        guard case .object(var merged) = base, case .object(let top) = over else { return over }
        for (key, value) in top { merged[key] = merged[key].map { merge($0, value) } ?? value }
        return .object(merged)
    }

    private static func read(_ url: URL) throws -> OCSFJSON {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw OCSFSchemaError("\(url.path) cannot be read: \(error)")
        }
        do {
            return try OCSFJSON(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw OCSFSchemaError("\(url.path) is not JSON: \(error)")
        }
    }

    /// Every `*.json` under `folder`, by its `name`.
    private static func definitions(under folder: URL) throws -> [String: OCSFJSON] {
        var out: [String: OCSFJSON] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
            throw OCSFSchemaError("\(folder.path) cannot be listed")
        }
        for case let url as URL in walker where url.pathExtension == "json" {
            let definition = try read(url)
            guard let name = definition["name"]?.stringValue else { throw OCSFSchemaError("\(url.path) has no name") }
            out[name] = definition
        }
        return out
    }
}
