/// A short administrative code (HES ADMIMETH `2B`, ADMISORC `54`, CLASSPAT `3`, DISMETH `4`),
/// upper-cased and packed into an integer: compared as text, case-insensitively.
public struct ShortCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Up to four characters, the first in the most significant byte.
    public let packed: UInt32

    public init(packed: UInt32) { self.packed = packed }

    public static func < (a: ShortCode, b: ShortCode) -> Bool { a.packed < b.packed }

    /// Reads a trimmed field; nil when empty or longer than four characters.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>) -> ShortCode? {
        guard !bytes.isEmpty, bytes.count <= 4 else { return nil }
        var p: UInt32 = 0
        for i in 0..<4 {
            var c: UInt8 = i < bytes.count ? bytes[i] : 0
            if c >= 97 && c <= 122 { c -= 32 }
            p = (p << 8) | UInt32(c)
        }
        return ShortCode(packed: p)
    }

    public init?(_ text: String) {
        var copy = text
        guard let c = copy.withUTF8({ ShortCode.read($0) }) else { return nil }
        self = c
    }

    public var description: String {
        var bytes: [UInt8] = []
        var p = packed
        while p != 0 {
            bytes.append(UInt8(p >> 24))
            p <<= 8
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
