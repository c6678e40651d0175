import Foundation
import Yams

/// Reading the YAML/JSON inputs of a check run (check configuration, exceptions, parameter values), with
/// errors that name the file.
enum CheckInputFile {
    /// The file's text; `what` names it in the error ("the parameters file").
    static func text(path: String, what: String = "") throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            let subject = what.isEmpty ? "" : " \(what)"
            throw CheckConfigurationError(path: path, message: "cannot read\(subject): \(error.localizedDescription)")
        }
    }

    /// The parsed YAML (JSON is YAML too); nil for an empty document.
    static func yaml(_ text: String, path: String, kind: String = "YAML") throws -> Any? {
        do { return try Yams.load(yaml: text) } catch {
            throw CheckConfigurationError(path: path, message: "invalid \(kind): \(error)")
        }
    }
}
