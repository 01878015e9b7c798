#if canImport(Glibc)
    import Glibc
#endif

/// The parser's fast paths: whole lines (and records over several lines) split here, straight
/// from the input, in exactly the shape libcsv's callbacks would have built; anything irregular
/// is left to libcsv. `scripts/fuzz-csv` and `PlainLineFastPathTests` hold them to libcsv.
extension CSVStreamParser {
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
    func splitPlainLine(_ segment: UnsafeRawBufferPointer, _ onRecord: (borrowing CSVRecord) -> Void) -> Bool {
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
    func splitQuotedRecord(
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
