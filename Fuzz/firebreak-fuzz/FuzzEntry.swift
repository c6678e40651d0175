import Foundation

/// The target this process fuzzes, named by `FIREBREAK_FUZZ_TARGET` (read once, at the first input).
let fuzzedTarget: @Sendable ([UInt8]) -> Void = {
    let name = ProcessInfo.processInfo.environment["FIREBREAK_FUZZ_TARGET"] ?? ""
    guard let run = FuzzTargets.named(name) else {
        let message = "firebreak-fuzz: set FIREBREAK_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: " "))"
            + (name.isEmpty ? "\n" : " (got '\(name)')\n")
        FileHandle.standardError.write(Data(message.utf8))
        exit(2)
    }
    return run
}()

/// libFuzzer's entry: one input, copied to an array of exactly its size (so ASan sees a read past its end).
/// Linked in every build; only a `--sanitize=fuzzer` build has libFuzzer's `main` call it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    fuzzedTarget(bytes)
    return 0
}
