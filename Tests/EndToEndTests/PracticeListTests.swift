import CaseCore
import Foundation
import TestSupport
import Testing

@testable import Report

/// practices/: each practice's list, import file, Accurx batches and review workbook.
@Suite struct PracticeListTests {
    static func row(_ n: Int, practice: String, born: String = "1940-02-03") -> CaseRecord {
        var r = CaseRecord(
            nhsNumber: nhs(n), practice: practice, pct: "P", locality: "L", age: 86, priority: 1, criteria: ["frailty", "admissions"],
            frailtyCodes: ["E860"], admissions: 2, distinctDrugs: 0, careHome: false, nominated: false)
        r.riskScore = "7.5"
        r.riskBand = "intermediate"
        r.status = n % 2 == 0 ? .allocated : .waiting
        r.caseManagerID = n % 2 == 0 ? "CM1" : ""
        r.waitingPosition = n % 2 == 0 ? nil : n
        r.dateOfBirth = DateFormat.iso.parse(born)
        r.reasons = "2 admissions in 12 months (3 Feb, 14 Sep 2026)"
        return r
    }

    static let settings = PracticeLists.Settings(knownPractices: ["A81001", "V81999"], caseManagerNames: ["CM1": "Ann Lee"], opaque: false)

    /// The files by name; a name written twice fails the test at the caller.
    func files(
        _ cases: [CaseRecord], settings: PracticeLists.Settings = settings, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> [String: String] {
        let files = try PracticeLists.files(cases, settings: settings)
        let byName = Dictionary(files.map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) }, uniquingKeysWith: { first, _ in first })
        #expect(byName.count == files.count, "a file name written twice", sourceLocation: sourceLocation)
        return byName
    }

    @Test func eachFileOfAPracticeExactly() throws {
        let f = try files([Self.row(2, practice: "A81001"), Self.row(3, practice: "A81001")])
        #expect(f.keys.sorted() == ["A81001-accurx-01.csv", "A81001-import.txt", "A81001.csv"])
        #expect(
            f["A81001.csv"]
                == """
                nhs_number,date_of_birth,age,priority,criteria,reasons,risk_score,risk_band,status,case_manager_id,case_manager_name,waiting_position
                \(nhs(2)),1940-02-03,86,1,frailty;admissions,"2 admissions in 12 months (3 Feb, 14 Sep 2026)",7.5,intermediate,allocated,CM1,Ann Lee,
                \(nhs(3)),1940-02-03,86,1,frailty;admissions,"2 admissions in 12 months (3 Feb, 14 Sep 2026)",7.5,intermediate,waiting,,,3

                """)
        #expect(f["A81001-import.txt"] == "\(nhs(2))\n\(nhs(3))\n")
        #expect(f["A81001-accurx-01.csv"] == "NHS number,Date of Birth\n\(nhs(2)),03/02/1940\n\(nhs(3)),03/02/1940\n")
    }

    /// A date of birth before 1900 (valid: only dates before 1890 are sentinels) cannot be an
    /// Excel date: the workbook holds it as text, and the run does not fail.
    @Test func aBirthBefore1900InTheWorkbook() throws {
        var settings = Self.settings
        settings.workbook = ReviewWorkbook.bytes
        let f = try PracticeLists.files([Self.row(2, practice: "A81001", born: "1890-01-01")], settings: settings)
        let xlsx = try #require(f.first { $0.name == "A81001.xlsx" })
        #expect(xlsx.bytes.count > 1000)
        #expect(f.first { $0.name == "A81001.csv" }.map { String(decoding: $0.bytes, as: UTF8.self) }?.contains(",1890-01-01,") == true)
        let day = try #require(DateFormat.iso.parse("1899-12-31"))
        #expect(throws: Never.self) {
            try ReviewWorkbook.bytes(PracticeLists.ReviewSheet(practice: "A", header: ["d"], rows: [[.date(day)]]))
        }
    }

    /// Accurx takes at most 250 patients a file: 601 patients make 250, 250 and 101, in order.
    @Test func accurxBatchesOf250() throws {
        let cases = (0..<601).map { Self.row($0, practice: "A81001", born: "1950-12-31") }
        let f = try files(cases)
        let batches = f.keys.filter { $0.contains("accurx") }.sorted()
        #expect(batches == ["A81001-accurx-01.csv", "A81001-accurx-02.csv", "A81001-accurx-03.csv"])
        let lines = try batches.map { try #require(f[$0]).split(separator: "\n").map(String.init) }
        try #require(lines.map(\.count) == [251, 251, 102])
        #expect(lines.allSatisfy { $0.first == "NHS number,Date of Birth" })
        #expect(lines[1][1] == "\(nhs(250)),31/12/1950")
        #expect(lines[2].last == "\(nhs(600)),31/12/1950")
        #expect(f["A81001-import.txt"]?.split(separator: "\n").count == 601)
    }

    /// No list for the placeholders of "no registered practice" (even when practices.csv lists
    /// one), nor for a practice missing from practices.csv.
    @Test func noListForPlaceholdersOrUnknownPractices() throws {
        let f = try files([
            Self.row(1, practice: "V81999"), Self.row(2, practice: "V81997"), Self.row(3, practice: "Z99999"),
            Self.row(4, practice: "A81001"),
        ])
        #expect(f.keys.allSatisfy { $0.hasPrefix("A81001") })
        #expect(Self.settings.noRegisteredPractice == ["V81997", "V81998", "V81999"])
    }

    /// With pseudonymised keys: the key, no date of birth, no import or Accurx file.
    @Test func pseudonymisedListsCarryTheKeyOnly() throws {
        var r = Self.row(2, practice: "A81001")
        r.nhsNumber = "P-000123"
        var settings = Self.settings
        settings.opaque = true
        let f = try files([r], settings: settings)
        #expect(f.keys.sorted() == ["A81001.csv"])
        let rows = parseCSV(try #require(f["A81001.csv"]))
        try #require(rows.count == 2)
        #expect(rows[0].first == "person_id" && !rows[0].contains("date_of_birth"))
        #expect(rows[1].first == "P-000123")
    }

    /// The sample: every practice's CSV holds exactly that practice's case-found patients, in
    /// cases.csv order, and the placeholder practice's patient is an exception instead.
    @Test func theSamplesListsHoldExactlyTheirPatients() throws {
        let extracts = try sampleCopy(rewriting: [
            // S1 (9991010378, case-found by frailty) is registered at the placeholder V81999.
            "patients.csv": { $0.replacingOccurrences(of: "9991010378,1948-04-03,F,F81101", with: "9991010378,1948-04-03,F,V81999") }
        ])
        #expect(read(extracts + "/patients.csv").contains("9991010378,1948-04-03,F,V81999"))
        let out = temporaryFolder()
        let r = try CaseFind.sampleRun(out: out, extracts: extracts)
        #expect(r.status == 0, "\(r.stderr)")
        let cases = csvRecords(read(out + "/cases.csv"))
        #expect(cases.contains { $0["nhs_number"] == "9991010378" && $0["locality"] == "UNMAPPED" })
        let exception = csvRecords(read(out + "/exceptions.csv")).first { $0["nhs_number"] == "9991010378" }
        #expect(exception?["reason"] == "no_registered_practice")
        let listed = try FileManager.default.contentsOfDirectory(atPath: out + "/practices").filter {
            $0.hasSuffix(".csv") && !$0.contains("accurx")
        }
        let known = try column("practice_code", of: csvRecords(read(extracts + "/practices.csv")))
        #expect(Set(listed.map { String($0.dropLast(4)) }) == Set(known))
        for code in known {
            let want = cases.filter { $0["gp_practice"] == code }
            let got = csvRecords(read(out + "/practices/\(code).csv"))
            #expect(try column("nhs_number", of: got) == column("nhs_number", of: want), "\(code)")
            for (g, w) in zip(got, want) {
                for column in ["age", "priority", "criteria", "risk_score", "risk_band", "status", "case_manager_id", "waiting_position"] {
                    #expect(g[column] == w[column], "\(code) \(column)")
                }
                #expect(g["reasons"]?.isEmpty == false)
            }
            #expect(try read(out + "/practices/\(code)-import.txt") == column("nhs_number", of: want).map { $0 + "\n" }.joined())
        }
        // A GP reads why: S19's neighbour S18 (9991207406) has 2 admissions.
        let s18 = csvRecords(read(out + "/practices/F81502.csv")).first { $0["nhs_number"] == "9991207406" }
        #expect(s18?["reasons"]?.hasPrefix("2 admissions in 12 months (") == true)
        #expect(s18?["case_manager_name"]?.isEmpty == false)
    }

    /// The review workbook read back by a real reader (openpyxl): the CSV's values as typed
    /// cells, text NHS numbers, date cells, a frozen filtered header and the practice's columns.
    @Test func theWorkbookReadsBackAsTheList() throws {
        let out = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: out).status == 0)
        let python = repositoryRoot() + "/Tests/sql/.venv/bin/python"
        #expect(FileManager.default.isExecutableFile(atPath: python), "run scripts/setup --tests")
        let script = """
            import csv, sys, datetime, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1]); ws = wb.active
            rows = list(csv.reader(open(sys.argv[2], encoding="utf-8")))
            head = [c.value for c in ws[1]]
            assert head == rows[0] + ["clinician_decision", "comment"], head
            assert ws.freeze_panes == "A2", ws.freeze_panes
            assert ws.auto_filter.ref == "A1:N%d" % len(rows), ws.auto_filter.ref
            for i, want in enumerate(rows[1:], start=2):
                cells = list(ws[i])
                got = cells[0]
                assert got.data_type == "s" and got.value == want[0] and got.number_format == "@", (got.value, want[0])
                assert isinstance(cells[1].value, datetime.datetime) and cells[1].value.date().isoformat() == want[1]
                assert cells[2].value == int(want[2]) and cells[3].value == int(want[3])
                for k in range(4, 12):
                    v = cells[k].value
                    if isinstance(v, (int, float)):
                        assert v == float(want[k]), (i, k, v, want[k])
                    else:
                        assert ("" if v is None else v) == want[k], (i, k, v, want[k])
            print("ok", len(rows) - 1)
            """
        for code in ["F81101", "F81502"] {
            let r = try runProgram(python, ["-c", script, out + "/practices/\(code).xlsx", out + "/practices/\(code).csv"])
            #expect(r.status == 0 && r.output.hasPrefix("ok "), "\(code): \(r.output)")
        }
    }

    /// A practice that no longer has case-found patients leaves no stale list behind.
    @Test func aPracticeWithNobodyLeftLosesItsFiles() throws {
        let out = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: out).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/practices/F81401.csv"))
        try "stale".write(toFile: out + "/practices/OLD001.csv", atomically: true, encoding: .utf8)
        let extracts = try sampleCopy(rewriting: [
            "practices.csv": { $0.split(separator: "\n").filter { !$0.hasPrefix("F81401") }.joined(separator: "\n") + "\n" }
        ])
        #expect(try CaseFind.sampleRun(out: out, extracts: extracts).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: out + "/practices")
        #expect(!names.contains { $0.hasPrefix("F81401") || $0.hasPrefix("OLD001") })
        #expect(names.contains("F81402.csv"))
    }
}

/// cases.csv written a piece at a time is the file written whole.
@Suite struct CasesFileInPiecesTests {
    @Test func thePiecesMakeTheWholeFile() throws {
        let rows = (0..<20_000).map { PracticeListTests.row($0, practice: "A\($0 % 7)") }
        var pieces: [[UInt8]] = []
        RunFiles.cases(rows) { pieces.append($0) }
        #expect(pieces.count > 1, "20,000 rows are more than one piece")
        #expect(pieces.dropLast().allSatisfy { $0.count >= 1 << 20 })
        var whole = CSVText(header: RunFiles.casesHeader)
        for r in rows { whole.append(RunFiles.caseFields(r)) }
        #expect(Array(pieces.joined()) == whole.bytes)
    }
}
