/// Builds CSV text: RFC 4180 quoting for fields holding the delimiter, quotes or line breaks,
/// LF line ends, UTF-8. Every CSV casefind writes goes through it.
///
/// Spreadsheets run a cell that begins with `=`, `+`, `-` or `@` as a formula (and a leading
/// tab or carriage return hides one), so such a text cell is written with a leading `'` (the
/// OWASP rule for CSV injection): a locality named `=HYPERLINK(...)` opens as text. A number
/// written as a number (`-1`, `-0.5`, `+3`) is left alone.
public struct CSVText {
    public private(set) var bytes: [UInt8] = []

    public init(header: [String]) {
        append(header)
    }

    /// Drops everything written so far.
    public mutating func clear() { bytes.removeAll(keepingCapacity: true) }

    public mutating func append(_ fields: [String]) {
        for i in fields.indices {
            if i > 0 { bytes.append(44) }
            // A native string's bytes in place; a bridged one (rare) is copied first.
            if fields[i].utf8.withContiguousStorageIfAvailable({ appendField($0) }) == nil {
                var copy = fields[i]
                copy.withUTF8 { appendField($0) }
            }
        }
        bytes.append(10)
    }

    /// One field: quoted when it holds a comma, quote or line break (inner quotes doubled),
    /// and led by `'` when a spreadsheet would read it as a formula. Read as bytes: iterating
    /// the string's UTF-8 view was most of the time to write cases.csv.
    private mutating func appendField(_ utf8: UnsafeBufferPointer<UInt8>) {
        let guarded = CSVText.opensAsFormula(utf8)
        if utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            bytes.append(34)
            if guarded { bytes.append(39) }
            for b in utf8 {
                if b == 34 { bytes.append(34) }
                bytes.append(b)
            }
            bytes.append(34)
        } else {
            if guarded { bytes.append(39) }
            bytes.append(contentsOf: utf8)
        }
    }

    /// Whether a spreadsheet would read the text as a formula: it begins with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return, and is not a plain decimal number.
    public static func opensAsFormula(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = utf8.first, first == 61 || first == 43 || first == 45 || first == 64 || first == 9 || first == 13
        else { return false }
        return !isNumber(utf8)
    }

    /// `[+-]digits[.digits]`.
    static func isNumber(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = utf8.startIndex
        if i != utf8.endIndex && (utf8[i] == 43 || utf8[i] == 45) { i = utf8.index(after: i) }
        var digits = 0
        var dot = false
        var afterDot = 0
        while i != utf8.endIndex {
            let b = utf8[i]
            if b >= 48 && b <= 57 {
                if dot { afterDot += 1 } else { digits += 1 }
            } else if b == 46 && !dot {
                dot = true
            } else {
                return false
            }
            i = utf8.index(after: i)
        }
        return digits > 0 && (!dot || afterDot > 0)
    }
}
