import CPrefetch

/// Person key -> spine position, as an open-addressing hash table with a multiplicative hash.
///
/// Looked up once per input row: Swift's `Dictionary` spends most of a lookup seeding SipHash
/// (a tenth of the prescriptions ingest, measured with perf). Person keys are NHS numbers or
/// small integers, not chosen by an adversary, so Fibonacci hashing is enough.
struct PersonIndex {
    /// A key and its value side by side, so that a lookup touches one cache line, not two.
    private struct Slot {
        var key: UInt64
        var value: Int32
    }
    private var slots: [Slot]
    private var shift: UInt64
    private(set) var count = 0

    /// Never a person key (`PersonKeys.unknown`): marks an empty slot.
    static let empty = UInt64.max

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: Slot(key: PersonIndex.empty, value: 0), count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    subscript(key: UInt64) -> Int32? {
        guard key != PersonIndex.empty else { return nil }
        return slots.withUnsafeBufferPointer { b in
            let mask = b.count - 1
            var i = slot(key)
            while true {
                let k = b[i].key
                if k == key { return b[i].value }
                if k == PersonIndex.empty { return nil }
                i = (i + 1) & mask
            }
        }
    }

    /// Starts bringing the key's first slot into the cache, for a lookup soon after.
    @inline(__always) func prefetch(_ key: UInt64) {
        slots.withUnsafeBufferPointer { casefind_prefetch($0.baseAddress! + slot(key)) }
    }

    /// Adds a key with its value, unless the key is there already: then its value is returned
    /// and nothing changes. One walk along the probe sequence does both.
    mutating func insertIfAbsent(_ key: UInt64, _ value: Int32) -> Int32? {
        precondition(key != PersonIndex.empty, "not a person key")
        if (count + 1) * 2 > slots.count { grow() }
        let home = slot(key)
        let found: Int32? = slots.withUnsafeMutableBufferPointer { b in
            let mask = b.count - 1
            var i = home
            while true {
                let k = b[i].key
                if k == key { return b[i].value }
                if k == PersonIndex.empty { break }
                i = (i + 1) & mask
            }
            b[i] = Slot(key: key, value: value)
            return nil
        }
        if found == nil { count += 1 }
        return found
    }

    mutating func reserve(_ capacity: Int) {
        guard capacity * 2 > slots.count else { return }
        var bigger = PersonIndex(capacity: capacity)
        for s in slots where s.key != PersonIndex.empty { _ = bigger.insertIfAbsent(s.key, s.value) }
        self = bigger
    }

    private mutating func grow() { reserve(slots.count) }
}
