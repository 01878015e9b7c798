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
/// is read in one pass. The scan reads the first half in 1 MiB chunks (memory stays flat).
public enum CSVSplit {
    public static func halves(path: String, delimiter: UInt8 = UInt8(ascii: ","), minimumBytes: Int = 1 << 20) -> (FilePart, FilePart)? {
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
        var fieldStart = true
        var line = 1
        var header: [UInt8] = []
        var headerDone = false
        var position = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            let bytes = buffer.bindMemory(to: UInt8.self)
            for i in 0..<n {
                let b = bytes[i]
                if !headerDone { header.append(b) }
                if state == .quoteInQuotes {
                    if b == 34 {
                        state = .inQuotes
                        continue
                    }
                    guard b == delimiter || b == 10 || b == 13 else { return nil }
                    state = .outside
                    fieldStart = false
                }
                switch state {
                case .inQuotes:
                    if b == 34 { state = .quoteInQuotes } else if b == 10 { line += 1 }
                case .outside:
                    if b == 10 {
                        line += 1
                        fieldStart = true
                        if !headerDone {
                            headerDone = true
                        } else if position + i + 1 >= middle {
                            let cut = position + i + 1
                            guard cut < size else { return nil }
                            return (
                                FilePart(start: 0, end: cut, firstLine: 1, header: header),
                                FilePart(start: cut, end: size, firstLine: line, header: header)
                            )
                        }
                    } else if b == delimiter || b == 13 {
                        fieldStart = true
                    } else if b == 34 {
                        guard fieldStart else { return nil }
                        state = .inQuotes
                        fieldStart = false
                    } else if b != 32 && b != 9 {
                        fieldStart = false
                    }
                case .quoteInQuotes:
                    break
                }
            }
            position += n
        }
    }
}
