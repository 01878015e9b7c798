/// A normalised ICD-10 code, packed into an integer so that matching allocates nothing.
///
/// Up to eight ASCII characters are stored left-aligned and big-endian in a `UInt64`, so the
/// integer order is the text order and a prefix test is a masked compare.
public struct ICD10Code: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The packed characters: the first in the most significant byte, unused bytes zero.
    public let packed: UInt64

    public init(packed: UInt64) { self.packed = packed }

    public static func < (a: ICD10Code, b: ICD10Code) -> Bool { a.packed < b.packed }

    /// Number of characters.
    public var length: Int { packed == 0 ? 0 : 8 - packed.trailingZeroBitCount / 8 }

    public var description: String {
        var bytes: [UInt8] = []
        var p = packed
        while p != 0 {
            bytes.append(UInt8(p >> 56))
            p <<= 8
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first `n` characters.
    public func prefix(_ n: Int) -> ICD10Code {
        if n >= 8 { return self }
        if n <= 0 { return ICD10Code(packed: 0) }
        return ICD10Code(packed: packed & ~(UInt64.max >> (8 * n)))
    }

    /// Whether this code starts with `other`.
    public func hasPrefix(_ other: ICD10Code) -> Bool {
        let n = other.length
        return n <= length && prefix(n) == other
    }

    /// What reading a diagnosis field gave.
    public enum Reading: Equatable, Sendable {
        /// The field was empty (not an error).
        case empty
        /// A valid code, normalised.
        case code(ICD10Code)
        /// A non-empty field that is not an ICD-10 code.
        case invalid
    }

    /// Normalises one diagnosis field: upper case; `.` and spaces dropped; trailing
    /// non-alphanumerics (dagger, asterisk, `-`) dropped; an `X` filler in the fourth place
    /// dropped. Valid means `[A-Z][0-9][0-9A-Z]` then up to four letters or digits.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Reading {
        var out: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var sawAnything = false
        var lastAlnum = 0  // length of `out` up to and including the last alphanumeric
        return withUnsafeMutableBytes(of: &out) { buf -> Reading in
            for b in bytes {
                if b == 46 || b == 32 || b == 9 { continue }  // '.', space, tab
                sawAnything = true
                var c = b
                if c >= 97 && c <= 122 { c -= 32 }
                let alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90)
                if n >= 9 { return .invalid }
                buf[n] = c
                n += 1
                if alnum { lastAlnum = n }
            }
            if !sawAnything { return .empty }
            n = lastAlnum
            if n >= 4 && buf[3] == 88 {  // 'X' filler in the fourth place
                for i in 3..<(n - 1) { buf[i] = buf[i + 1] }
                n -= 1
            }
            guard n >= 3 && n <= 7 else { return .invalid }
            func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
            func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
            guard isUpper(buf[0]), isDigit(buf[1]), isDigit(buf[2]) || isUpper(buf[2]) else { return .invalid }
            var packed: UInt64 = 0
            for i in 0..<8 {
                let c: UInt8 = i < n ? buf[i] : 0
                if i < n && !(isDigit(c) || isUpper(c)) { return .invalid }
                packed = (packed << 8) | UInt64(c)
            }
            return .code(ICD10Code(packed: packed))
        }
    }

    /// Normalises a code written as a Swift string (criteria files, tests).
    public static func read(_ text: String) -> Reading {
        var copy = text
        return copy.withUTF8 { read($0) }
    }
}

/// A code list entry from a criteria file: a prefix (`E86`, `K59.0`) or a range over leading
/// characters (`W00-W19`: every code whose first three characters lie between W00 and W19).
public enum CodePattern: Hashable, Sendable, CustomStringConvertible {
    case prefix(ICD10Code)
    /// Both bounds have the same length n; a code matches when its first n characters lie
    /// between them inclusive (a code shorter than n never matches).
    case range(ICD10Code, ICD10Code)

    public func matches(_ code: ICD10Code) -> Bool {
        switch self {
        case .prefix(let p): return code.hasPrefix(p)
        case .range(let lo, let hi):
            let n = lo.length
            guard code.length >= n else { return false }
            let head = code.prefix(n)
            return lo <= head && head <= hi
        }
    }

    public var description: String {
        switch self {
        case .prefix(let p): return p.description
        case .range(let lo, let hi): return "\(lo)-\(hi)"
        }
    }

    /// Parses `E86`, `K59.0`, `W00-W19`; returns the reason on failure.
    public static func parse(_ text: String) -> Result<CodePattern, PatternError> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard case .code(let c) = ICD10Code.read(text) else { return .failure(.notACode(text)) }
            return .success(.prefix(c))
        case 2:
            guard case .code(let lo) = ICD10Code.read(String(parts[0])),
                case .code(let hi) = ICD10Code.read(String(parts[1]))
            else { return .failure(.notACode(text)) }
            guard lo.length == hi.length else { return .failure(.unequalBounds(text)) }
            guard lo <= hi else { return .failure(.reversed(text)) }
            return .success(.range(lo, hi))
        default:
            return .failure(.notACode(text))
        }
    }

    /// Why a code pattern was refused.
    public enum PatternError: Error, Equatable, Sendable, CustomStringConvertible {
        case notACode(String)
        case unequalBounds(String)
        case reversed(String)

        public var description: String {
            switch self {
            case .notACode(let t): return "'\(t)' is not an ICD-10 code or a range of codes like W00-W19"
            case .unequalBounds(let t): return "range '\(t)' has bounds of different lengths"
            case .reversed(let t): return "range '\(t)' runs backwards: its first bound sorts after its last"
            }
        }
    }
}
