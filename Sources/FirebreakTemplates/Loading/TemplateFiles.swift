import Foundation

/// Finds the template files to check.
public enum TemplateFiles {
    /// The extensions searched for in folders.
    public static let extensions: Set<String> = ["json", "yaml", "yml", "template"]

    /// A file to check, and whether it was named (on the command line) or found in a folder.
    public struct Target: Sendable, Hashable {
        public var path: String
        /// Named explicitly: a file that is not a template is an error. Found in a folder: it is skipped.
        public var named: Bool

        public init(path: String, named: Bool) {
            self.path = path
            self.named = named
        }
    }

    /// Files are kept as given; folders are searched recursively for `.json`, `.yaml`, `.yml` and
    /// `.template` files (sorted). Paths that do not exist are kept, so that loading reports them.
    public static func find(paths: [String]) -> [String] { targets(paths: paths).map(\.path) }

    /// `find(paths:)`, each path marked as named or found in a folder.
    public static func targets(paths: [String]) -> [Target] {
        var result: [Target] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                result.append(Target(path: path, named: true))
                continue
            }
            var found: [String] = []
            if let enumerator = manager.enumerator(atPath: path) {
                while let relative = enumerator.nextObject() as? String {
                    let ext = (relative as NSString).pathExtension.lowercased()
                    guard extensions.contains(ext) else { continue }
                    let full = (path as NSString).appendingPathComponent(relative)
                    var childIsDirectory: ObjCBool = false
                    if manager.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue {
                        found.append(full)
                    }
                }
            }
            result.append(contentsOf: found.sorted().map { Target(path: $0, named: false) })
        }
        return result
    }
}
