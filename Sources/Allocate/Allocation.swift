import CaseCore

/// What became of a candidate.
public enum Placement: Sendable, Equatable {
    case allocated(caseManager: String)
    /// On the locality's waiting list at this position (1-based).
    case waiting(position: Int)
    /// The locality has no active case manager.
    case noCapacity

    public var status: CaseStatus {
        switch self {
        case .allocated: return .allocated
        case .waiting: return .waiting
        case .noCapacity: return .noCapacity
        }
    }
}

/// One active case manager after allocation.
public struct Caseload: Sendable, Equatable {
    public var caseManager: CaseManager
    /// Places kept for incident patients: the reserve percent of caseload_max, rounded down.
    public var reserved: Int
    /// Patients on the caseload in ordinary places (including those already there).
    public var allocated: Int
    /// Patients in reserved places (incident patients).
    public var inReserve = 0

    /// Everyone on the caseload.
    public var load: Int { allocated + inReserve }
    /// Ordinary places left.
    public var ordinaryRoom: Int { caseManager.caseloadMax - reserved - allocated }
    /// Reserved places left.
    public var reserveRoom: Int { reserved - inReserve }
}

/// Patients already on a case manager's caseload before this allocation.
public struct Occupancy: Sendable, Equatable {
    public var ordinary: Int
    public var reserved: Int
    public init(ordinary: Int = 0, reserved: Int = 0) {
        self.ordinary = ordinary
        self.reserved = reserved
    }
}

/// Which places a batch of candidates may take.
public enum PlaceKind: Sendable {
    /// The prevalence trawl: ordinary (unreserved) places only.
    case ordinary
    /// Newly qualifying patients: reserved places first, then ordinary ones.
    case incident
}

/// The result: a placement per candidate (same order as given) and the active caseloads.
public struct Allocation: Sendable {
    public var placements: [Placement]
    /// Candidate indices in allocation order (per locality, in locality order).
    public var order: [Int]
    /// Whether each candidate took a reserved place (same order as given).
    public var inReservedPlace: [Bool]
    /// Active case managers, by locality then id.
    public var caseloads: [Caseload]
}
