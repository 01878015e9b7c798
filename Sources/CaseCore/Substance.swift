/// A BNF chemical substance: the first nine characters of a BNF code, packed in base 36.
public struct Substance: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let packed: UInt64

    public init(packed: UInt64) { self.packed = packed }

    /// No substance: a prescription whose dm+d id the BNF map does not know. Kept as a row (it
    /// was issued), it counts towards no drug. No nine characters pack to it (36^9 < 2^64 - 1).
    @inlinable public static var none: Substance { Substance(packed: UInt64.max) }

    public static func < (a: Substance, b: Substance) -> Bool { a.packed < b.packed }

    /// Reads a BNF presentation (15) or substance (9+) code, upper-casing it. Nil when shorter
    /// than nine characters or holding anything but A-Z and 0-9.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Substance? {
        guard bytes.count >= 9, let base = bytes.baseAddress else { return nil }
        // Read once per prescription row, so by arithmetic: a global table was lazily made,
        // and every lookup went through its once-only check (2% of reading prescriptions).
        var p: UInt64 = 0
        for i in 0..<9 {
            guard let v = digit(base[i]) else { return nil }
            p = p &* 36 &+ UInt64(v)
        }
        for i in 9..<bytes.count where digit(base[i]) == nil { return nil }
        return Substance(packed: p)
    }

    /// A byte's value as a base-36 digit (0-9, then A-Z or a-z as 10-35); nil for any other.
    @inline(__always)
    static func digit(_ b: UInt8) -> UInt8? {
        let d = b &- 48
        if d < 10 { return d }
        let letter = (b | 0x20) &- 97
        return letter < 26 ? letter &+ 10 : nil
    }

    /// The nine characters.
    public var description: String {
        var chars = [UInt8](repeating: 48, count: 9)
        var p = packed
        for i in stride(from: 8, through: 0, by: -1) {
            let v = UInt8(p % 36)
            chars[i] = v < 10 ? 48 + v : 55 + v
            p /= 36
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// The BNF chapter (the first two characters read as a number), or nil when they are not digits.
    public var chapter: Int? {
        let first = packed / 2_821_109_907_456  // 36^8
        let second = (packed / 78_364_164_096) % 36  // 36^7
        guard first < 10, second < 10 else { return nil }
        return Int(first * 10 + second)
    }
}
