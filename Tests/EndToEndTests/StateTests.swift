import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Extracts for state tests: everyone is 80, at practice F1 in locality L, with case
/// managers as given. Rows dated after an as-of date are ignored by a run at that date, so
/// one set of files serves a run at 2026-10-01 and a later one at 2026-11-01.
struct StateExtracts {
    var admissions: [String] = []
    var prescriptions: [String] = []
    var residence: [String] = []
    var nominations: [String] = []
    var caseManagers = ["CM1,Ann,L,50,Y"]
    var patients = Array(1...12)

    static let drugs = ["0212000AAAAAAAA", "0204000H0AAAAAA", "0601011L0AAAAAA", "0103050P0AAAAAA", "1001010AJAAAAAA"]

    func folder() -> String {
        extractsFolder([
            "patients.csv": "nhs_number,date_of_birth,gp_practice\n" + patients.map { "\(nhs($0)),1946-01-01,F1\n" }.joined(),
            "practices.csv": "practice_code,pct,locality\nF1,P,L\n",
            "admissions.csv": "nhs_number,spell_id,admission_date,discharge_date,diag_01\n" + admissions.map { $0 + "\n" }.joined(),
            "prescriptions.csv": "nhs_number,issue_date,bnf_code\n" + prescriptions.map { $0 + "\n" }.joined(),
            "residence.csv": "nhs_number,care_home_code,from_date,to_date\n" + residence.map { $0 + "\n" }.joined(),
            "nominations.csv": "nhs_number,nominated_on\n" + nominations.map { $0 + "\n" }.joined(),
            "case_managers.csv": "case_manager_id,name,locality,caseload_max,active\n" + caseManagers.map { $0 + "\n" }.joined(),
        ])
    }
}

@Suite(.serialized) struct IncidenceTests {
    /// P1 a second admission, P2 a care-home entry, P3 a fifth drug, all after 2026-10-01;
    /// P4 was found on 2026-10-01 (nominated) and is not new; P5 lapses (its drugs age out).
    static func extracts() -> String {
        var e = StateExtracts()
        e.admissions = ["\(nhs(1)),S1,2026-06-01,2026-06-03,I10", "\(nhs(1)),S2,2026-10-15,2026-10-18,J18.9"]
        e.residence = ["\(nhs(2)),1-111111111,2026-10-20,"]
        e.prescriptions =
            StateExtracts.drugs.prefix(4).map { "\(nhs(3)),2026-09-15,\($0)" } + ["\(nhs(3)),2026-10-20,\(StateExtracts.drugs[4])"]
        e.prescriptions += StateExtracts.drugs.map { "\(nhs(5)),2026-08-01,\($0)" }
        e.nominations = ["\(nhs(4)),2026-09-01"]
        return e.folder()
    }

    @Test func newCandidatesWithTheirTriggersGoToReservedPlaces() throws {
        let extracts = IncidenceTests.extracts()
        let out = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-10-01", out: out).status == 0)
        #expect(try Set(byNHS(out + "/cases.csv").keys) == [nhs(4), nhs(5)])
        let r = try casefind("incidence", extracts, asOf: "2026-11-01", out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let incident = try byNHS(out + "/incidence.csv")
        #expect(Set(incident.keys) == [nhs(1), nhs(2), nhs(3)])
        #expect(incident[nhs(1)]?["trigger"] == "admissions")
        #expect(incident[nhs(2)]?["trigger"] == "care_home")
        #expect(incident[nhs(3)]?["trigger"] == "polypharmacy")
        #expect(incident.values.allSatisfy { $0["status"] == "allocated" && $0["case_manager_id"] == "CM1" })
        let lapsed = try byNHS(out + "/lapsed.csv")
        #expect(Set(lapsed.keys) == [nhs(5)])
        #expect(lapsed[nhs(5)]?["on_caseload"] == "Y")
        #expect(lapsed[nhs(5)]?["previous_criteria"] == "polypharmacy")
        // The next incidence run, a day later, finds nobody new.
        #expect(try casefind("incidence", extracts, asOf: "2026-11-02", out: out).status == 0)
        #expect(try byNHS(out + "/incidence.csv").isEmpty)
    }

    /// With 50 places and a 10% reserve, CM1 has 5 reserved places: 3 incident patients use 3.
    @Test func incidentPatientsUseTheReserveBeforeOrdinaryRoom() throws {
        var e = StateExtracts()
        // 45 nominated before the first run fill the ordinary room (50 - 5 reserved) exactly.
        e.patients = Array(1...60)
        e.nominations = (10...54).map { "\(nhs($0)),2026-09-01" }  // 45: exactly the ordinary room
        e.nominations += (1...7).map { "\(nhs($0)),2026-10-15" }  // 7 new: 5 reserved places, then wait
        let extracts = e.folder()
        let out = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-10-01", out: out).status == 0)
        #expect(try byNHS(out + "/cases.csv").values.filter { $0["status"] == "allocated" }.count == 45)
        #expect(try casefind("incidence", extracts, asOf: "2026-11-01", out: out).status == 0)
        let rows = csvRecords(read(out + "/incidence.csv"))
        #expect(try column("nhs_number", of: rows) == (1...7).map { nhs($0) }.sorted())
        #expect(try column("status", of: rows) == ["allocated", "allocated", "allocated", "allocated", "allocated", "waiting", "waiting"])
        #expect(try column("waiting_position", of: rows) == ["", "", "", "", "", "1", "2"])
    }

    @Test func aDeclinedPatientIsNotOfferedAgainUntilANewCriterionTriggers() throws {
        var e = StateExtracts()
        e.nominations = ["\(nhs(1)),2026-09-01", "\(nhs(2)),2026-09-01"]
        e.residence = ["\(nhs(2)),1-222222222,2026-10-20,"]  // P2 later enters a care home
        let extracts = e.folder()
        let out = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-10-01", out: out).status == 0)
        let imported = try screening(["\(nhs(1)),declined,2026-10-05,CM1", "\(nhs(2)),unsuitable,2026-10-05,CM1"], out: out)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 2 screening outcome(s) (declined 1, unsuitable 1)"))
        let r = try casefind("run", extracts, asOf: "2026-10-10", out: out)
        #expect(r.status == 0)
        let cases = try byNHS(out + "/cases.csv")
        #expect(cases[nhs(1)]?["status"] == "declined")
        #expect(cases[nhs(1)]?["case_manager_id"] == "")
        #expect(cases[nhs(2)]?["status"] == "unsuitable")
        #expect(try casefind("incidence", extracts, asOf: "2026-11-01", out: out).status == 0)
        let incident = try byNHS(out + "/incidence.csv")
        #expect(Set(incident.keys) == [nhs(2)])
        #expect(incident[nhs(2)]?["trigger"] == "care_home")
    }

    /// Room for two (50 places, 96% reserved); three nominated: one waits. A discharge frees
    /// a place for the waiting patient at the next run; the discharged one is not offered again.
    @Test func aDischargeFreesAPlace() throws {
        var e = StateExtracts()
        e.nominations = (1...3).map { "\(nhs($0)),2026-09-01" }
        let extracts = e.folder()
        let out = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-10-01", out: out, extra: ["--reserve", "96"]).status == 0)
        var cases = try byNHS(out + "/cases.csv")
        #expect(try column("status", of: Array(cases.values)).sorted() == ["allocated", "allocated", "waiting"])
        let allocated = cases.filter { $0.value["status"] == "allocated" }.keys.sorted()
        try #require(allocated.count == 2)
        let waiting = try #require(cases.first { $0.value["status"] == "waiting" }).key
        #expect(try screening(["\(allocated[0]),discharged,2026-10-03,CM1"], out: out).status == 0)
        #expect(try casefind("run", extracts, asOf: "2026-10-04", out: out, extra: ["--reserve", "96"]).status == 0)
        cases = try byNHS(out + "/cases.csv")
        #expect(cases[waiting]?["status"] == "allocated")
        #expect(cases[allocated[1]]?["status"] == "allocated")
        #expect(cases[allocated[0]]?["status"] == "discharged")
    }

    /// A later run keeps allocated patients with their case manager and fills only the room
    /// left, even when a new, emptier case manager would otherwise take them.
    @Test func continuityOfCaseloads() throws {
        var e = StateExtracts()
        e.nominations = (1...4).map { "\(nhs($0)),2026-09-01" } + (5...6).map { "\(nhs($0)),2026-10-15" }
        let first = e.folder()
        let out = temporaryFolder()
        #expect(try casefind("run", first, asOf: "2026-10-01", out: out).status == 0)
        #expect(try byNHS(out + "/cases.csv").values.allSatisfy { $0["case_manager_id"] == "CM1" })
        e.caseManagers.append("CM0,Bob,L,50,Y")
        let second = e.folder()
        #expect(try casefind("run", second, asOf: "2026-11-01", out: out).status == 0)
        let cases = try byNHS(out + "/cases.csv")
        for n in 1...4 { #expect(cases[nhs(n)]?["case_manager_id"] == "CM1", "patient \(n) stays") }
        // The two new ones go to the least-loaded: CM0 (0/50) twice, as CM1 holds 4.
        #expect(cases[nhs(5)]?["case_manager_id"] == "CM0")
        #expect(cases[nhs(6)]?["case_manager_id"] == "CM0")
        let caseload = csvRecords(read(out + "/caseloads/L.csv"))
        #expect(caseload.count == 6)
    }

    @Test func screeningRejectsAndHistory() throws {
        let extracts = IncidenceTests.extracts()
        let out = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-10-01", out: out).status == 0)
        let r = try screening(
            [
                "\(nhs(4)),enrolled,2026-10-02,CM1", "\(nhs(4)),maybe,2026-10-02,CM1", "\(nhs(5)),enrolled,2026-10-02,",
                "123,declined,2026-10-02,CM1",
            ], out: out)
        #expect(r.status == 0)
        #expect(r.stdout.contains("imported 1 screening outcome(s) (enrolled 1); 3 rejected"))
        let rejects = try csvRecords(read(out + "/screening-rejects.csv")).map {
            "\(try #require($0["line"])) \(try #require($0["field"]))"
        }
        #expect(rejects == ["3 outcome", "4 case_manager_id", "5 nhs_number"])
        #expect(try casefind("incidence", extracts, asOf: "2026-11-01", out: out).status == 0)
        let history = try CaseFind.run(["history", "--out", out])
        #expect(history.status == 0)
        let lines = history.stdout.split(separator: "\n")
        try #require(lines.count == 3)
        #expect(lines[1].hasPrefix("2   incidence  2026-11-01"))
        #expect(lines[2].hasPrefix("1   run        2026-10-01"))
    }
}

@Suite(.serialized) struct CronSafetyTests {
    /// Same command, same inputs: byte-identical files, and a second run recorded.
    @Test(arguments: ["run", "incidence"])
    func reRunningGivesIdenticalOutput(command: String) throws {
        let extracts = IncidenceTests.extracts()
        let out = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-10-01", out: out).status == 0)
        #expect(try casefind(command, extracts, asOf: "2026-11-01", out: out).status == 0)
        let first = try snapshot(out)
        #expect(try casefind(command, extracts, asOf: "2026-11-01", out: out).status == 0)
        #expect(try snapshot(out) == first)
        let history = try CaseFind.run(["history", "--out", out]).stdout.split(separator: "\n")
        #expect(history.count == 4)
    }

    /// Wall-clock times go to --timings and the state store, never into --out.
    @Test func timingsAreKeptOutOfTheOutputFolder() throws {
        let out = temporaryFolder()
        let timings = temporaryFolder() + "/timings.json"
        #expect(try casefind("run", IncidenceTests.extracts(), asOf: "2026-10-01", out: out, extra: ["--timings", timings]).status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: timings))) as? [String: Double]
        #expect(object?["read_patients"] != nil)
        #expect(object?["total"] != nil)
        #expect(!read(out + "/summary.json").contains("timings"))
    }

    /// A second run against a held state store exits 75 at once, writing nothing.
    @Test func aHeldLockExits75() throws {
        let extracts = IncidenceTests.extracts()
        let out = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-10-01", out: out).status == 0)
        let before = try snapshot(out)
        let fd = open(out + "/casefind-state.sqlite", O_RDWR)
        #expect(fd >= 0)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let start = Date()
        let r = try casefind("incidence", extracts, asOf: "2026-11-01", out: out)
        #expect(r.status == 75)
        #expect(r.stderr.contains("another casefind run holds the state store"))
        #expect(Date().timeIntervalSince(start) < 10)
        close(fd)
        #expect(try snapshot(out) == before)
        #expect(try casefind("incidence", extracts, asOf: "2026-11-01", out: out).status == 0)
    }

    /// A run killed with SIGKILL at any moment leaves the state store as it was (or with the
    /// whole run recorded) and every file in --out whole: with the same inputs, byte-equal to
    /// a completed run's.
    @Test func aKilledRunLeavesStateAndOutputsIntact() throws {
        let extracts = try scaledSample(copies: 40)
        let out = temporaryFolder()
        #expect(try casefind("run", extracts, asOf: "2026-11-22", out: out).status == 0)
        let reference = try snapshot(out)
        var runs = try runCount(out)
        let start = Date()
        #expect(try casefind("run", extracts, asOf: "2026-11-22", out: out).status == 0)
        let duration = Date().timeIntervalSince(start)
        runs += 1
        for step in 1...8 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CaseFind.binary)
            process.arguments = [
                "run", "--extracts", extracts, "--criteria", repositoryRoot() + "/criteria/essex-2005.yaml", "--as-of", "2026-11-22",
                "--out", out,
                "--quiet",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(duration * 1_000_000 * Double(step) / 8.0))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // A run killed between recording itself as pending and confirming its files is
            // settled by the next: the complete runs never go down, and at most one (this
            // step's, or the last one's settled now) is added per step.
            let history = try CaseFind.run(["history", "--out", out]).stdout.split(separator: "\n").dropFirst()
            let now = history.count { $0.hasSuffix(" ok") }
            #expect(now >= runs && now <= runs + 2, "step \(step)")
            #expect(history.count { $0.hasSuffix(" pending") } <= 1, "step \(step)")
            runs = now
            #expect(try snapshot(out) == reference, "step \(step)")
            let hidden = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".") }
            #expect(hidden == [".casefind-run"], "step \(step)")
        }
    }
}
