import Foundation

#if !FIREBREAK_FUZZING
/// The corpus replayer, in a normal build: `firebreak-fuzz <target> <file-or-folder>...` runs every file
/// through the target, so an input the fuzzer found can be replayed (and debugged) without sanitizers.
///
/// A fuzzer build (`make fuzz`: `--sanitize=fuzzer`, `-DFIREBREAK_FUZZING`) leaves this type out: SwiftPM then
/// compiles the target as a library and links libFuzzer's `main`, which an `@main` here would shadow.
@main
struct Replayer {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let name = arguments.first, let run = FuzzTargets.named(name), arguments.count >= 2 else {
            let usage = """
                usage: firebreak-fuzz <target> <file-or-folder>...
                runs each input (every file of a folder, recursively) through the target and prints how many ran.
                targets: \(FuzzTargets.names.joined(separator: " "))
                (to fuzz: `make fuzz`, or FIREBREAK_FUZZ_TARGET=<target> .build-fuzz/debug/firebreak-fuzz [libFuzzer flags])

                """
            FileHandle.standardError.write(Data(usage.utf8))
            exit(arguments.first == "--help" || arguments.first == "-h" ? 0 : 2)
        }
        var ran = 0
        for path in arguments.dropFirst() {
            for file in inputFiles(path) {
                guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
                run([UInt8](data))
                ran += 1
            }
        }
        print("firebreak-fuzz: ran \(ran) input\(ran == 1 ? "" : "s") through \(name)")
    }

    /// `path` itself, or every file under the folder `path`, in name order.
    static func inputFiles(_ path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { fail("no such file or folder: \(path)") }
        guard isFolder.boolValue else { return [path] }
        let entries = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return entries.sorted().map { path + "/" + $0 }.filter { file in
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &folder) && !folder.boolValue
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("firebreak-fuzz: \(message)\n".utf8))
        exit(2)
    }
}
#endif
