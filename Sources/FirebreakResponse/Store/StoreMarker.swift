import Foundation

/// `<store>.created`, written next to a store file when it is created: when the store file is gone but its
/// marker is not, a store existed there and was lost, and the service refuses to start an empty one in its
/// place unless told to (`firebreak serve --init-store`).
struct StoreMarker {
    let path: String

    init(store: String) {
        path = store + ".created"
    }

    var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// What the marker says (when the store was created), for the error message.
    var contents: String {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes the marker (creation time); a failure is reported, since without it a lost store goes unnoticed.
    func write(now: Date = Date()) throws(StoreError) {
        let text = "a Firebreak store was created at \(ISO8601DateFormatter().string(from: now)); "
            + "if the store file is missing, it was lost\n"
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .cannotCreateFolder(path: path, reason: "cannot write the store's marker: \(error.localizedDescription)")
        }
    }
}
