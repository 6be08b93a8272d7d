// An exclusive advisory lock on a file (flock(2)): held while the value lives or until released, and
// released by the kernel when the process dies, so a killed holder never leaves a stale lock.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on a lock file, created if needed.
public final class FileLock {
    public let path: String
    private var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Waits for the lock on `path`.
    public convenience init(path: String) throws {
        self.init(path: path, descriptor: try Self.lock(path, wait: true)!)
    }

    /// The lock on `path` if no other process holds it, else nil (without waiting).
    public static func attempt(path: String) throws -> FileLock? {
        try lock(path, wait: false).map { FileLock(path: path, descriptor: $0) }
    }

    /// Opens `path` and locks it; nil if it is held and `wait` is false.
    private static func lock(_ path: String, wait: Bool) throws -> Int32? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ResultsError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            let reason = errno
            if reason == EINTR { continue }
            close(descriptor)
            if reason == EWOULDBLOCK { return nil }
            throw ResultsError.cannotWrite(path: path, reason: "flock: " + String(cString: strerror(reason)))
        }
        return descriptor
    }

    /// Releases the lock (closing the file releases it).
    public func release() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    deinit { release() }
}
