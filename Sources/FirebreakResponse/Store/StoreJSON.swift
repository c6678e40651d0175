import FirebreakLogs
import Foundation

/// The JSON text of the store's list and map columns (`options_json`, `aws_request_ids`).
enum StoreJSON {
    /// Sorted keys, compact (as JSONEncoder with `.sortedKeys` writes it; JSONDecoder reads it back).
    static func encode(_ options: [String: String]) -> String {
        var object = JSONObject()
        for key in options.keys.sorted() { object.append(key, .string(options[key] ?? "")) }
        return JSONValue.object(object).serialized()
    }

    static func encode(_ list: [String]) -> String {
        JSONValue.array(list.map(JSONValue.string)).serialized()
    }

    static func decodeOptions(_ text: String, column: String, actionID: String) throws(StoreError) -> [String: String] {
        try decodeValue(text, column: column, actionID: actionID)
    }

    static func decodeList(_ text: String, column: String, actionID: String) throws(StoreError) -> [String] {
        try decodeValue(text, column: column, actionID: actionID)
    }

    /// The elements of a JSON array column (a finding's `samples`), each as its own JSON text.
    static func decodeRawList(_ text: String, column: String, findingID: String) throws(StoreError) -> [String] {
        guard let items = (try? JSONParser().parse(text))?.arrayValue else {
            throw .corruptRow(table: "findings", id: findingID, reason: "\(column) is not a JSON array: \(text.prefix(200))")
        }
        return items.map { $0.serialized() }
    }


    private static func decodeValue<T: Decodable>(_ text: String, column: String, actionID: String) throws(StoreError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw .corruptRow(table: "actions", id: actionID, reason: "\(column) is not valid JSON: \(text)")
        }
    }
}
