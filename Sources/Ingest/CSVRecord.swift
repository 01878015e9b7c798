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
    /// The record was longer than the parser's `maxRecordBytes`: its fields were not kept
    /// (`count` is 0), only its line and the first bytes of its raw text.
    public internal(set) var tooLong = false

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
    /// Bytes allocated.
    var allocated: Int { capacity }

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
