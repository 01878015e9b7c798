/// A BNF chemical substance: the first nine characters of a BNF code, packed in base 36.
public struct Substance: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let packed: UInt64

    public init(packed: UInt64) { self.packed = packed }

    public static func < (a: Substance, b: Substance) -> Bool { a.packed < b.packed }

    /// Reads a BNF presentation (15) or substance (9+) code, upper-casing it. Nil when shorter
    /// than nine characters or holding anything but A-Z and 0-9.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Substance? {
        guard bytes.count >= 9 else { return nil }
        var p: UInt64 = 0
        for (i, b) in bytes.enumerated() {
            var c = b
            if c >= 97 && c <= 122 { c -= 32 }
            let v: UInt64
            if c >= 48 && c <= 57 { v = UInt64(c - 48) } else if c >= 65 && c <= 90 { v = UInt64(c - 55) } else { return nil }
            if i < 9 { p = p * 36 + v }
        }
        return Substance(packed: p)
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
