import CaseCore
import Foundation
import Store
import TestSupport
import Testing

@Suite struct StateStoreTests {
    func run(_ command: String, fingerprint: String = "f") -> RunRecord {
        RunRecord(
            command: command, asOf: "2026-11-22", criteriaID: "essex-2005", criteriaSHA256: "abc", inputs: "{}", fingerprint: fingerprint,
            baselineRunID: nil, screeningWatermark: 0, registered: 10, caseFound: 2, allocated: 1, waiting: 1, incident: 0,
            started: "2026-11-22T00:00:00Z", finished: "2026-11-22T00:00:01Z", outcome: "ok")
    }

    @Test func aRunAndItsPatientsRoundTrip() throws {
        let path = temporaryFolder() + "/state.sqlite"
        let store = try StateStore(path: path)
        let patients = [
            PatientState(
                person: "9434765919", locality: "L", priority: 1, criteria: ["frailty", "nomination"], riskTenths: 103, status: .allocated,
                caseManagerID: "CM1", waitingPosition: nil, reservedPlace: true),
            PatientState(
                person: "9990000077", locality: "L", priority: 4, criteria: ["polypharmacy"], riskTenths: 0, status: .waiting,
                caseManagerID: "",
                waitingPosition: 1, reservedPlace: false),
        ]
        let id = try store.record(run("run"), patients: patients)
        let reopened = try StateStore(path: path)
        #expect(try reopened.latestRun()?.id == id)
        #expect(try reopened.patients(ofRun: id) == patients)
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect(attrs[.posixPermissions] as? Int == 0o600)
    }

    /// Patients are bound through SQLite's C API: a failing insert (the same person twice)
    /// throws a StateError naming the constraint and rolls the whole run back.
    @Test func aFailedPatientInsertRecordsNothing() throws {
        let store = try StateStore(path: temporaryFolder() + "/state.sqlite")
        let p = PatientState(
            person: "9434765919", locality: "L", priority: 1, criteria: ["frailty"], riskTenths: 0, status: .waiting, caseManagerID: "",
            waitingPosition: 1, reservedPlace: false)
        #expect {
            try store.record(run("run"), patients: [p, p])
        } throws: { error in
            (error as? StateError)?.description.contains("UNIQUE constraint failed: run_patient.run_id, run_patient.person") == true
        }
        #expect(try store.latestRun() == nil)
        #expect(try store.runs().isEmpty)
    }

    /// A run recorded beside the writing of the files: committed with its finish time and
    /// timings, or rolled back by abandon; an insert that fails is reported before the commit.
    @Test func aPendingRecordCommitsOrRollsBack() throws {
        let store = try StateStore(path: temporaryFolder() + "/state.sqlite")
        let p = PatientState(
            person: "9434765919", locality: "L", priority: 1, criteria: ["frailty"], riskTenths: 12, status: .waiting, caseManagerID: "",
            waitingPosition: 1, reservedPlace: false)

        let abandoned = store.beginRecord(run("run"), patients: [p])
        #expect(abandoned.waitUntilInserted() == nil)
        abandoned.abandon()
        abandoned.abandon()  // a second abandon is harmless
        #expect(try store.runs().isEmpty)

        let failing = store.beginRecord(run("run"), patients: [p, p])
        #expect(failing.waitUntilInserted()?.description.contains("UNIQUE constraint failed") == true)
        #expect(throws: StateError.self) { try failing.commit(finished: "later", timings: "{}") }
        failing.abandon()
        #expect(try store.runs().isEmpty)

        let committed = store.beginRecord(run("run"), patients: [p])
        #expect(committed.waitUntilInserted() == nil)
        let id = try committed.commit(finished: "2026-11-22T00:00:09.000Z", timings: "{\"search\": 0.100}")
        committed.abandon()  // after the commit: nothing happens
        let recorded = try #require(try store.run(id: id))
        #expect(recorded.finished == "2026-11-22T00:00:09.000Z")
        #expect(recorded.timings == "{\"search\": 0.100}")
        #expect(try store.patients(ofRun: id) == [p])
        #expect(try store.runs().count == 1)
    }

    /// The history the measures read: for every run, only the patients with a screening
    /// outcome (in person order); runs without any of them are absent.
    @Test func screenedPatientsByRunHoldOnlyScreenedPatients() throws {
        let store = try StateStore(path: temporaryFolder() + "/state.sqlite")
        func patient(_ nhs: String, _ manager: String) -> PatientState {
            PatientState(
                person: nhs, locality: "L", priority: 4, criteria: ["polypharmacy"], riskTenths: 0, status: .allocated,
                caseManagerID: manager, waitingPosition: nil, reservedPlace: false)
        }
        let first = try store.record(run("run"), patients: [patient("9990000077", "CM1"), patient("9434765919", "CM1")])
        let second = try store.record(run("run"), patients: [patient("9434765919", "CM2"), patient("9990000026", "CM2")])
        let third = try store.record(run("run"), patients: [patient("9990000034", "CM3")])
        #expect(try store.screenedPatientsByRun().isEmpty)
        try store.importScreening(
            [
                ScreeningOutcome(person: "9434765919", outcome: .enrolled, date: "2026-11-24", caseManagerID: "CM1", criteriaAtOutcome: []),
                ScreeningOutcome(person: "9990000026", outcome: .declined, date: "2026-11-25", caseManagerID: "", criteriaAtOutcome: []),
            ], imported: "2026-11-26T00:00:00.000Z")
        let byRun = try store.screenedPatientsByRun()
        #expect(byRun[first] == [patient("9434765919", "CM1")])
        #expect(byRun[second] == [patient("9434765919", "CM2"), patient("9990000026", "CM2")])
        #expect(byRun[third] == nil)
        #expect(byRun.count == 2)
    }

    @Test func runsAreListedNewestFirstAndFailuresAreNotBaselines() throws {
        let store = try StateStore(path: temporaryFolder() + "/state.sqlite")
        try store.record(run("run"), patients: [])
        var failed = run("incidence")
        failed.outcome = "failed: test"
        try store.record(failed, patients: [])
        #expect(try store.runs().map(\.command) == ["incidence", "run"])
        #expect(try store.latestRun()?.command == "run")
    }

    @Test func screeningOutcomesKeepTheirOrderAndWatermark() throws {
        let store = try StateStore(path: temporaryFolder() + "/state.sqlite")
        #expect(try store.screeningWatermark() == 0)
        let ids = try store.importScreening(
            [
                ScreeningOutcome(
                    person: "1", outcome: .declined, date: "2026-11-01", caseManagerID: "CM1", criteriaAtOutcome: ["nomination"]),
                ScreeningOutcome(person: "2", outcome: .enrolled, date: "2026-11-02", caseManagerID: "CM2", criteriaAtOutcome: []),
            ], imported: "now")
        #expect(try store.screeningWatermark() == ids.last)
        let all = try store.screening()
        #expect(all.map(\.outcome) == [.declined, .enrolled])
        #expect(all.first?.criteriaAtOutcome == ["nomination"])
        #expect(try store.screening(after: try #require(ids.first)).map(\.person) == ["2"])
    }

    @Test func theLockIsExclusive() throws {
        let path = temporaryFolder() + "/state.sqlite"
        let first = try StateStore(path: path)
        try first.lock()
        let second = try StateStore(path: path)
        do {
            try second.lock()
            Issue.record("a second lock was granted")
        } catch {
            #expect(error.isLocked)
        }
    }

    /// The opt-out policy is recorded with the run; `forget` removes people from every run's
    /// list and the screening outcomes, counts those on a caseload at the latest run, and
    /// leaves no copy of their rows in the file (secure_delete).
    @Test func optOutPolicyRecordedAndOptedOutPatientsForgotten() throws {
        let path = temporaryFolder() + "/state.sqlite"
        let store = try StateStore(path: path)
        func patient(_ person: String, _ manager: String) -> PatientState {
            PatientState(
                person: person, locality: "L", priority: 1, criteria: ["frailty"], riskTenths: 0,
                status: manager.isEmpty ? .waiting : .allocated,
                caseManagerID: manager, waitingPosition: manager.isEmpty ? 1 : nil, reservedPlace: false)
        }
        var first = run("run")
        first.optOutPolicy = "type1"
        try store.record(first, patients: [patient("9434765919", "CM1"), patient("9990000077", "")])
        try store.record(
            run("incidence"), patients: [patient("9434765919", "CM1"), patient("9990000077", ""), patient("9990000085", "CM2")])
        try store.importScreening(
            [ScreeningOutcome(person: "9990000077", outcome: .declined, date: "2026-11-23", caseManagerID: "CM1", criteriaAtOutcome: [])],
            imported: "t")
        #expect(try store.runs().last?.optOutPolicy == "type1")
        let forgotten = try store.forget { $0 == "9434765919" || $0 == "9990000077" || $0 == "9999999999" }
        #expect(forgotten == StateStore.Forgotten(people: 2, onCaseload: 1))
        for r in try store.runs() { #expect(try store.patients(ofRun: r.id).map(\.person).allSatisfy { $0 == "9990000085" }) }
        #expect(try store.screening().isEmpty)
        let bytes = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        #expect(!bytes.contains("9434765919") && !bytes.contains("9990000077"))
        #expect(bytes.contains("9990000085"))
        #expect(try store.forget { $0 == "9434765919" } == StateStore.Forgotten(people: 0, onCaseload: 0))
    }
}
