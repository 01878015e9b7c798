#if canImport(Glibc)
    import Glibc
#endif

/// A byte range of one file, read by one thread: records from `start` (the first byte of a
/// record) to `end`. `firstLine` is the physical line at `start`; `header` is the file's
/// header record (with its line break), fed to the parser first when `start` is not 0.
public struct FilePart: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var firstLine: Int
    public var header: [UInt8]
}

/// Finds where a CSV file can be cut in two so that each half is parsed on its own thread
/// with exactly the records, fields and line numbers a single pass would give.
///
/// The cut is the first line break at or after the middle that lies outside quotes. Quote
/// state is tracked from the start of the file, and only for quoting that libcsv reads the
/// same way: a quote opens a field only at the field's start (after spaces at most), and a
/// quote inside a quoted field is doubled or closes it before a delimiter or line break. On
/// anything else (a stray quote), or a file under `minimumBytes`, there is no cut and the file
/// is read in one pass. The scan reads the first half in 1 MiB chunks (memory stays flat) and
/// jumps from quote to quote with `memchr`, counting line breaks in between, so it costs a
/// small fraction of parsing (it runs beside the spine, on the second core).
public enum CSVSplit {
    /// `chunkBytes` is the read size (small values are for tests of the chunk seams).
    public static func halves(
        path: String, delimiter: UInt8 = UInt8(ascii: ","), minimumBytes: Int = 1 << 20, chunkBytes: Int = 1 << 20
    ) -> (FilePart, FilePart)? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        guard size >= minimumBytes else { return nil }
        let middle = size / 2

        enum State { case outside, inQuotes, quoteInQuotes }
        var state = State.outside
        // Whether a quote here would open a field: nothing but spaces since the field began.
        var fieldStart = true
        var line = 1
        var header: [UInt8] = []
        var headerDone = false
        var position = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, chunkBytes), alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            let bytes = UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[0..<n])
            var i = 0
            // A quote at a time: between quotes only line breaks are counted (the first one
            // outside quotes ends the header; the first one past the middle after that is the
            // cut); at a quote outside a field the bytes just before it say whether it opens
            // the field.
            while i < n {
                switch state {
                case .quoteInQuotes:
                    let b = bytes[i]
                    if b == 34 {
                        state = .inQuotes
                        i += 1
                    } else {
                        // A closing quote: the byte after it, read as outside, ends the field.
                        guard b == delimiter || b == 10 || b == 13 else { return nil }
                        state = .outside
                    }
                case .inQuotes:
                    let q = CSVSplit.next(34, in: bytes, from: i)
                    line += CSVSplit.lineBreaks(in: bytes, from: i, to: q)
                    if q < n { state = .quoteInQuotes }
                    i = min(q + 1, n)
                case .outside:
                    let q = CSVSplit.next(34, in: bytes, from: i)
                    let from = headerDone ? max(i, middle - 1 - position) : i
                    if from < q {
                        let lf = CSVSplit.next(10, in: bytes, from: from, to: q)
                        if lf < q {
                            line += CSVSplit.lineBreaks(in: bytes, from: i, to: lf + 1)
                            if !headerDone {
                                // The header began at the file's first byte: this chunk holds its end.
                                header += bytes[0...lf]
                                headerDone = true
                                fieldStart = true
                                i = lf + 1
                                continue
                            }
                            let cut = position + lf + 1
                            guard cut < size else { return nil }
                            return (
                                FilePart(start: 0, end: cut, firstLine: 1, header: header),
                                FilePart(start: cut, end: size, firstLine: line, header: header)
                            )
                        }
                    }
                    line += CSVSplit.lineBreaks(in: bytes, from: i, to: q)
                    // Field start at q: the last byte before it that is not a space or tab.
                    var j = q - 1
                    while j >= i && (bytes[j] == 32 || bytes[j] == 9) { j -= 1 }
                    if j >= i { fieldStart = bytes[j] == delimiter || bytes[j] == 10 || bytes[j] == 13 }
                    if q < n {
                        guard fieldStart else { return nil }
                        state = .inQuotes
                        fieldStart = false
                    }
                    i = min(q + 1, n)
                }
            }
            if !headerDone { header += bytes }
            position += n
        }
    }

    /// The index of the first `byte` in `bytes[from..<to]`, or `to`.
    @inline(__always)
    static func next(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int? = nil) -> Int {
        let to = to ?? bytes.count
        guard from < to, let base = bytes.baseAddress, let found = memchr(base + from, Int32(byte), to - from) else { return to }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// The number of line feeds in `bytes[from..<to]`: eight bytes at a time with the parser's
    /// zero-byte test (`CSVStreamParser.zeroBytes` of `word ^ 0x0A...`), the rest one by one.
    /// A byte at a time, the count was two thirds of finding the cut.
    @inline(__always)
    static func lineBreaks(in bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let base = bytes.baseAddress else { return 0 }
        var count = 0
        var k = from
        let raw = UnsafeRawPointer(base)
        while k &+ 8 <= to {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: k, as: UInt64.self))
            count &+= CSVStreamParser.zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A).nonzeroBitCount
            k &+= 8
        }
        while k < to {
            count &+= base[k] == 10 ? 1 : 0
            k &+= 1
        }
        return count
    }
}
