import CaseCore

/// A spell's four sets of HES codes (admission methods, patient classifications, admission
/// sources, discharge destinations), held in 32 bytes rather than four ``CodeSet``s' 96.
///
/// Nearly every spell has one code of each kind, so the first code of each kind is inline and
/// any further ones go, tagged with their kind, into one array that is empty (no allocation)
/// for most spells. The fact store keeps a spell for every admission of every patient who
/// could be case-found, which at 3 million registered is about a million spells.
struct SpellCodes: Sendable {
    enum Kind: Int {
        case admissionMethod = 0, classification, admissionSource, dischargeDestination
    }

    private var first: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    /// Bit k: kind k has its first code.
    private var present: UInt8 = 0
    /// Codes after the first of their kind, in the order seen: the kind in the top 32 bits.
    private var more: [UInt64] = []

    private func firstCode(_ kind: Kind) -> ShortCode? {
        guard present & (1 << kind.rawValue) != 0 else { return nil }
        switch kind {
        case .admissionMethod: return ShortCode(packed: first.0)
        case .classification: return ShortCode(packed: first.1)
        case .admissionSource: return ShortCode(packed: first.2)
        case .dischargeDestination: return ShortCode(packed: first.3)
        }
    }

    /// The kind's codes, in the order first seen.
    func set(_ kind: Kind) -> CodeSet {
        var set = CodeSet()
        guard let head = firstCode(kind) else { return set }
        set.insert(head)
        for tagged in more where tagged >> 32 == UInt64(kind.rawValue) {
            set.insert(ShortCode(packed: UInt32(truncatingIfNeeded: tagged)))
        }
        return set
    }

    /// Adds a code of a kind, unless the kind has it already.
    mutating func insert(_ code: ShortCode, _ kind: Kind) {
        guard let head = firstCode(kind) else {
            switch kind {
            case .admissionMethod: first.0 = code.packed
            case .classification: first.1 = code.packed
            case .admissionSource: first.2 = code.packed
            case .dischargeDestination: first.3 = code.packed
            }
            present |= 1 << kind.rawValue
            return
        }
        guard head != code else { return }
        let tagged = UInt64(kind.rawValue) << 32 | UInt64(code.packed)
        if !more.contains(tagged) { more.append(tagged) }
    }
}
