#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// A regular file mapped read-only into memory for as long as this object lives, so that tensors can be
/// read where they lie instead of being copied (`SafeTensorsFile.init(contentsOf:borrowing:)`).
///
/// The mapping shows the file as it is on disk: a model file must be replaced by renaming a new file
/// over it (as `train` and `convert` write theirs), never rewritten in place while a process reads it.
final class MappedFile: @unchecked Sendable {
    /// The file's bytes (empty for an empty file).
    let bytes: UnsafeRawBufferPointer

    /// Maps the regular file at `path`.
    /// - Throws: `SafeTensorsError` (kind `.unreadable`) when it cannot be opened, is not a regular file
    ///   or cannot be mapped.
    init(path: String) throws {
        func unreadable(_ reason: String) -> SafeTensorsError {
            SafeTensorsError(.unreadable, "cannot read the file: \(reason)")
        }
        // A device or pipe (`--model /dev/zero`) has no size to bound what is read, and opening a FIFO
        // without a writer would wait for one: look before opening, and open without blocking.
        func refuseIrregular(_ info: stat) throws {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw unreadable((info.st_mode & S_IFMT) == S_IFDIR ? "it is a directory" : "it is not a regular file")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw unreadable(String(cString: strerror(errno))) }
        try refuseIrregular(info)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw unreadable(String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // The path may have been replaced in between: what is mapped is what was opened.
        guard fstat(descriptor, &info) == 0 else { throw unreadable(String(cString: strerror(errno))) }
        try refuseIrregular(info)
        let size = Int(info.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw unreadable(String(cString: strerror(errno)))
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
