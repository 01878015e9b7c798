/// A BNF chemical substance: the first nine characters of a BNF code, packed in base 36.
public struct Substance: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let packed: UInt64

    public init(packed: UInt64) { self.packed = packed }

    public static func < (a: Substance, b: Substance) -> Bool { a.packed < b.packed }

    /// Reads a BNF presentation (15) or substance (9+) code, upper-casing it. Nil when shorter
    /// than nine characters or holding anything but A-Z and 0-9.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Substance? {
        guard bytes.count >= 9, let base = bytes.baseAddress else { return nil }
        // Read once per prescription row: a table lookup a byte, no branches on its class.
        var p: UInt64 = 0
        for i in 0..<9 {
            let v = digitValue[Int(base[i])]
            if v == invalid { return nil }
            p = p &* 36 &+ UInt64(v)
        }
        for i in 9..<bytes.count where digitValue[Int(base[i])] == invalid { return nil }
        return Substance(packed: p)
    }

    private static let invalid: UInt8 = 0xFF
    /// Each byte's value as a base-36 digit (0-9, A-Z and a-z), or `invalid`.
    private static let digitValue: [UInt8] = (0..<256).map { b -> UInt8 in
        switch b {
        case 48...57: return UInt8(b - 48)
        case 65...90: return UInt8(b - 55)
        case 97...122: return UInt8(b - 87)
        default: return invalid
        }
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
