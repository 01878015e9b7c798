import Digest
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The SHA-256 of a file, computed on another thread while the file is being parsed: hashing
/// costs about as much as parsing, and the machine has a second core. The file is read a
/// second time, from the page cache. A file under `inlineBelow` bytes is hashed on the caller's
/// thread when the hash is asked for: a thread costs more than hashing it.
public final class FileDigest: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var hex = ""
    /// A small file's path and buffer size, hashed in `wait()`.
    private var later: (path: String, bufferBytes: Int)?
    static let inlineBelow = 1 << 20

    /// Starts hashing `path` at once, reading it `bufferBytes` at a time.
    init(path: String, bufferBytes: Int = 1 << 20) {
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size < Self.inlineBelow {
            later = (path, min(bufferBytes, Self.inlineBelow))
            return
        }
        Thread.detachNewThread { [self] in compute(path, bufferBytes: bufferBytes) }
    }

    private init() {}

    /// Hashes the files one after another on a single new thread, starting at once: a run
    /// starts the big activity files while the spine is read, when the second core is idle.
    public static func sequence(_ paths: [String]) -> [FileDigest] {
        let digests = paths.map { _ in FileDigest() }
        Thread.detachNewThread {
            for (d, path) in zip(digests, paths) { d.compute(path, bufferBytes: 1 << 20) }
        }
        return digests
    }

    private func compute(_ path: String, bufferBytes: Int) {
        let hasher = SHA256Digest()
        let fd = open(path, O_RDONLY)
        if fd >= 0 {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferBytes, alignment: 16)
            while true {
                let n = read(fd, buffer.baseAddress, buffer.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            buffer.deallocate()
            close(fd)
        }
        hex = hasher.finalize()
        done.signal()
    }

    /// Waits for the hash: lowercase hex.
    public func wait() -> String {
        if let (path, bytes) = later {
            later = nil
            compute(path, bufferBytes: bytes)
        }
        done.wait()
        return hex
    }
}
