/// One locality's line in scoping.csv (and in summary.json's capacity): expected against found
/// and capacity.
public struct ScopingRow: Sendable, Equatable, Codable {
    public var locality: String
    public var pct: String
    /// From localities.csv; nil when the locality is not listed there.
    public var expectedPatients: Int?
    public var found: Int
    /// Sum of caseload_max over the active case managers.
    public var capacity: Int
    public var reserved: Int
    public var allocated: Int
    public var waiting: Int
    public var noCapacity: Int
    public var activeCaseManagers: Int

    public init(
        locality: String, pct: String, expectedPatients: Int?, found: Int, capacity: Int, reserved: Int, allocated: Int, waiting: Int,
        noCapacity: Int, activeCaseManagers: Int
    ) {
        self.locality = locality
        self.pct = pct
        self.expectedPatients = expectedPatients
        self.found = found
        self.capacity = capacity
        self.reserved = reserved
        self.allocated = allocated
        self.waiting = waiting
        self.noCapacity = noCapacity
        self.activeCaseManagers = activeCaseManagers
    }

    enum CodingKeys: String, CodingKey {
        case locality, pct, expectedPatients = "expected_patients", found, capacity, reserved, allocated, waiting
        case noCapacity = "no_capacity", activeCaseManagers = "active_case_managers"
    }

    /// The framework's first tranche: 25 percent of the expected patients, rounded half up.
    public var firstTranche: Int? { expectedPatients.map { ($0 + 2) / 4 } }

    /// Extra case managers needed to clear the waiting list at the locality's mean
    /// caseload_max (the mean over all active case managers when the locality has none):
    /// waiting / mean, rounded up, computed exactly.
    /// Empty (nil) for `UNMAPPED`: those patients need their practice mapped, not a case manager.
    public func caseManagersNeeded(overallManagers: Int, overallCapacity: Int) -> Int? {
        if locality == "UNMAPPED" { return nil }
        let (n, cap) = activeCaseManagers > 0 ? (activeCaseManagers, capacity) : (overallManagers, overallCapacity)
        let waitingHere = waiting + noCapacity
        guard waitingHere > 0 else { return 0 }
        guard cap > 0 else { return nil }
        return (waitingHere * n + cap - 1) / cap
    }
}
