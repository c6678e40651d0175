import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which file a path names (device and inode): a store whose file was deleted or replaced while the service
/// runs would otherwise keep writing to a file nobody will ever open again.
struct StoreFileIdentity: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64

    /// The identity of the file at `path`; nil when there is none.
    static func of(_ path: String) -> StoreFileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return StoreFileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
