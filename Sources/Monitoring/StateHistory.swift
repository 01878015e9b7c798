import Store

/// What the measures read from the state store: the screening outcomes, and the successful
/// runs with those of their patients who have an outcome (screening timeliness dates an outcome
/// from the earliest run that found the patient; nobody else's rows are needed, so the read
/// does not grow with every run's whole list).
public struct StateHistory: Sendable {
    public var outcomes: [ScreeningOutcome]
    public var runs: [(run: RunRecord, patients: [PatientState])]

    public static func load(_ state: StateStore) throws(StateError) -> StateHistory {
        let outcomes = try state.screening()
        guard !outcomes.isEmpty else { return StateHistory(outcomes: [], runs: []) }
        let screened = try state.screenedPatientsByRun()
        let runs = try state.runs(includingFailed: false).map { r in (run: r, patients: screened[r.id] ?? []) }
        return StateHistory(outcomes: outcomes, runs: runs)
    }
}
