#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An immutable, heap-allocated byte buffer shared by the events decoded from it.
///
/// Flow-log records keep a reference to the buffer their line lives in and materialize string
/// fields from byte ranges on demand, so a batch of thousands of records costs one allocation.
/// The contents are never mutated after `init`, which is what makes `@unchecked Sendable` sound.
final class ByteStorage: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    let count: Int

    /// Takes ownership of `base`, which must come from `malloc`/`realloc` (freed with `free`).
    init(takingOwnershipOf base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    /// Copies `bytes` into a new buffer.
    convenience init(copying bytes: [UInt8]) {
        let p = ByteStorage.allocate(bytes.count)
        bytes.withUnsafeBufferPointer { src in
            if let s = src.baseAddress, src.count > 0 { p.update(from: s, count: src.count) }
        }
        self.init(takingOwnershipOf: p, count: bytes.count)
    }

    deinit { free(base) }

    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// `malloc` of at least one byte; traps only if the process is out of memory (like Array).
    static func allocate(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        guard let raw = malloc(Swift.max(count, 1)) else { fatalError("out of memory allocating \(count) bytes") }
        return raw.assumingMemoryBound(to: UInt8.self)
    }

    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
    }
}
