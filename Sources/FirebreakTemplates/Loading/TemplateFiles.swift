import Foundation

/// Finds the template files to check.
public enum TemplateFiles {
    /// The extensions searched for in folders.
    public static let extensions: Set<String> = ["json", "yaml", "yml", "template"]

    /// Files are kept as given; folders are searched recursively for `.json`, `.yaml`, `.yml` and
    /// `.template` files (sorted). Paths that do not exist are kept, so that loading reports them.
    public static func find(paths: [String]) -> [String] {
        var result: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                result.append(path)
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
            result.append(contentsOf: found.sorted())
        }
        return result
    }
}
