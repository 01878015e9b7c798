import Foundation
import TestSupport
import Testing

/// `casefind run` on sample-extracts/ against the expectations worked out by hand from the
/// scenario table (sample-extracts/README.md), not copied from the program's output.
@Suite(.serialized) struct SampleRunTests {
    static let expected = repositoryRoot() + "/sample-extracts/expected"

    @Test func casesMatchTheHandWorkedList() throws {
        let out = temporaryFolder()
        let r = try CaseFind.sampleRun(out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let got = csvRecords(read(out + "/cases.csv"))
        let want = csvRecords(read(SampleRunTests.expected + "/cases.csv"))
        #expect(want.count == 48)
        #expect(got.count == want.count)
        let gotByNHS = try keyed(got)
        for w in want {
            let nhs = try #require(w["nhs_number"])
            guard let g = gotByNHS[nhs] else {
                Issue.record("\(nhs) expected but not case-found")
                continue
            }
            for (column, value) in w { #expect(g[column] == value, "\(nhs) \(column)") }
        }
        #expect(r.stdout.contains("case-found: 48 (P1 15, P2 8, P3 9, P4 9, P5 7)"))
        #expect(!r.stdout.contains("9991"), "no NHS numbers on stdout")
    }

    /// Capacity is ample everywhere (sample-extracts/README.md): every mapped patient is
    /// allocated. Worked by hand from the least-load rule: Colchester's nine (one opted out)
    /// alternate between CM01 (60) and CM02 (55), 5 and 4; Witham's six (one opted out) go CM07
    /// (75), CM08 (50), CM07, CM08, CM07, CM07 (3/75 = 2/50 is a tie, CM07 sorts first): 4 and 2. Unsuppressed, so
    /// that scoping.csv is exact.
    @Test func allocationOfTheSample() throws {
        let out = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: out, ["--disclosure", "none"]).status == 0)
        let rows = csvRecords(read(out + "/cases.csv"))
        var perManager: [String: Int] = [:]
        for r in rows where r["status"] == "allocated" { perManager[try #require(r["case_manager_id"]), default: 0] += 1 }
        #expect(perManager == ["CM01": 5, "CM02": 4, "CM03": 11, "CM05": 10, "CM06": 11, "CM07": 4, "CM08": 2])
        let unmapped = rows.filter { $0["locality"] == "UNMAPPED" }
        #expect(try column("status", of: unmapped) == ["no_capacity"])
        #expect(unmapped.first?["waiting_position"] == "")
        #expect(try column("risk_score", of: rows).allSatisfy { !$0.isEmpty } && column("risk_band", of: rows).allSatisfy { !$0.isEmpty })
        let scoping = csvRecords(read(out + "/scoping.csv"))
        let colchester = try #require(scoping.first { $0["locality"] == "Colchester" })
        #expect(colchester["expected_patients"] == "737")
        #expect(colchester["first_tranche_25pct"] == "184")
        #expect(colchester["capacity"] == "115")
        #expect(colchester["reserved"] == "11")
        #expect(colchester["allocated"] == "9")
        let tendring = try #require(scoping.first { $0["locality"] == "Tendring" })
        #expect(tendring["capacity"] == "80", "CM04 is inactive")
        let caseload = csvRecords(read(out + "/caseloads/Witham-Braintree-and-Halstead.csv"))
        #expect(try column("case_manager_id", of: caseload) == ["CM07", "CM07", "CM07", "CM07", "CM08", "CM08"])
    }

    @Test func casesAreSortedByLocalityThenPriority() throws {
        let out = temporaryFolder()
        _ = try CaseFind.sampleRun(out: out)
        let rows = csvRecords(read(out + "/cases.csv"))
        let keys = try zip(column("locality", of: rows), column("priority", of: rows)).map { ($0, try #require(Int($1))) }
        for (a, b) in zip(keys, keys.dropFirst()) { #expect(a.0 < b.0 || (a.0 == b.0 && a.1 <= b.1)) }
        #expect(parseCSV(read(out + "/cases.csv")).first?.count == 17)
    }

    @Test func rejectsMatchByFileLineSeverityAndField() throws {
        let out = temporaryFolder()
        _ = try CaseFind.sampleRun(out: out)
        func key(_ r: [String: String]) throws -> String {
            try ["file", "line", "severity", "field"].map { try #require(r[$0]) }.joined(separator: ":")
        }
        let got = csvRecords(read(out + "/rejects.csv"))
        let want = csvRecords(read(SampleRunTests.expected + "/rejects.csv"))
        #expect(try got.map(key).sorted() == want.map(key).sorted())
        #expect(try column("reason", of: got).allSatisfy { !$0.isEmpty })
        // Raw records are shown, except opt_outs.csv's: a list of people who objected.
        #expect(try got.allSatisfy { try #require($0["record"]).isEmpty == ($0["file"] == "opt_outs.csv") })
    }

    @Test func attritionExceptionsAndCounts() throws {
        let out = temporaryFolder()
        _ = try CaseFind.sampleRun(out: out)
        #expect(read(out + "/attrition.csv") == read(SampleRunTests.expected + "/attrition.csv"))
        func exception(_ r: [String: String]) throws -> String { "\(try #require(r["nhs_number"])) \(try #require(r["reason"]))" }
        let exceptions = try csvRecords(read(out + "/exceptions.csv")).map(exception)
        let wantExceptions = try csvRecords(read(SampleRunTests.expected + "/exceptions.csv")).map(exception)
        #expect(exceptions == wantExceptions)

        let summary = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any])
        let inputs = try #require(summary["inputs"] as? [[String: Any]])
        for w in csvRecords(read(SampleRunTests.expected + "/counts.csv")) {
            let file = try #require(w["file"])
            let g = try #require(inputs.first { $0["file"] as? String == file })
            for column in ["read", "accepted", "rejected", "unregistered", "opted_out"] {
                #expect(g[column].map { String(describing: $0) } == w[column], "\(file) \(column)")
            }
            // The digest (hashed ahead on another thread for the activity files) is the file's
            // SHA-256, as coreutils' sha256sum computes it.
            #expect(try g["sha256"] as? String == sha256sum(repositoryRoot() + "/sample-extracts/" + file), "\(file)")
        }
        #expect(summary["as_of"] as? String == "2026-11-22")
        #expect((summary["criteria"] as? [String: Any])?["id"] as? String == "essex-2005")
        #expect(summary["unmapped_practice"] as? Int == 1)
    }

    @Test func outputFilesAreReadableByTheirOwnerOnlyAndNoTemporariesRemain() throws {
        let out = temporaryFolder()
        _ = try CaseFind.sampleRun(out: out)
        let names = try FileManager.default.subpathsOfDirectory(atPath: out).sorted()
        // Every practice of practices.csv has case-found patients in the sample.
        let practices = ["F81101", "F81102", "F81201", "F81202", "F81301", "F81302", "F81401", "F81402", "F81501", "F81502"]
        let practiceFiles = practices.flatMap { code in
            ["-accurx-01.csv", "-import.txt", ".csv", ".xlsx"].map { "practices/\(code)\($0)" }
        }
        #expect(
            names
                == ([
                    ".casefind-run", "attrition.csv", "casefind-state.sqlite", "caseloads", "caseloads/Chelmsford.csv",
                    "caseloads/Colchester.csv",
                    "caseloads/Maldon-and-S-Chelmsford.csv",
                    "caseloads/Tendring.csv", "caseloads/Witham-Braintree-and-Halstead.csv", "cases.csv", "exceptions.csv", "lapsed.csv",
                    "practices", "rejects.csv", "report.html", "scoping.csv", "summary.json",
                ] + practiceFiles).sorted())
        for n in names {
            let mode = try FileManager.default.attributesOfItem(atPath: out + "/" + n)[.posixPermissions] as? Int
            let folder = n == "caseloads" || n == "practices"
            #expect(mode == (folder ? 0o700 : 0o600), "\(n)")
        }
        let outMode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(outMode == 0o700, "--out itself is owner-only")
    }

    /// A one-letter folder relative to where casefind is started (Foundation's path functions
    /// used to trap on it: exit 132).
    @Test func aOneLetterRelativeOutputFolder() throws {
        let here = temporaryFolder()
        let root = repositoryRoot()
        let r = try CaseFind.run(
            [
                "run", "--extracts", root + "/sample-extracts", "--criteria", root + "/criteria/essex-2005.yaml", "--as-of",
                "2026-11-22", "--out", "o", "--quiet",
            ], in: here)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: here + "/o/cases.csv"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: here).sorted() == ["o"], "no staging folder left beside it")
    }

    /// The same extracts with CRLF line ends and a byte-order mark give the same results.
    @Test func crlfAndByteOrderMark() throws {
        let source = repositoryRoot() + "/sample-extracts"
        let converted = temporaryFolder("crlf")
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where name.hasSuffix(".csv") {
            let text = read(source + "/" + name).replacingOccurrences(of: "\n", with: "\r\n")
            try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: converted + "/" + name))
        }
        let plain = temporaryFolder()
        let crlf = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: plain).status == 0)
        #expect(try CaseFind.sampleRun(out: crlf, extracts: converted).status == 0)
        #expect(read(plain + "/cases.csv") == read(crlf + "/cases.csv"))
        #expect(read(plain + "/attrition.csv") == read(crlf + "/attrition.csv"))
        func key(_ r: [String: String]) throws -> String {
            try ["file", "line", "severity", "reason", "field", "value"].map { try #require(r[$0]) }.joined(separator: "|")
        }
        #expect(try csvRecords(read(plain + "/rejects.csv")).map(key) == csvRecords(read(crlf + "/rejects.csv")).map(key))
    }
}

@Suite struct CommandLineTests {
    @Test func aBadCriteriaFileStopsBeforeWritingAnything() throws {
        let dir = temporaryFolder()
        let criteria = dir + "/bad.yaml"
        let text = read(repositoryRoot() + "/criteria/essex-2005.yaml").replacingOccurrences(of: "W00-W19", with: "W19-W00")
        try text.write(toFile: criteria, atomically: true, encoding: .utf8)
        let out = dir + "/out"
        let r = try CaseFind.run([
            "run", "--extracts", repositoryRoot() + "/sample-extracts", "--criteria", criteria, "--as-of", "2026-11-22", "--out", out,
        ])
        #expect(r.status == 65)
        #expect(r.stderr.contains("bad.yaml:45: error: range 'W19-W00' runs backwards"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func aCaseloadOutsideFiftyToEightyStopsTheRunAndKeepsTheLastGoodOutput() throws {
        let extracts = temporaryFolder("extracts")
        let source = repositoryRoot() + "/sample-extracts"
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where name.hasSuffix(".csv") {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: extracts + "/" + name)
        }
        let out = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: out, extracts: extracts).status == 0)
        let before = read(out + "/cases.csv")
        let managers = read(extracts + "/case_managers.csv").replacingOccurrences(of: ",80,", with: ",90,")
        try managers.write(toFile: extracts + "/case_managers.csv", atomically: true, encoding: .utf8)
        let r = try CaseFind.sampleRun(out: out, extracts: extracts)
        #expect(r.status == 65)
        #expect(r.stderr.contains("case_managers.csv:"))
        #expect(r.stderr.contains("caseload_max '90'"))
        #expect(read(out + "/cases.csv") == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasPrefix(".") } == [".casefind-run"])
    }

    @Test(arguments: [
        ["run", "--extracts", "x", "--criteria", "y", "--as-of", "2026-02-30"], ["run", "--bogus"], ["explain"],
        ["run", "--extracts", "x", "--criteria", "y", "--disclosure", "some"],
        ["run", "--extracts", "x", "--criteria", "y", "--round-to", "0"],
        ["incidence", "--extracts", "x", "--criteria", "y", "--suppress-up-to=-1"],
        ["measures", "--extracts", "x", "--criteria", "y", "--baseline", "2025-11:2026-04", "--round-to", "0"],
    ])
    func usageErrorsExit64(arguments: [String]) throws {
        #expect(try CaseFind.run(arguments).status == 64)
    }

    @Test func missingRequiredExtractExits65() throws {
        let extracts = extractsFolder(["practices.csv": "practice_code,pct,locality\nF1,P,L\n"])
        let out = temporaryFolder() + "/out"
        let r = try CaseFind.sampleRun(out: out, extracts: extracts)
        #expect(r.status == 65)
        #expect(r.stderr.contains("patients.csv"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func anUnwritableOutputFolderExits73() throws {
        let r = try CaseFind.sampleRun(out: "/proc/casefind-cannot-write-here")
        #expect(r.status == 73)
    }

    @Test func validateWritesNothingAndReportsRejects() throws {
        let r = try CaseFind.run([
            "validate", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22",
        ])
        #expect(r.status == 0)
        #expect(r.stdout.contains("patients.csv:62: reject: not a valid NHS number"))
        #expect(r.stdout.contains("[nhs_number=(withheld)]"))
        #expect(r.stdout.contains("17 row(s) would be rejected"))
        #expect(r.stdout.contains("patients.csv: read 300, accepted 292, rejected 4, unregistered 0, warnings 1, opted out 4"))
        // Opted-out patients' numbers appear nowhere, not even withheld.
        for nhs in ["9991020748", "9991197036", "9992062207", "9992093307"] { #expect(!r.stdout.contains(nhs)) }
        let strict = try CaseFind.run(["validate", "--strict", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml"])
        #expect(strict.status == 65)
    }

    @Test func explainSaysWhyForEachRule() throws {
        let r = try CaseFind.run([
            "explain", "943 476 5919", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22",
        ])
        #expect(r.status == 0)
        #expect(r.stdout.contains("rank 1 frailty (hospital admission for a frail elderly indicator): MET"))
        #expect(r.stdout.contains("W180 matches W00-W19 (fall)"))
        #expect(r.stdout.contains("rank 5 nomination (nominated by a clinician): MET"))
        #expect(r.stdout.contains("case-found: priority 1; criteria met: frailty;nomination"))
        #expect(r.stdout.contains("risk (hfrs-gilbert-2018): 4.4 low from admissions 2024-11-23 to 2026-11-22"))

        let young = try CaseFind.run([
            "explain", "9991498133", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22",
        ])
        #expect(young.stdout.contains("population: alive and aged 65 or over: NO (aged 60, under 65)"))
        #expect(young.stdout.contains("not case-found"))
    }
}
