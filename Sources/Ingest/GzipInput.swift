import CZlibStream
import CaseCore

#if canImport(Glibc)
    import Glibc
#endif

/// A gzip file read as its decompressed bytes, a buffer at a time, with zlib's inflate: memory
/// does not depend on the file's size. Members one after another (what `cat a.gz b.gz` or a
/// parallel gzip gives) are read as one stream, as `gzip -d` reads them.
///
/// zlib through a system-library target over Debian's zlib1g-dev, rather than libdeflate (which
/// decompresses only whole buffers, not streams) or a package: zlib is already on every machine
/// that builds casefind (ZIPFoundation links it for the workbooks).
final class GzipInput {
    private var stream = z_stream()
    private let fd: Int32
    private let name: String
    private let input: UnsafeMutablePointer<UInt8>
    private static let inputSize = 1 << 18
    private var ended = false
    private var atFileEnd = false
    /// Compressed bytes read from the file so far.
    private(set) var compressedBytes = 0

    /// - Parameter name: the file as messages name it.
    init(fd: Int32, name: String) throws(ConfigurationError) {
        self.fd = fd
        self.name = name
        input = .allocate(capacity: Self.inputSize)
        // 15 + 16: a gzip wrapper (not zlib's, not raw deflate).
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            input.deallocate()
            throw ConfigurationError("cannot read \(name): zlib could not start")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// Fills `buffer` with the next decompressed bytes; 0 at the end of the file. A file that
    /// ends inside a member (truncated), or holds bytes that are not gzip, is an error naming
    /// the file, never a short read.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConfigurationError) -> Int {
        guard !ended, let out = buffer.baseAddress else { return 0 }
        stream.next_out = out.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = UInt32(buffer.count)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !atFileEnd {
                let n = Glibc.read(fd, input, Self.inputSize)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ConfigurationError("cannot read \(name): \(String(cString: strerror(errno)))")
                }
                if n == 0 {
                    atFileEnd = true
                } else {
                    compressedBytes += n
                    stream.next_in = input
                    stream.avail_in = UInt32(n)
                }
            }
            if stream.avail_in == 0 && atFileEnd {
                // A member is open (inflate has not seen its end): the file was cut short.
                if stream.total_in > 0 || compressedBytes == 0 {
                    throw ConfigurationError(
                        compressedBytes == 0
                            ? "\(name) is empty: a gzip file holds at least a header"
                            : "\(name) ends in the middle of its gzip data (truncated?): read \(compressedBytes) bytes")
                }
                ended = true
                break
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                // The member is whole; another may follow. Its total_in is back to 0.
                inflateReset(&stream)
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw ConfigurationError("\(name) is not a readable gzip file (\(reason)) after \(compressedBytes) bytes")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }
}
