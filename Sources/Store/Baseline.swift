import Allocate
import CaseCore

/// What the state store says before a run: the run it is compared with, and the placing
/// memory (who was case-found, who is on a caseload, who was screened out).
public struct Baseline: Sendable {
    /// The run compared with: the latest successful run, or, when the latest run is this same
    /// run again (same fingerprint), the run that one was compared with. So a re-run gives
    /// the same output.
    public var run: RunRecord?
    public var memory: PlacementMemory
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
        var memory = PlacementMemory()
        if let run {
            for p in try store.patients(ofRun: run.id) {
                memory.previous[p.person] = .init(
                    priority: p.priority, criteria: p.criteria, status: p.status, waitingPosition: p.waitingPosition, locality: p.locality)
                if !p.caseManagerID.isEmpty { memory.caseload[p.person] = .init(caseManager: p.caseManagerID, reserved: p.reservedPlace) }
            }
        }
        // A re-run of the latest run uses the screening outcomes that run knew; any other run
        // uses every outcome imported so far.
        let watermark = latest?.fingerprint == fingerprint ? latest!.screeningWatermark : try store.screeningWatermark()
        for o in try store.screening(through: watermark) {
            let applies = o.id > (run?.screeningWatermark ?? 0)
            if let status = CaseStatus(screenedOut: o.outcome) {
                memory.screenedOut[o.person] = .init(status: status, criteriaAtOutcome: o.criteriaAtOutcome)
                if applies { memory.caseload[o.person] = nil }
            } else {
                memory.screenedOut[o.person] = nil
                if applies {
                    let cm = o.caseManagerID.isEmpty ? memory.caseload[o.person]?.caseManager ?? "" : o.caseManagerID
                    if !cm.isEmpty {
                        memory.caseload[o.person] = .init(caseManager: cm, reserved: memory.caseload[o.person]?.reserved ?? false)
                    }
                }
            }
        }
        return Baseline(run: run, memory: memory, watermark: watermark)
    }
}
