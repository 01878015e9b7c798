import Foundation
import Report
import TestSupport
import Testing

@Suite struct CapacityRunTests {
    /// Chelmsford's one case manager, CM05, set to 50 with a 90% reserve keeps 5 places for
    /// its 10 patients: the first 5 in allocation order are allocated, the rest wait 1 to 5.
    /// Unsuppressed, so that scoping.csv is exact (DisclosureRunTests runs it suppressed).
    @Test func aReserveThatLeavesFivePlacesMakesAWaitingList() throws {
        let extracts = try sampleCopy(rewriting: [
            "case_managers.csv": { $0.replacingOccurrences(of: "CM05,", with: "CM05,").replacingOccurrences(of: ",70,", with: ",50,") }
        ])
        let out = temporaryFolder()
        let r = try CaseFind.run([
            "run", "--extracts", extracts, "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out, "--reserve",
            "90", "--quiet", "--disclosure", "none",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Chelmsford: found 10, allocated 5, waiting 5"))
        let rows = csvRecords(read(out + "/cases.csv")).filter { $0["locality"] == "Chelmsford" }
        #expect(try column("status", of: rows) == Array(repeating: "allocated", count: 5) + Array(repeating: "waiting", count: 5))
        #expect(try column("waiting_position", of: rows) == ["", "", "", "", "", "1", "2", "3", "4", "5"])
        // Allocation order: priority, then risk score (highest first).
        let keys = try zip(column("priority", of: rows), column("risk_score", of: rows)).map { priority, score in
            (try #require(Int(priority)), -(try #require(Int(score.replacingOccurrences(of: ".", with: "")))))
        }
        for (a, b) in zip(keys, keys.dropFirst()) { #expect(a <= b) }
        let scoping = try #require(csvRecords(read(out + "/scoping.csv")).first { $0["locality"] == "Chelmsford" })
        #expect(scoping["reserved"] == "45")
        #expect(scoping["waiting"] == "5")
        #expect(scoping["case_managers_needed"] == "1")
        let summary = read(out + "/summary.json")
        #expect(summary.contains("\"reserve_percent\" : 90"))
    }

    @Test func oneLocalitysLists() throws {
        let out = temporaryFolder()
        let r = try CaseFind.run([
            "run", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out,
            "--locality", "Witham Braintree & Halstead", "--quiet",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Set(column("locality", of: csvRecords(read(out + "/cases.csv")))) == ["Witham Braintree & Halstead"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out + "/caseloads") == ["Witham-Braintree-and-Halstead.csv"])
        #expect(try column("locality", of: csvRecords(read(out + "/scoping.csv"))) == ["Witham Braintree & Halstead", "TOTAL"])
        let unknown = try CaseFind.run([
            "run", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out,
            "--locality", "Atlantis", "--quiet",
        ])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("'Atlantis' is not a locality"))
    }

    @Test func aReserveOutsideZeroToAHundredIsAUsageError() throws {
        let r = try CaseFind.run(["run", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--reserve", "120"])
        #expect(r.status == 64)
    }

    @Test(arguments: [
        ("Witham, Braintree & Halstead", "Witham-Braintree-and-Halstead"), ("Maldon & S Chelmsford", "Maldon-and-S-Chelmsford"),
        ("../etc/passwd", "etc-passwd"), ("UNMAPPED", "UNMAPPED"), ("  ", "locality"), ("Castle Point/Rochford", "Castle-Point-Rochford"),
    ])
    func safeFileNames(locality: String, name: String) {
        #expect(RunFiles.safeFileName(locality) == name)
    }

    /// A locality renamed between runs leaves no caseload file under its old name (issue 16's
    /// finding 7): caseloads/ is rewritten whole on a run of every locality.
    @Test func aRenamedLocalityLeavesNoStaleCaseload() throws {
        let out = temporaryFolder()
        #expect(try casefind("run", repositoryRoot() + "/sample-extracts", asOf: "2026-11-22", out: out).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/caseloads/Colchester.csv"))
        let renamed = try sampleCopy(rewriting: [
            "practices.csv": { $0.replacingOccurrences(of: ",Colchester", with: ",Colchester Town") },
            "case_managers.csv": { $0.replacingOccurrences(of: ",Colchester,", with: ",Colchester Town,") },
        ])
        let r = try casefind("run", renamed, asOf: "2026-11-22", out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out + "/caseloads")
        #expect(files.contains("Colchester-Town.csv"))
        #expect(!files.contains("Colchester.csv"))
    }

    /// A name longer than a file name may be is cut, with a hash of the whole name: a locality
    /// of 300 letters once failed the run with 73 (file name too long).
    @Test func longNamesAreCutWithAHash() throws {
        let a = String(repeating: "Essex ", count: 50) + "North"
        let b = String(repeating: "Essex ", count: 50) + "South"
        let ra = RunFiles.safeFileName(a)
        #expect(ra.utf8.count == 100)
        #expect(ra.hasPrefix("Essex-Essex-"))
        #expect(ra != RunFiles.safeFileName(b))
        #expect(ra == RunFiles.safeFileName(a))
        #expect(RunFiles.safeFileName(String(repeating: "x", count: 100)) == String(repeating: "x", count: 100))
        // End to end: the locality's caseload file is written.
        let extracts = try sampleCopy(rewriting: [
            "practices.csv": { $0.replacingOccurrences(of: ",Colchester", with: ",\(a)") },
            "case_managers.csv": { $0.replacingOccurrences(of: ",Colchester,", with: ",\(a),") },
        ])
        let out = temporaryFolder()
        let r = try casefind("run", extracts, asOf: "2026-11-22", out: out)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/caseloads/\(ra).csv"))
    }
}

@Suite struct ProgressTests {
    /// Not a terminal (a cron log): plain lines on stderr, no escape codes, no NHS numbers;
    /// `--quiet`: nothing.
    @Test func plainLinesWhenNotATerminal() throws {
        let out = temporaryFolder()
        let r = try CaseFind.run([
            "run", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out,
        ])
        #expect(r.status == 0)
        #expect(r.stderr.contains("casefind: read patients.csv: 300 rows, 4 rejected\n"))
        #expect(!r.stderr.contains("\u{1B}["))
        #expect(r.stderr.range(of: "[0-9]{10}", options: .regularExpression) == nil)
        let quiet = try CaseFind.run([
            "run", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out,
            "--quiet",
        ])
        #expect(quiet.stderr.isEmpty)
    }
}
