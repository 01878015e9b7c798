import CaseCore

/// The placements of one run with memory: every case-found patient's record with status, case
/// manager and waiting position filled, the incident ones, the lapsed ones, and which places are
/// reserved ones.
public struct StatefulPlacement: Sendable {
    /// In the order given.
    public var cases: [CaseRecord]
    /// Whether each case's place (when allocated) is a reserved one, index for index.
    public var reservedPlace: [Bool]
    /// incidence.csv rows with their triggers (incidence only), in cases order.
    public var incident: [(row: CaseRecord, trigger: [String])]
    /// Sorted by NHS number: first those case-found or on a caseload at the earlier run, then
    /// caseload members who came in through a screening outcome only.
    public var lapsed: [LapsedCase]
    public var allocation: Allocation
}

extension Allocator {
    /// Fits a case list to capacity with the memory of the run compared with. Pure: the same
    /// values give the same placements.
    ///
    /// `run` (prevalence): patients on a caseload who still qualify stay with their case
    /// manager; screened-out patients are not offered again until a new criterion triggers;
    /// everyone else is allocated into the ordinary room left, the rest wait in allocation order.
    ///
    /// `incidence`: patients case-found now who were not case-found at the earlier run, are not
    /// on a caseload and are not screened out (or are, but meet a new criterion) are incident:
    /// they take reserved places first, then ordinary ones, else the head of the waiting list
    /// (the earlier run's waiting patients follow, in their order). Nobody else moves.
    ///
    /// In both, patients on a caseload who no longer qualify stay on it and are reported lapsed.
    /// - Parameter candidates: the same patients as `cases`, index for index.
    public static func place(
        _ cases: consuming [CaseRecord], candidates allCandidates: [Candidate], caseManagers: [CaseManager], memory: PlacementMemory,
        reservePercent: Int, incidence: Bool
    ) -> StatefulPlacement {
        var cases = cases
        var existing: [String: Occupancy] = [:]
        var candidates: [Candidate] = []
        var candidateRows: [Int] = []
        var triggers: [Int: [String]] = [:]
        var keptWaiting: [(row: Int, position: Int)] = []
        var reservedPlace = [Bool](repeating: false, count: cases.count)
        let found = Set(cases.map(\.nhsNumber))

        // Everyone on a caseload holds their place, qualifying or not.
        for (_, place) in memory.caseload {
            var o = existing[place.caseManager] ?? Occupancy()
            if place.reserved { o.reserved += 1 } else { o.ordinary += 1 }
            existing[place.caseManager] = o
        }
        for (i, row) in cases.enumerated() {
            let person = row.nhsNumber
            if let place = memory.caseload[person] {
                cases[i].status = .allocated
                cases[i].caseManagerID = place.caseManager
                reservedPlace[i] = place.reserved
                continue
            }
            let previous = memory.previous[person]
            if let fresh = memory.newCriteria(person, row.criteria) {
                if fresh.isEmpty {
                    cases[i].status = memory.screenedOut[person]?.status
                    continue
                }
                if incidence { triggers[i] = fresh }
            } else if incidence {
                if let previous, previous.priority > 0 {
                    // Not new: keeps its status, and its place in the queue.
                    cases[i].status = previous.status
                    if let p = previous.waitingPosition, previous.status == .waiting { keptWaiting.append((i, p)) }
                    continue
                }
                triggers[i] = row.criteria.filter { !(previous?.criteria ?? []).contains($0) }
            }
            candidates.append(allCandidates[i])
            candidateRows.append(i)
        }
        let allocation = allocate(
            candidates, caseManagers: caseManagers, reservePercent: reservePercent, existing: existing,
            places: incidence ? .incident : .ordinary)
        var headCount: [String: Int] = [:]
        for (k, i) in candidateRows.enumerated() {
            let placement = allocation.placements[k]
            cases[i].status = placement.status
            switch placement {
            case .allocated(let id):
                cases[i].caseManagerID = id
                reservedPlace[i] = allocation.inReservedPlace[k]
            case .waiting(let position):
                cases[i].waitingPosition = position
                headCount[cases[i].locality] = max(headCount[cases[i].locality] ?? 0, position)
            case .noCapacity: break
            }
        }
        // Incidence: the earlier run's waiting patients follow the incident ones, in their order.
        for (i, _) in keptWaiting.sorted(by: { ($0.position, cases[$0.row].nhsNumber) < ($1.position, cases[$1.row].nhsNumber) }) {
            let locality = cases[i].locality
            headCount[locality, default: 0] += 1
            cases[i].waitingPosition = headCount[locality]
        }
        var lapsed: [LapsedCase] = []
        for (person, previous) in memory.previous.sorted(by: { $0.key < $1.key }) where !found.contains(person) {
            let cm = memory.caseload[person]?.caseManager ?? ""
            guard previous.priority > 0 || !cm.isEmpty else { continue }
            lapsed.append(
                LapsedCase(
                    nhsNumber: person, locality: previous.locality, previousPriority: previous.priority,
                    previousCriteria: previous.criteria, caseManagerID: cm))
        }
        // Caseload members who came in through a screening outcome only (never case-found).
        for (person, place) in memory.caseload.sorted(by: { $0.key < $1.key })
        where !found.contains(person) && memory.previous[person] == nil {
            lapsed.append(
                LapsedCase(nhsNumber: person, locality: "", previousPriority: 0, previousCriteria: [], caseManagerID: place.caseManager))
        }
        let incident = triggers.keys.sorted().map { (cases[$0], triggers[$0]!) }
        return StatefulPlacement(cases: cases, reservedPlace: reservedPlace, incident: incident, lapsed: lapsed, allocation: allocation)
    }
}
