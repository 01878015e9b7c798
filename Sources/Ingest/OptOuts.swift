import CaseCore

/// Who is excluded from a run under the opt-out policy, and how many.
///
/// Filled from opt_outs.csv (and the national service's cleared list) before the spine is read;
/// then the spine reader asks `screenSpine` for every spine row, which also applies the cleared
/// list; after the spine, the activity readers only ask `excludes`, so they may run concurrently.
public final class OptOutRegister: @unchecked Sendable {
    public let policy: OptOutPolicy
    /// Person key -> the types recorded for it (bits of `OptOutType.bit`; 4 for an unreadable type).
    private var listedTypes: [UInt64: UInt8] = [:]
    /// Everyone excluded: the listed people whose types the policy names, then spine patients
    /// missing from the cleared list.
    private var excluded = PersonSet()
    /// NHS numbers the national service cleared for processing (nil when no list was given).
    private var cleared: PersonSet?
    private var spineSeen = PersonSet()
    /// Spine patients excluded, in all and per type.
    public private(set) var excludedOnSpine = 0
    public private(set) var excludedOnSpineByType: [OptOutType: Int] = [:]

    public init(policy: OptOutPolicy) { self.policy = policy }

    /// An opt-out of an unreadable type: honoured under every policy but `none` (fail safe).
    static let unreadableType: UInt8 = 4

    /// Records an opt-out row (`type` nil when unreadable).
    public func add(_ person: UInt64, type: OptOutType?) {
        let bit = type?.bit ?? OptOutRegister.unreadableType
        listedTypes[person, default: 0] |= bit
        if applies(listedTypes[person]!) { excluded.insert(person) }
    }

    /// Reads the cleared list: only these NHS numbers may be processed as far as the national
    /// data opt-out goes.
    public func setCleared(_ people: [UInt64]) {
        var set = PersonSet(capacity: people.count)
        for p in people { set.insert(p) }
        cleared = set
    }

    public var hasClearedList: Bool { cleared != nil }

    private func applies(_ bits: UInt8) -> Bool {
        guard policy.excludesAny else { return false }
        if bits & OptOutRegister.unreadableType != 0 { return true }
        return policy.types.contains { bits & $0.bit != 0 }
    }

    /// Whether nobody can be excluded, so readers need not look.
    public var isEmpty: Bool { excluded.isEmpty && !(cleared != nil && policy.types.contains(.ndoo)) }

    /// Whether rows of this person are dropped.
    @inline(__always) public func excludes(_ person: UInt64) -> Bool { !excluded.isEmpty && excluded.contains(person) }

    /// For a spine row: whether the patient is excluded (listed under the policy, or missing from
    /// the cleared list); counts each excluded patient once.
    public func screenSpine(_ person: UInt64) -> Bool {
        var types: [OptOutType] = []
        if excluded.contains(person) {
            let bits = listedTypes[person] ?? 0
            types = policy.types.filter { bits & $0.bit != 0 }.sorted()
            if cleared != nil && policy.types.contains(.ndoo) && !cleared!.contains(person) && !types.contains(.ndoo) {
                types.append(.ndoo)
            }
        } else if let cleared, policy.types.contains(.ndoo), !cleared.contains(person) {
            excluded.insert(person)
            types = [.ndoo]
        } else {
            return false
        }
        if !spineSeen.contains(person) {
            spineSeen.insert(person)
            excludedOnSpine += 1
            for t in types { excludedOnSpineByType[t, default: 0] += 1 }
        }
        return true
    }

    /// The types recorded for a person in opt_outs.csv (for `explain`), sorted.
    public func listedTypes(of person: UInt64) -> [String] {
        guard let bits = listedTypes[person] else { return [] }
        var out = OptOutType.allCases.filter { bits & $0.bit != 0 }.map(\.rawValue)
        if bits & OptOutRegister.unreadableType != 0 { out.append("unreadable type") }
        return out
    }
}

/// A set of person keys: open addressing with a multiplicative hash, like the fact store's
/// person index, because it is asked once per input row.
struct PersonSet {
    private var slots: [UInt64]
    private var shift: UInt64
    private(set) var count = 0
    private static let empty = UInt64.max

    init(capacity: Int = 8) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: PersonSet.empty, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always) private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    func contains(_ key: UInt64) -> Bool {
        guard key != PersonSet.empty else { return false }
        return slots.withUnsafeBufferPointer { b in
            let mask = b.count - 1
            var i = slot(key)
            while true {
                let k = b[i]
                if k == key { return true }
                if k == PersonSet.empty { return false }
                i = (i + 1) & mask
            }
        }
    }

    mutating func insert(_ key: UInt64) {
        guard key != PersonSet.empty, !contains(key) else { return }
        if (count + 1) * 2 > slots.count {
            var bigger = PersonSet(capacity: slots.count)
            for k in slots where k != PersonSet.empty { bigger.insert(k) }
            self = bigger
        }
        let mask = slots.count - 1
        var i = slot(key)
        while slots[i] != PersonSet.empty { i = (i + 1) & mask }
        slots[i] = key
        count += 1
    }
}
