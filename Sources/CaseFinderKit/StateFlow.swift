import Allocate
import Facts
import Report
import Store

/// What the state store says before a run: the run it is compared with, who is on a caseload,
/// and who was screened out.
public struct Baseline: Sendable {
    /// The run compared with: the latest successful run, or, when the latest run is this same
    /// run again (same fingerprint), the run that one was compared with. So a re-run gives
    /// the same output.
    public var run: RunRecord?
    /// The baseline run's patients, by person.
    public var previous: [String: PatientState]
    /// Caseloads after applying the screening outcomes imported since the baseline run:
    /// person -> (case manager, in a reserved place).
    public var caseload: [String: (caseManager: String, reserved: Bool)]
    /// People whose latest screening outcome is declined, unsuitable or discharged.
    public var screenedOut: [String: ScreeningOutcome]
    /// The highest screening outcome id applied.
    public var watermark: Int64

    /// Reads the baseline for a run with `fingerprint`.
    public static func load(from store: StateStore, fingerprint: String) throws(StateError) -> Baseline {
        let latest = try store.latestRun()
        let run: RunRecord?
        if let latest, latest.fingerprint == fingerprint {
            run = try latest.baselineRunID.flatMap { id throws(StateError) in try store.run(id: id) }
        } else {
            run = latest
        }
        var previous: [String: PatientState] = [:]
        var caseload: [String: (String, Bool)] = [:]
        if let run {
            for p in try store.patients(ofRun: run.id) {
                previous[p.person] = p
                if !p.caseManagerID.isEmpty { caseload[p.person] = (p.caseManagerID, p.reservedPlace) }
            }
        }
        // A re-run of the latest run uses the screening outcomes that run knew; any other run
        // uses every outcome imported so far.
        let watermark = latest?.fingerprint == fingerprint ? latest!.screeningWatermark : try store.screeningWatermark()
        var screenedOut: [String: ScreeningOutcome] = [:]
        for o in try store.screening(through: watermark) {
            let applies = o.id > (run?.screeningWatermark ?? 0)
            switch o.outcome {
            case .enrolled:
                screenedOut[o.person] = nil
                if applies {
                    let cm = o.caseManagerID.isEmpty ? caseload[o.person]?.0 ?? "" : o.caseManagerID
                    if !cm.isEmpty { caseload[o.person] = (cm, caseload[o.person]?.1 ?? false) }
                }
            case .declined, .unsuitable, .discharged:
                screenedOut[o.person] = o
                if applies { caseload[o.person] = nil }
            }
        }
        return Baseline(
            run: run, previous: previous, caseload: caseload.mapValues { ($0.0, $0.1) }, screenedOut: screenedOut, watermark: watermark)
    }

    /// The criteria a screened-out patient now meets that they did not meet when screened
    /// out (empty: not offered again).
    func newCriteria(_ person: String, _ criteria: [String]) -> [String]? {
        guard let o = screenedOut[person] else { return nil }
        return criteria.filter { !o.criteriaAtOutcome.contains($0) }
    }
}

/// The placements of one run with state: every case-found patient's row, the incident ones,
/// the lapsed ones and the snapshot to record.
public struct StatefulPlacement {
    public var cases: [CaseRow]
    /// incidence.csv rows with their triggers (incidence only), in cases order.
    public var incident: [(row: CaseRow, trigger: [String])]
    public var lapsed: [LapsedRow]
    public var snapshot: [PatientState]
    public var allocation: Allocation
}

extension Pipeline {
    /// Fits a search result to capacity with the state store's memory.
    ///
    /// `run` (prevalence): patients on a caseload who still qualify stay with their case
    /// manager; screened-out patients are not offered again until a new criterion triggers;
    /// everyone else is allocated into the ordinary room left, the rest wait in allocation order.
    ///
    /// `incidence`: patients case-found now who were not case-found at the baseline run, are not
    /// on a caseload and are not screened out (or are, but meet a new criterion) are incident:
    /// they take reserved places first, then ordinary ones, else the head of the waiting list
    /// (the baseline's waiting patients follow, in their order). Nobody else moves.
    ///
    /// In both, patients on a caseload who no longer qualify stay on it and are reported lapsed.
    public static func place(
        _ result: SearchResult, store: FactStore, baseline: Baseline, reservePercent: Int, incidence: Bool
    ) -> StatefulPlacement {
        let managers = store.caseManagers.map {
            CaseManager(id: $0.id, locality: $0.locality, caseloadMax: $0.caseloadMax, active: $0.active)
        }
        var cases = result.cases
        var existing: [String: Occupancy] = [:]
        var candidates: [Candidate] = []
        var candidateRows: [Int] = []
        var triggers: [Int: [String]] = [:]
        var keptWaiting: [(row: Int, position: Int)] = []
        var snapshot: [PatientState] = []
        var reservedFlag: [Int: Bool] = [:]
        let found = Set(cases.map(\.nhsNumber))

        // Everyone on a caseload holds their place, qualifying or not.
        for (person, place) in baseline.caseload {
            var o = existing[place.caseManager] ?? Occupancy()
            if place.reserved { o.reserved += 1 } else { o.ordinary += 1 }
            existing[place.caseManager] = o
        }
        for (i, row) in cases.enumerated() {
            let person = row.nhsNumber
            if let place = baseline.caseload[person] {
                cases[i].status = "allocated"
                cases[i].caseManagerID = place.caseManager
                reservedFlag[i] = place.reserved
                continue
            }
            let previous = baseline.previous[person]
            let wasFound = (previous?.priority ?? 0) > 0
            if let fresh = baseline.newCriteria(person, row.criteria) {
                if fresh.isEmpty {
                    cases[i].status = baseline.screenedOut[person]!.outcome.rawValue
                    continue
                }
                if incidence { triggers[i] = fresh }
            } else if incidence {
                if wasFound {
                    // Not new: keeps its place in the queue.
                    cases[i].status = previous!.status == "waiting" ? "waiting" : previous!.status
                    if let p = previous!.waitingPosition, previous!.status == "waiting" { keptWaiting.append((i, p)) }
                    continue
                }
                triggers[i] = row.criteria.filter { !(previous?.criteria ?? []).contains($0) }
            }
            candidates.append(result.candidates[i])
            candidateRows.append(i)
        }
        let allocation = Allocator.allocate(
            candidates, caseManagers: managers, reservePercent: reservePercent, existing: existing,
            places: incidence ? .incident : .ordinary)
        var headCount: [String: Int] = [:]
        for (k, i) in candidateRows.enumerated() {
            let placement = allocation.placements[k]
            cases[i].status = placement.status
            switch placement {
            case .allocated(let id):
                cases[i].caseManagerID = id
                reservedFlag[i] = allocation.inReservedPlace[k]
            case .waiting(let position):
                cases[i].waitingPosition = position
                headCount[cases[i].locality] = max(headCount[cases[i].locality] ?? 0, position)
            case .noCapacity: break
            }
        }
        // Incidence: the baseline's waiting patients follow the incident ones, in their order.
        for (i, _) in keptWaiting.sorted(by: { ($0.position, cases[$0.row].nhsNumber) < ($1.position, cases[$1.row].nhsNumber) }) {
            let locality = cases[i].locality
            headCount[locality, default: 0] += 1
            cases[i].waitingPosition = headCount[locality]
        }
        var lapsed: [LapsedRow] = []
        for (person, previous) in baseline.previous.sorted(by: { $0.key < $1.key }) where !found.contains(person) {
            let cm = baseline.caseload[person]?.caseManager ?? ""
            guard previous.priority > 0 || !cm.isEmpty else { continue }
            lapsed.append(
                LapsedRow(
                    nhsNumber: person, locality: previous.locality, previousPriority: previous.priority,
                    previousCriteria: previous.criteria, caseManagerID: cm))
        }
        // Caseload members who came in through a screening outcome only (never case-found).
        for (person, place) in baseline.caseload.sorted(by: { $0.key < $1.key })
        where !found.contains(person) && baseline.previous[person] == nil {
            lapsed.append(
                LapsedRow(nhsNumber: person, locality: "", previousPriority: 0, previousCriteria: [], caseManagerID: place.caseManager))
        }
        for (i, row) in cases.enumerated() {
            snapshot.append(
                PatientState(
                    person: row.nhsNumber, locality: row.locality, priority: row.priority, criteria: row.criteria,
                    riskTenths: result.candidates[i].riskTenths, status: row.status, caseManagerID: row.caseManagerID,
                    waitingPosition: row.waitingPosition, reservedPlace: reservedFlag[i] ?? false))
        }
        for l in lapsed where !l.caseManagerID.isEmpty {
            snapshot.append(
                PatientState(
                    person: l.nhsNumber, locality: l.locality, priority: 0, criteria: [], riskTenths: 0, status: "lapsed",
                    caseManagerID: l.caseManagerID, waitingPosition: nil, reservedPlace: baseline.caseload[l.nhsNumber]?.reserved ?? false))
        }
        let incident = triggers.keys.sorted().map { (cases[$0], triggers[$0]!) }
        return StatefulPlacement(cases: cases, incident: incident, lapsed: lapsed, snapshot: snapshot, allocation: allocation)
    }
}
