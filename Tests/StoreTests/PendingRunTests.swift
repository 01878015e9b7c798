import CaseCore
import Foundation
import Store
import TestSupport
import Testing

/// A run recorded before its files are in place (StateStore+Recording.swift): `pending` until
/// confirmed, and settled by the next run from the token in its output folder.
@Suite struct PendingRunTests {
    func run(_ asOf: String) -> RunRecord {
        RunRecord(
            command: "incidence", asOf: asOf, criteriaID: "essex-2005", criteriaSHA256: "abc", inputs: "{}", fingerprint: asOf,
            baselineRunID: nil, screeningWatermark: 0, registered: 10, caseFound: 1, allocated: 1, waiting: 0, incident: 1,
            started: "2026-11-22T00:00:00Z", finished: "", outcome: "ok")
    }

    let patient = PatientState(
        person: "9434765919", locality: "L", priority: 1, criteria: ["frailty"], riskTenths: 12, status: .allocated, caseManagerID: "CM1",
        waitingPosition: nil, reservedPlace: false)

    /// Records a run awaiting its files in `folder` with `token`; returns its id.
    func pending(_ store: StateStore, _ asOf: String, folder: String = "/out", token: String) throws -> Int64 {
        let record = store.beginRecord(run(asOf), patients: [patient])
        #expect(record.waitUntilInserted() == nil)
        return try record.commit(
            finished: "2026-11-22T00:00:09Z", timings: "{}", awaiting: StateStore.AwaitedFiles(folder: folder, token: token))
    }

    /// A pending run is in the history as `pending`, and is nobody's baseline until confirmed.
    @Test func aPendingRunIsNotTheLatestRunUntilConfirmed() throws {
        let store = try StateStore(path: temporaryFolder() + "/state.sqlite")
        let first = try store.record(run("2026-11-21"), patients: [patient])
        let id = try pending(store, "2026-11-22", token: "t")
        #expect(try store.runs().map(\.outcome) == ["pending", "ok"])
        #expect(try store.latestRun()?.id == first)
        #expect(try store.runs(includingFailed: false).map(\.id) == [first])
        try store.confirmFiles(ofRun: id)
        #expect(try store.latestRun()?.id == id)
        #expect(try store.run(id: id)?.finished == "2026-11-22T00:00:09Z")
    }

    /// Settling asks, for each pending run, whether its folder holds its token: yes confirms
    /// it, no deletes it and its patients. Runs already `ok` are never touched.
    @Test func settlingConfirmsOrDeletesByTheToken() throws {
        let store = try StateStore(path: temporaryFolder() + "/state.sqlite")
        let ok = try store.record(run("2026-11-20"), patients: [patient])
        let landed = try pending(store, "2026-11-21", folder: "/a", token: "in-a")
        let lost = try pending(store, "2026-11-22", folder: "/b", token: "not-in-b")
        var asked: [String] = []
        let settled = try store.settlePendingRuns { folder, token in
            asked.append("\(folder) \(token)")
            return folder == "/a" && token == "in-a"
        }
        #expect(asked == ["/a in-a", "/b not-in-b"])
        #expect(settled == StateStore.Settled(confirmed: [landed], discarded: [lost]))
        #expect(try store.runs().map(\.id) == [landed, ok])
        #expect(try store.runs().map(\.outcome) == ["ok", "ok"])
        #expect(try store.patients(ofRun: lost).isEmpty)
        #expect(try store.patients(ofRun: landed) == [patient])
        // Nothing is pending now: a second settling asks nothing.
        #expect(
            try store.settlePendingRuns { _, _ in
                Issue.record("asked again"); return false
            } == StateStore.Settled())
        // Discarding is for pending runs only.
        try store.discardPendingRun(ok)
        #expect(try store.run(id: ok) != nil)
    }
}
