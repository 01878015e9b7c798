/// NHS numbers: 10 digits whose last is a Modulus 11 check digit.
public enum NHSNumber {
    /// Parses an NHS number, ignoring spaces and hyphens inside it (`943 476 5919`), and
    /// checks its Modulus 11 check digit. Returns the number as an integer, or nil.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        if bytes.count == 10 {
            // The usual spelling: ten digits.
            var value: UInt64 = 0
            var weighted = 0
            for i in 0..<9 {
                let d = bytes[i] &- 48
                guard d <= 9 else { return parseSpelled(bytes) }
                value = value &* 10 &+ UInt64(d)
                weighted &+= Int(d) &* (10 - i)
            }
            let last = bytes[9] &- 48
            guard last <= 9 else { return parseSpelled(bytes) }
            var check = 11 - weighted % 11
            if check == 11 { check = 0 }
            guard check != 10, check == Int(last) else { return nil }
            return value &* 10 &+ UInt64(last)
        }
        return parseSpelled(bytes)
    }

    /// Numbers written with spaces or hyphens (`943 476 5919`).
    static func parseSpelled(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var count = 0
        var weighted = 0
        var last = 0
        for b in bytes {
            if b == 32 || b == 45 { continue }
            let d = b &- 48
            guard d <= 9, count < 10 else { return nil }
            if count < 9 { weighted += Int(d) * (10 - count) } else { last = Int(d) }
            value = value * 10 + UInt64(d)
            count += 1
        }
        guard count == 10 else { return nil }
        var check = 11 - weighted % 11
        if check == 11 { check = 0 }
        guard check != 10, check == last else { return nil }
        return value
    }

    /// Parses from a Swift string (command-line arguments, tests).
    public static func parse(_ text: String) -> UInt64? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    /// Ten digits, zero-padded, no spaces.
    public static func format(_ value: UInt64) -> String {
        let s = String(value)
        return String(repeating: "0", count: max(0, 10 - s.count)) + s
    }
}
