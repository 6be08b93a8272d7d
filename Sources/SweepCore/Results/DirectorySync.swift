// A new or renamed file is durable only once its directory entry is: fsync(2) of the file does not
// write the directory, so a crash right after creating a shard or renaming a checkpoint into place
// could otherwise lose the name (ext4 and XFS document this).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Flushes the directory that holds `path` to disk.
public func syncDirectory(of path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw ResultsError.cannotWrite(path: folder, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    // Some file systems (a few network ones) cannot sync a directory; the entry is then as safe as they make it.
    if fsync(descriptor) != 0 && errno != EINVAL && errno != EROFS {
        throw ResultsError.cannotWrite(path: folder, reason: "fsync: " + String(cString: strerror(errno)))
    }
}
