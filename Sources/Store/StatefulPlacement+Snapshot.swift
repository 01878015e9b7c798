import Allocate

extension StatefulPlacement {
    /// What the state store records of this run: every case-found patient, then the lapsed
    /// patients still on a caseload.
    public func snapshot(candidates: [Candidate], memory: PlacementMemory) -> [PatientState] {
        var snapshot: [PatientState] = []
        for (i, row) in cases.enumerated() {
            snapshot.append(
                PatientState(
                    person: row.nhsNumber, locality: row.locality, priority: row.priority, criteria: row.criteria,
                    riskTenths: candidates[i].riskTenths, status: row.status ?? .noCapacity, caseManagerID: row.caseManagerID,
                    waitingPosition: row.waitingPosition, reservedPlace: reservedPlace[i]))
        }
        for l in lapsed where !l.caseManagerID.isEmpty {
            snapshot.append(
                PatientState(
                    person: l.nhsNumber, locality: l.locality, priority: 0, criteria: [], riskTenths: 0, status: .lapsed,
                    caseManagerID: l.caseManagerID, waitingPosition: nil,
                    reservedPlace: memory.caseload[l.nhsNumber]?.reserved ?? false))
        }
        return snapshot
    }
}
