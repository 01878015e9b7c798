import CLinux

/// Person key -> spine position, as an open-addressing hash table with linear probing.
///
/// Looked up once per input row: Swift's `Dictionary` spends most of a lookup seeding SipHash
/// (a tenth of the prescriptions ingest, measured with perf). Person keys are NHS numbers or
/// small integers, not chosen by an adversary, so a multiplicative hash is enough.
///
/// Compact, because it is one of the few things held for every registered patient: a slot is
/// one 8-byte word, the key plus one in its top 34 bits (an NHS number is below 10^10 < 2^34;
/// an opaque key is a count of the spine) and the position in its low 30 (England has 56
/// million registered, not a billion); 0 is an empty slot. The table is sized from the
/// expected count, not to a power of two (the slot is the hash's top bits scaled to the size):
/// 70% full when the estimate is right, doubled when it passes 80%. About 11 bytes a patient,
/// where a half-full power-of-two table of 16-byte slots took 32 to 64.
///
/// Noncopyable, over memory of its own: reading it from the fact store (a class) from two
/// threads then retains nothing, where an array inside it was retained and released on every
/// lookup by both threads, a tenth of reading prescriptions (perf).
struct PersonIndex: ~Copyable {
    private var slots: UnsafeMutableBufferPointer<UInt64>
    private(set) var count = 0

    static let valueBits: UInt64 = 30
    static let valueMask: UInt64 = (1 << valueBits) - 1
    /// Keys from this one up cannot be held (and are never person keys but `PersonKeys.unknown`).
    static let keyLimit: UInt64 = (1 << (64 - valueBits)) - 1
    /// Positions from this one up cannot be held.
    static let valueLimit = Int32(valueMask)
    /// The most a table is filled before it grows.
    static let maxLoad = 0.8

    init(capacity: Int = 16) {
        let size = PersonIndex.size(for: capacity)
        slots = UnsafeMutableBufferPointer(start: HugePages.allocate(UInt64.self, count: size), count: size)
        slots.initialize(repeating: 0)
    }

    deinit { slots.deallocate() }

    /// Slots for `capacity` keys at 70% full, at least 16.
    static func size(for capacity: Int) -> Int { max(16, Int(Double(capacity) / 0.7) + 1) }

    /// The first slot to probe: the top half of a multiplicative hash, scaled to the table.
    @inline(__always) private static func home(_ key: UInt64, size: Int) -> Int {
        let hash = (key &* 0x9E37_79B9_7F4A_7C15) >> 32
        return Int(truncatingIfNeeded: (hash &* UInt64(size)) >> 32)
    }

    @inline(__always) private static func packed(_ key: UInt64, _ value: Int32) -> UInt64 {
        (key + 1) << valueBits | UInt64(UInt32(bitPattern: value))
    }

    /// Walks the key's probe sequence to the slot holding it, with its value, or to the empty
    /// slot where it would go.
    @inline(__always) private func find(_ key: UInt64) -> (slot: Int, value: Int32?) {
        let tag = key + 1
        let b = slots
        var i = PersonIndex.home(key, size: b.count)
        while true {
            let word = b[i]
            if word >> PersonIndex.valueBits == tag { return (i, Int32(truncatingIfNeeded: word & PersonIndex.valueMask)) }
            if word == 0 { return (i, nil) }
            i += 1
            if i == b.count { i = 0 }
        }
    }

    subscript(key: UInt64) -> Int32? {
        guard key < PersonIndex.keyLimit else { return nil }
        return find(key).value
    }

    /// Starts bringing the key's first slot into the cache, for a lookup soon after.
    @inline(__always) func prefetch(_ key: UInt64) {
        casefind_prefetch(slots.baseAddress! + PersonIndex.home(key, size: slots.count))
    }

    /// Adds a key with its value, unless the key is there already: then its value is returned
    /// and nothing changes. One walk along the probe sequence does both.
    mutating func insertIfAbsent(_ key: UInt64, _ value: Int32) -> Int32? {
        precondition(key < PersonIndex.keyLimit, "not a person key")
        precondition(value >= 0 && value < PersonIndex.valueLimit, "more patients than the index holds")
        if Double(count + 1) > Double(slots.count) * PersonIndex.maxLoad { reserve(count * 2) }
        let place = find(key)
        if let existing = place.value { return existing }
        slots[place.slot] = PersonIndex.packed(key, value)
        count += 1
        return nil
    }

    /// Makes room for `capacity` keys without growing.
    mutating func reserve(_ capacity: Int) {
        guard PersonIndex.size(for: capacity) > slots.count else { return }
        var bigger = PersonIndex(capacity: capacity)
        for word in slots where word != 0 {
            _ = bigger.insertIfAbsent((word >> PersonIndex.valueBits) - 1, Int32(truncatingIfNeeded: word & PersonIndex.valueMask))
        }
        self = bigger
    }
}
