import CCSV

#if canImport(Glibc)
    import Glibc
#endif

/// One CSV record as parsed: its fields (trimmed of surrounding spaces and tabs on access),
/// the 1-based physical line where it starts, and its raw bytes.
///
/// The record borrows the parser's buffers: it is valid only inside the callback it is
/// handed to. Nothing here allocates per field.
public struct CSVRecord {
    /// 1-based physical line of the record's first character (the header is line 1).
    public let line: Int
    let fieldBytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>
    /// The record's raw text, without its final line break (capped at 64 KiB).
    public let raw: UnsafeBufferPointer<UInt8>

    init(line: Int, fieldBytes: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, raw: UnsafeBufferPointer<UInt8>) {
        self.line = line
        self.fieldBytes = fieldBytes
        self.ends = ends
        self.raw = raw
    }

    /// Number of fields.
    public var count: Int { ends.count }

    /// Field `i`, trimmed of leading and trailing spaces and tabs.
    public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
        // Fields are laid out with one separator byte between them (see `ParserState`).
        var start = i == 0 ? 0 : ends[i - 1] + 1
        var end = ends[i]
        while start < end && (fieldBytes[start] == 32 || fieldBytes[start] == 9) { start += 1 }
        while end > start && (fieldBytes[end - 1] == 32 || fieldBytes[end - 1] == 9) { end -= 1 }
        return UnsafeBufferPointer(rebasing: fieldBytes[start..<end])
    }

    /// Field `i` as a Swift string (for messages and rarely read columns, not hot paths).
    public func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }

    /// The raw record as text.
    public var rawString: String { String(decoding: raw, as: UTF8.self) }
}

/// A growable byte buffer with no Swift array bookkeeping on the hot path (no uniqueness or
/// exclusivity checks): the libcsv callbacks append to it for every field.
struct ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func free() { base.deallocate() }

    @inline(__always) mutating func append(_ bytes: UnsafeRawPointer, _ n: Int) {
        if count + n > capacity { grow(count + n) }
        (base + count).update(from: bytes.assumingMemoryBound(to: UInt8.self), count: n)
        count += n
    }

    mutating func grow(_ needed: Int) {
        var c = capacity * 2
        while c < needed { c *= 2 }
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        b.update(from: base, count: count)
        base.deallocate()
        base = b
        capacity = c
    }

    /// Room for `n` bytes in all, written straight through `base` and then made the count with
    /// `setCount`.
    @inline(__always) mutating func reserve(_ n: Int) { if n > capacity { grow(n) } }

    @inline(__always) mutating func setCount(_ n: Int) { count = n }

    @inline(__always) mutating func removeAll() { count = 0 }
    @inline(__always) mutating func removeLast(_ n: Int) { count -= n }
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
}

/// What the libcsv callbacks write into: a context reached through a raw pointer, so the
/// callbacks pay no retain/release and no actor check.
///
/// Field `i` occupies `fieldBytes[ends[i-1]+1 ..< ends[i]]`: one separator byte follows each
/// field. That is the layout of the line itself when a line holds no quote, so the quote-free
/// fast path hands the line's own bytes to `CSVRecord` without copying them.
struct ParserState {
    var fieldBytes = ByteBuffer(capacity: 4096)
    var ends: UnsafeMutablePointer<Int> = .allocate(capacity: 64)
    var endCount = 0
    var endCapacity = 64
    var raw = ByteBuffer(capacity: 4096)
    var recordLine = 1
    var onRecord: (borrowing CSVRecord) -> Void

    init(onRecord: @escaping (borrowing CSVRecord) -> Void) {
        self.onRecord = onRecord
    }

    func free() {
        fieldBytes.free()
        raw.free()
        ends.deallocate()
    }

    @inline(__always) mutating func endField() { pushEnd(fieldBytes.count) }

    @inline(__always) mutating func pushEnd(_ end: Int) {
        if endCount == endCapacity {
            let e = UnsafeMutablePointer<Int>.allocate(capacity: endCapacity * 2)
            e.update(from: ends, count: endCount)
            ends.deallocate()
            ends = e
            endCapacity *= 2
        }
        ends[endCount] = end
        endCount += 1
    }
}

private func fieldCallback(_ data: UnsafeMutableRawPointer?, _ length: Int, _ context: UnsafeMutableRawPointer?) {
    let state = context!.assumingMemoryBound(to: ParserState.self)
    if length > 0, let data { state.pointee.fieldBytes.append(data, length) }
    state.pointee.endField()
    var separator: UInt8 = 0
    state.pointee.fieldBytes.append(&separator, 1)
}

private func rowCallback(_ terminator: Int32, _ context: UnsafeMutableRawPointer?) {
    let state = context!.assumingMemoryBound(to: ParserState.self)
    var rawCount = state.pointee.raw.count
    let rawBase = state.pointee.raw.base
    while rawCount > 0 && (rawBase[rawCount - 1] == 10 || rawBase[rawCount - 1] == 13) { rawCount -= 1 }
    let record = CSVRecord(
        line: state.pointee.recordLine, fieldBytes: state.pointee.fieldBytes.buffer,
        ends: UnsafeBufferPointer(start: state.pointee.ends, count: state.pointee.endCount),
        raw: UnsafeBufferPointer(start: rawBase, count: rawCount))
    // A line holding nothing but spaces is a blank line, not a record.
    if !(record.count == 1 && record[0].isEmpty) { state.pointee.onRecord(record) }
    state.pointee.fieldBytes.removeAll()
    state.pointee.endCount = 0
}

/// A streaming RFC 4180 parser over libcsv that knows physical line numbers.
///
/// Feed it chunks of any size (whole files, single bytes, empty chunks) and it hands each
/// record to `onRecord` with the physical line where the record starts. libcsv reports no
/// positions, so the input is fed one physical line at a time and the parser's state is read
/// before each line: a line fed while no record has begun starts a new record. A leading
/// UTF-8 byte-order mark is dropped; LF and CRLF line ends and blank lines are accepted.
/// Owns its libcsv handle and frees it in `deinit`; confine an instance to one task.
public final class CSVStreamParser {
    private var parser = csv_parser()
    private let state: UnsafeMutablePointer<ParserState>
    private var line = 1
    private var atLineStart = true
    private var bomPending: [UInt8] = []
    private var bomDecided = false
    private var finished = false
    private let delimiterByte: UInt8
    private let plainLines: Bool
    /// Raw bytes kept per record for rejects.csv; a longer record is cut there.
    static let rawCap = 65_536

    /// - Parameters:
    ///   - delimiter: the field separator byte (`,` unless a mapping declares another).
    ///   - onRecord: called once per record, header included, in file order.
    ///   - plainLineFastPath: split quote-free lines without libcsv (the default); tests turn it
    ///     off to check that both paths give the same records.
    public init(
        delimiter: UInt8 = UInt8(ascii: ","), plainLineFastPath: Bool = true,
        onRecord: @escaping (borrowing CSVRecord) -> Void
    ) {
        state = UnsafeMutablePointer<ParserState>.allocate(capacity: 1)
        state.initialize(to: ParserState(onRecord: onRecord))
        // Not strict: a stray quote is kept as data, and the record then fails the field-count check.
        delimiterByte = delimiter
        plainLines = plainLineFastPath
        csv_init(&parser, 0)
        csv_set_delim(&parser, delimiter)
    }

    deinit {
        csv_free(&parser)
        state.pointee.free()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// From the next chunk fed on, records go to `onRecord` instead (the records left in the
    /// chunk being read still go to the closure that was reading it). A reader that learns how
    /// to read its rows from the header hands them to a closure made for them, which holds what
    /// it calls as constants rather than looking it up on every row.
    public func handRecords(to onRecord: @escaping (borrowing CSVRecord) -> Void) {
        state.pointee.onRecord = onRecord
    }

    /// Physical lines started so far (1-based number of the current line).
    public var currentLine: Int { line }

    /// Says that the next line fed is physical line `n` (a part of a file read from its middle).
    public func setLine(_ n: Int) { line = n }

    /// Feeds the next chunk of the input.
    public func feed(_ chunk: UnsafeRawBufferPointer) {
        precondition(!finished, "feed after finish")
        guard !chunk.isEmpty else { return }
        if !bomDecided {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            var i = 0
            while i < chunk.count && bomPending.count < 3 {
                bomPending.append(chunk[i])
                i += 1
                if bomPending != Array(bom[0..<bomPending.count]) { break }
            }
            if bomPending.count == 3 && bomPending == bom {
                bomDecided = true
                bomPending = []
            } else if bomPending != Array(bom[0..<bomPending.count]) {
                bomDecided = true
                let pending = bomPending
                bomPending = []
                pending.withUnsafeBytes { feedLines($0) }
            }
            if i < chunk.count { feed(UnsafeRawBufferPointer(rebasing: chunk[i...])) }
            return
        }
        feedLines(chunk)
    }

    /// Ends the input: a last record without a final line break is delivered now.
    public func finish() {
        guard !finished else { return }
        if !bomDecided {
            bomDecided = true
            let pending = bomPending
            bomPending = []
            pending.withUnsafeBytes { feedLines($0) }
        }
        finished = true
        csv_fini(&parser, fieldCallback, rowCallback, UnsafeMutableRawPointer(state))
    }

    private func feedLines(_ chunk: UnsafeRawBufferPointer) {
        guard let base = chunk.baseAddress else { return }
        var start = 0
        let n = chunk.count
        // Loaded once a chunk and passed down: called from memory each line, the closure was
        // retained and released every time (a tenth of reading a quoted file, perf).
        let onRecord = state.pointee.onRecord
        while start < n {
            var end = start
            if let nl = memchr(base + start, 10, n - start) {
                end = base.distance(to: UnsafeRawPointer(nl)) + 1
            } else {
                end = n
            }
            let segment = UnsafeRawBufferPointer(start: base + start, count: end - start)
            if plainLines && atLineStart && parser.pstate == 0 && base.load(fromByteOffset: end - 1, as: UInt8.self) == 10 {
                if splitPlainLine(segment, onRecord) {
                    line += 1
                    start = end
                    continue
                }
                // A quoted field still open at the line's end: the record may go on over the
                // next lines of this chunk.
                if let taken = splitQuotedRecord(
                    base.assumingMemoryBound(to: UInt8.self) + start, available: n - start, firstLine: segment, onRecord)
                {
                    line += taken.lines
                    start += taken.bytes
                    continue
                }
            }
            if atLineStart && parser.pstate == 0 {  // ROW_NOT_BEGUN: a record may start here
                state.pointee.raw.removeAll()
                state.pointee.recordLine = line
            }
            let room = CSVStreamParser.rawCap - state.pointee.raw.count
            if room > 0 { state.pointee.raw.append(segment.baseAddress!, min(room, segment.count)) }
            _ = csv_parse(&parser, segment.baseAddress, segment.count, fieldCallback, rowCallback, UnsafeMutableRawPointer(state))
            atLineStart = segment[segment.count - 1] == 10
            if atLineStart { line += 1 }
            start = end
        }
    }

    /// The fast path for a whole line with no carriage return before its end: most lines of an
    /// extract, quoted or not.
    ///
    /// libcsv costs about 14 instructions a byte; a line with no quote character and no
    /// carriage return before its end is split here on the delimiter instead, straight from
    /// the input, and handed on in exactly the shape libcsv's callbacks would have built
    /// (fields untrimmed, the record's raw bytes without the line break, blank lines skipped);
    /// a line with quotes goes to `splitQuotedLine`. Returns false, having done nothing, when
    /// the line needs libcsv.
    @inline(__always)
    private func splitPlainLine(_ segment: UnsafeRawBufferPointer, _ onRecord: (borrowing CSVRecord) -> Void) -> Bool {
        let p = segment.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var length = segment.count - 1  // without the LF
        if length > 0 && p[length - 1] == 13 { length -= 1 }
        if length == 0 { return true }  // a blank line: libcsv skips it too
        let st = state
        let delimiter = delimiterByte
        st.pointee.endCount = 0
        // One pass, eight bytes a step: the delimiters' places, and whether the line holds a
        // carriage return or a quote, which send it elsewhere (two memchr calls and a byte
        // loop were most of reading a plain line).
        let raw = UnsafeRawPointer(p)
        let delimiters = 0x0101_0101_0101_0101 &* UInt64(delimiter)
        var i = 0
        var special = false
        while i &+ 8 <= length {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if Self.zeroBytes(word ^ 0x0D0D_0D0D_0D0D_0D0D) | Self.zeroBytes(word ^ 0x2222_2222_2222_2222) != 0 {
                special = true
                break
            }
            var found = Self.zeroBytes(word ^ delimiters)
            while found != 0 {
                st.pointee.pushEnd(i &+ found.trailingZeroBitCount >> 3)
                found &= found &- 1
            }
            i &+= 8
        }
        while !special && i < length {
            let b = p[i]
            if b == 13 || b == 34 {
                special = true
            } else if b == delimiter {
                st.pointee.pushEnd(i)
            }
            i &+= 1
        }
        if special {
            st.pointee.endCount = 0
            if memchr(p, 13, length) != nil { return false }
            return splitQuotedLine(p, length, onRecord)
        }
        st.pointee.pushEnd(length)
        let bytes = UnsafeBufferPointer(start: p, count: length)
        let record = CSVRecord(
            line: line, fieldBytes: bytes,
            ends: UnsafeBufferPointer(start: st.pointee.ends, count: st.pointee.endCount),
            raw: UnsafeBufferPointer(start: p, count: min(length, CSVStreamParser.rawCap)))
        if !(record.count == 1 && record[0].isEmpty) { onRecord(record) }
        st.pointee.endCount = 0
        return true
    }

    /// The top bit of each byte of `x` that is zero, and no other bit: exact, with no carry
    /// between bytes (`(b & 0x7F) + 0x7F` sets the top bit of a byte whose low bits are not
    /// all zero, and `| b` of one whose top bit is set).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x) & ~low7
    }

    /// The fast path for a record over several lines: a quoted field holding line breaks, as
    /// free text often does. Tried when a line's quotes are unbalanced (a field open at its
    /// end). The record ends at the first line feed with an even number of quotes before it;
    /// when that lies in `p[0..<available]`, the record holds no carriage return but the one
    /// before that line feed, and its raw text is within `rawCap`, it is split by
    /// `splitQuotedLine` as one line (line breaks inside quotes are data to it). Returns the
    /// bytes taken (the final line feed included) and the physical lines, or nil having
    /// handed on nothing: then libcsv reads the line, as before.
    private func splitQuotedRecord(
        _ p: UnsafePointer<UInt8>, available: Int, firstLine: UnsafeRawBufferPointer, _ onRecord: (borrowing CSVRecord) -> Void
    ) -> (bytes: Int, lines: Int)? {
        var quotes = 0
        for b in firstLine where b == 34 { quotes += 1 }
        guard quotes & 1 == 1 else { return nil }
        var lineEnd = firstLine.count - 1  // the first line's LF
        var lines = 1
        while quotes & 1 == 1 {
            let from = lineEnd + 1
            guard from < available, let nl = memchr(p + from, 10, available - from) else { return nil }
            let next = UnsafeRawPointer(p).distance(to: UnsafeRawPointer(nl))
            for k in from..<next where p[k] == 34 { quotes += 1 }
            lineEnd = next
            lines += 1
        }
        var length = lineEnd
        if length > 0 && p[length - 1] == 13 { length -= 1 }
        guard length <= CSVStreamParser.rawCap, memchr(p, 13, length) == nil, splitQuotedLine(p, length, onRecord) else { return nil }
        return (lineEnd + 1, lines)
    }

    /// Copies `p[i...]` to `out[o...]` up to the next quote, eight bytes a step (the word is
    /// stored whole, so `out` needs eight bytes of slack; a byte of `word ^ 0x22...` is zero
    /// exactly where the byte is a quote), leaving `i` at the quote and `o` past the bytes
    /// copied. False when the line has no quote after `i`. A field is a dozen bytes or so: a
    /// memchr and a memcpy a field cost more in calls than in bytes (a fifth of reading a
    /// quote-all file).
    @inline(__always)
    static func copyToQuote(
        _ p: UnsafePointer<UInt8>, _ i: inout Int, _ length: Int, _ out: UnsafeMutablePointer<UInt8>, _ o: inout Int
    ) -> Bool {
        let quotes: UInt64 = 0x2222_2222_2222_2222
        let source = UnsafeRawPointer(p)
        let target = UnsafeMutableRawPointer(out)
        while i &+ 8 <= length {
            let word = source.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            target.storeBytes(of: word, toByteOffset: o, as: UInt64.self)
            let found = zeroBytes(UInt64(littleEndian: word) ^ quotes)
            if found != 0 {
                let k = found.trailingZeroBitCount >> 3  // read little-endian: the first byte is the lowest
                i &+= k
                o &+= k
                return true
            }
            i &+= 8
            o &+= 8
        }
        while i < length {
            if p[i] == 34 { return true }
            out[o] = p[i]
            o &+= 1
            i &+= 1
        }
        return false
    }

    /// The fast path for a whole line whose quoted fields are all well formed: each field either
    /// holds no quote, or opens with one, doubles the quotes inside and closes right before a
    /// delimiter or the line's end. Such a field is unquoted here, straight from the input,
    /// into the layout libcsv's callbacks build. Anything else (a quote inside an unquoted
    /// field, a space before an opening quote or after a closing one, a field still open at the
    /// line's end) returns false having handed on nothing, and the line goes to libcsv.
    @inline(never)
    private func splitQuotedLine(_ p: UnsafePointer<UInt8>, _ length: Int, _ onRecord: (borrowing CSVRecord) -> Void) -> Bool {
        let st = state
        let delimiter = delimiterByte
        // At most every byte of the line, and one separator per field (at most length + 1),
        // and a word's slack for `copyToQuote`'s last store.
        st.pointee.fieldBytes.reserve(2 * length + 2 + 8)
        let out = st.pointee.fieldBytes.base
        var o = 0
        var i = 0
        st.pointee.endCount = 0
        while true {
            if i < length && p[i] == 34 {
                i += 1
                while true {
                    // The field's bytes up to its next quote.
                    guard Self.copyToQuote(p, &i, length, out, &o) else {
                        st.pointee.endCount = 0
                        return false
                    }
                    if i + 1 < length && p[i + 1] == 34 {
                        out[o] = 34
                        o += 1
                        i += 2
                        continue
                    }
                    i += 1
                    break
                }
                if i < length && p[i] != delimiter {
                    st.pointee.endCount = 0
                    return false
                }
            } else {
                while i < length && p[i] != delimiter {
                    if p[i] == 34 {
                        st.pointee.endCount = 0
                        return false
                    }
                    out[o] = p[i]
                    o += 1
                    i += 1
                }
            }
            st.pointee.pushEnd(o)
            out[o] = 0
            o += 1
            if i >= length { break }
            i += 1
        }
        st.pointee.fieldBytes.setCount(o)
        let record = CSVRecord(
            line: line, fieldBytes: st.pointee.fieldBytes.buffer,
            ends: UnsafeBufferPointer(start: st.pointee.ends, count: st.pointee.endCount),
            raw: UnsafeBufferPointer(start: p, count: min(length, CSVStreamParser.rawCap)))
        if !(record.count == 1 && record[0].isEmpty) { onRecord(record) }
        st.pointee.fieldBytes.removeAll()
        st.pointee.endCount = 0
        return true
    }
}
