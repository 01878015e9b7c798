import CCSV

#if canImport(Glibc)
    import Glibc
#endif

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
    /// The record being read has gone over the length limit: its fields are dropped as libcsv
    /// hands them over, and its end delivers a `tooLong` record.
    var skipping = false
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
    if state.pointee.skipping { return }
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
    let skipped = state.pointee.skipping
    var record = CSVRecord(
        line: state.pointee.recordLine, fieldBytes: state.pointee.fieldBytes.buffer,
        ends: UnsafeBufferPointer(start: state.pointee.ends, count: skipped ? 0 : state.pointee.endCount),
        raw: UnsafeBufferPointer(start: rawBase, count: rawCount))
    record.tooLong = skipped
    state.pointee.skipping = false
    // A line holding nothing but spaces is a blank line, not a record.
    if skipped || !(record.count == 1 && record[0].isEmpty) { state.pointee.onRecord(record) }
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
    // Read by the fast paths (CSVStreamParser+FastPaths.swift).
    let state: UnsafeMutablePointer<ParserState>
    private(set) var line = 1
    private var atLineStart = true
    private var bomPending: [UInt8] = []
    private var bomDecided = false
    private var finished = false
    let delimiterByte: UInt8
    private let plainLines: Bool
    /// Raw bytes kept per record for rejects.csv; a longer record is cut there.
    static let rawCap = 65_536
    /// The longest record read (1 MiB unless given): a longer one is handed on `tooLong`,
    /// without its fields, and what it holds is never kept, so memory does not grow with it.
    let maxRecordBytes: Int
    public static let defaultMaxRecordBytes = 1 << 20
    /// The limits a caller may set: at least the raw cap (the multi-line fast path's own
    /// limit), at most 1 GiB.
    public static let maxRecordRange = rawCap...(1 << 30)
    /// Bytes of the record being read by libcsv so far.
    private var recordBytes = 0

    /// - Parameters:
    ///   - delimiter: the field separator byte (`,` unless a mapping declares another).
    ///   - onRecord: called once per record, header included, in file order.
    ///   - plainLineFastPath: split quote-free lines without libcsv (the default); tests turn it
    ///     off to check that both paths give the same records.
    ///   - maxRecordBytes: the longest record read (`maxRecordRange`).
    public init(
        delimiter: UInt8 = UInt8(ascii: ","), plainLineFastPath: Bool = true, maxRecordBytes: Int = CSVStreamParser.defaultMaxRecordBytes,
        onRecord: @escaping (borrowing CSVRecord) -> Void
    ) {
        precondition(Self.maxRecordRange.contains(maxRecordBytes), "maxRecordBytes outside \(Self.maxRecordRange)")
        self.maxRecordBytes = maxRecordBytes
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

    /// Bytes the parser holds for the record being read (libcsv's field buffer and the fields
    /// so far): what `maxRecordBytes` bounds.
    var heldBytes: Int { parser.entry_size + state.pointee.fieldBytes.allocated + state.pointee.endCapacity * MemoryLayout<Int>.stride }

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

    /// While a record too long to keep is read, libcsv still follows its quotes and
    /// delimiters (so it ends where libcsv would end it), but the field it is building is
    /// forgotten after each line: only what the next characters' meaning depends on is kept,
    /// whether trailing spaces follow (`spaces` > 0) and the one byte a closing quote takes.
    private func forgetField() {
        guard parser.pstate == 2 || parser.pstate == 3 else { return }  // FIELD_BEGUN, FIELD_MIGHT_HAVE_ENDED
        let spaces = min(parser.spaces, 1)
        parser.spaces = spaces
        if parser.entry_pos > spaces + 1 { parser.entry_pos = spaces + 1 }
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
            if plainLines && atLineStart && parser.pstate == 0 && base.load(fromByteOffset: end - 1, as: UInt8.self) == 10
                && end - start <= maxRecordBytes
            {
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
                recordBytes = 0
            }
            let room = CSVStreamParser.rawCap - state.pointee.raw.count
            if room > 0 { state.pointee.raw.append(segment.baseAddress!, min(room, segment.count)) }
            // A record that reaches the limit is read on, but not kept (`forgetField`).
            recordBytes += segment.count
            if recordBytes > maxRecordBytes { state.pointee.skipping = true }
            _ = csv_parse(&parser, segment.baseAddress, segment.count, fieldCallback, rowCallback, UnsafeMutableRawPointer(state))
            if state.pointee.skipping { forgetField() }
            atLineStart = segment[segment.count - 1] == 10
            if atLineStart { line += 1 }
            start = end
        }
    }
}
