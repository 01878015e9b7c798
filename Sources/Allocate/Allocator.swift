import CaseCore

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
