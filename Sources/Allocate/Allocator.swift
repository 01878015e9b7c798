import CaseCore

/// A case-found patient waiting for a place, with what orders it.
public struct Candidate: Sendable, Equatable {
    /// The NHS number (or person id) as written: the last tie-break, ascending.
    public var key: String
    public var locality: String
    /// 1 is the highest priority.
    public var priority: Int
    /// Risk score in tenths (higher first).
    public var riskTenths: Int
    /// Continuous stays in the criteria window (more first).
    public var admissions: Int

    public init(key: String, locality: String, priority: Int, riskTenths: Int, admissions: Int) {
        self.key = key
        self.locality = locality
        self.priority = priority
        self.riskTenths = riskTenths
        self.admissions = admissions
    }

    /// The allocation order: priority (rank 1 first), risk score (highest first), admissions
    /// (most first), then key (ascending).
    public static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if a.riskTenths != b.riskTenths { return a.riskTenths > b.riskTenths }
        if a.admissions != b.admissions { return a.admissions > b.admissions }
        return a.key < b.key
    }
}

/// A case manager's capacity.
public struct CaseManager: Sendable, Equatable {
    public var id: String
    public var locality: String
    /// Patients the case manager can hold (50 to 80 unless configured otherwise).
    public var caseloadMax: Int
    public var active: Bool

    public init(id: String, locality: String, caseloadMax: Int, active: Bool) {
        self.id = id
        self.locality = locality
        self.caseloadMax = caseloadMax
        self.active = active
    }
}

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

/// Fits candidates to case managers, per locality. Pure and deterministic: the same
/// candidates and case managers always give the same placements, whatever their input order.
///
/// Each locality's candidates are taken in `Candidate.precedes` order; each goes to the
/// active case manager of its locality with the lowest load as a fraction of caseload_max,
/// compared exactly as integers (load_a x max_b against load_b x max_a; ties: the id that
/// sorts first), among those with unreserved room (load < caseload_max - reserve). When none
/// has room the candidate is put on the waiting list at the next position. A locality with no
/// active case manager (`UNMAPPED` included) gets `noCapacity` for all.
public enum Allocator {
    /// The reserve of one caseload: `percent` of `caseloadMax`, rounded down.
    public static func reserve(caseloadMax: Int, percent: Int) -> Int { caseloadMax * percent / 100 }

    /// - Parameters:
    ///   - existing: patients already on each case manager's caseload (by id); they count in
    ///     the load and take their places first.
    ///   - places: `.ordinary` fills unreserved places only; `.incident` takes a reserved place
    ///     when the locality has one (least-loaded case manager among those with reserve
    ///     room), else an ordinary place.
    public static func allocate(
        _ candidates: [Candidate], caseManagers: [CaseManager], reservePercent: Int, existing: [String: Occupancy] = [:],
        places: PlaceKind = .ordinary
    ) -> Allocation {
        var caseloads = caseManagers.filter(\.active)
            .sorted { ($0.locality, $0.id) < ($1.locality, $1.id) }
            .map { m in
                Caseload(
                    caseManager: m, reserved: reserve(caseloadMax: m.caseloadMax, percent: reservePercent),
                    allocated: existing[m.id]?.ordinary ?? 0, inReserve: existing[m.id]?.reserved ?? 0)
            }
        var byLocality: [String: [Int]] = [:]
        for (i, c) in caseloads.enumerated() { byLocality[c.caseManager.locality, default: []].append(i) }

        var placements = [Placement](repeating: .noCapacity, count: candidates.count)
        var inReservedPlace = [Bool](repeating: false, count: candidates.count)
        let order = candidates.indices.sorted { a, b in
            let x = candidates[a]
            let y = candidates[b]
            if x.locality != y.locality { return x.locality < y.locality }
            return Candidate.precedes(x, y)
        }
        /// The least-loaded case manager (load / caseload_max compared exactly; ties by id)
        /// among `managers` that `hasRoom`.
        func leastLoaded(_ managers: [Int], hasRoom: (Caseload) -> Bool) -> Int? {
            var best: Int? = nil
            for m in managers where hasRoom(caseloads[m]) {
                guard let b = best else {
                    best = m
                    continue
                }
                let c = caseloads[m]
                let o = caseloads[b]
                let lhs = c.load * o.caseManager.caseloadMax
                let rhs = o.load * c.caseManager.caseloadMax
                if lhs < rhs || (lhs == rhs && c.caseManager.id < o.caseManager.id) { best = m }
            }
            return best
        }
        var waiting: [String: Int] = [:]
        for i in order {
            let locality = candidates[i].locality
            guard let managers = byLocality[locality] else {
                placements[i] = .noCapacity
                continue
            }
            if places == .incident, let m = leastLoaded(managers, hasRoom: { $0.reserveRoom > 0 }) {
                caseloads[m].inReserve += 1
                inReservedPlace[i] = true
                placements[i] = .allocated(caseManager: caseloads[m].caseManager.id)
            } else if let m = leastLoaded(managers, hasRoom: { $0.ordinaryRoom > 0 }) {
                caseloads[m].allocated += 1
                placements[i] = .allocated(caseManager: caseloads[m].caseManager.id)
            } else {
                waiting[locality, default: 0] += 1
                placements[i] = .waiting(position: waiting[locality]!)
            }
        }
        return Allocation(placements: placements, order: order, inReservedPlace: inReservedPlace, caseloads: caseloads)
    }
}
