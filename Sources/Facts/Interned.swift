/// Distinct strings, each stored once, numbered in order of first appearance.
/// Texts of the spine (practice codes, sexes) numbered in order of first appearance.
///
/// One lookup per spine row and field, so it avoids `Dictionary`'s seeded SipHash: an
/// open-addressing table on FNV-1a of the UTF-8 bytes (a few dozen distinct values, short).
struct Interned {
    private(set) var strings: [String] = []
    private var slots = [Int32](repeating: -1, count: 64)
    private var hashes: [UInt64] = []

    private static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The first slot to probe for a hash.
    private static func home(_ h: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: h ^ (h >> 29)) & mask }

    mutating func number(_ s: String) -> Int32 {
        let h = Interned.hash(s)
        var mask = slots.count - 1
        var i = Interned.home(h, mask: mask)
        while true {
            let n = slots[i]
            if n < 0 { break }
            if hashes[Int(n)] == h && strings[Int(n)] == s { return n }
            i = (i + 1) & mask
        }
        let n = Int32(strings.count)
        strings.append(s)
        hashes.append(h)
        if strings.count * 2 > slots.count {
            // Grow to keep the table at most half full, and place every text again.
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for (k, hk) in hashes.enumerated() {
                var j = Interned.home(hk, mask: mask)
                while slots[j] >= 0 { j = (j + 1) & mask }
                slots[j] = Int32(k)
            }
        } else {
            slots[i] = n
        }
        return n
    }
}
