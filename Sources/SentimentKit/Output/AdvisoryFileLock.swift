import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an advisory lock could not be taken.
public enum AdvisoryFileLockError: Error, Equatable, CustomStringConvertible {
    /// Another open lock (another process, or another holder in this one) holds it.
    case held(lockPath: String)
    /// The lock file could not be created or locked.
    case failed(lockPath: String, errorNumber: Int32)

    public var description: String {
        switch self {
        case .held(let lockPath): "\(lockPath): locked by another writer"
        case .failed(let lockPath, let errorNumber):
            "\(lockPath): cannot lock: \(String(cString: strerror(errorNumber)))"
        }
    }
}

/// An exclusive advisory lock (`flock`) on a file that is about to be written, held until `unlock()` or
/// until the lock is released from memory (or the process ends). The lock is a separate file,
/// `<path>.lock`, because the file itself is replaced by a rename on every atomic write and a lock on the
/// old file would not stop a writer of the new one. The lock file is removed on unlock; a holder checks,
/// after locking, that the file it locked is still the one at the path, so a lock removed in between is
/// never mistaken for a held one.
///
/// Advisory: it stops other holders of the same lock, not other programs writing the file.
public final class AdvisoryFileLock {
    /// The lock file (`<path>.lock`).
    public let lockPath: String
    private var descriptor: Int32

    /// Takes the lock for the file at `path` without waiting.
    /// - Throws: `AdvisoryFileLockError.held` when another holder has it, `.failed` when the lock file
    ///   cannot be created (e.g. the directory is missing or not writable).
    public init(forWriting path: String) throws(AdvisoryFileLockError) {
        let lockPath = path + ".lock"
        self.lockPath = lockPath
        while true {
            let opened = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard opened >= 0 else { throw .failed(lockPath: lockPath, errorNumber: errno) }
            if flock(opened, LOCK_EX | LOCK_NB) != 0 {
                let error = errno
                close(opened)
                if error == EWOULDBLOCK { throw .held(lockPath: lockPath) }
                throw .failed(lockPath: lockPath, errorNumber: error)
            }
            // The previous holder may have removed the file between our open and flock: then the lock
            // we hold is on a file nobody else will find; start again.
            var locked = stat()
            var current = stat()
            if fstat(opened, &locked) == 0 && stat(lockPath, &current) == 0 && locked.st_dev == current.st_dev
                && locked.st_ino == current.st_ino
            {
                descriptor = opened
                return
            }
            close(opened)
        }
    }

    deinit { unlock() }

    /// Removes the lock file and releases the lock; does nothing the second time.
    public func unlock() {
        guard descriptor >= 0 else { return }
        // Removed while still held, so no one can lock the old file and believe it current.
        unlink(lockPath)
        close(descriptor)
        descriptor = -1
    }
}
