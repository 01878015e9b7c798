import Foundation
import TestSupport
import Testing

/// Opt-outs on the sample (sample-extracts/opt_outs.csv, docs/governance.md, "Opt-outs"): A 9991020748 has a
/// type 1 objection and is case-found (frailty); B 9991197036 has a national data opt-out and is
/// case-found (2 admissions); C 9992062207 (under 65) has both; D 9992093307 has an opt-out of an
/// unreadable type, honoured under every policy but none.
@Suite(.serialized) struct OptOutTests {
    static let a = "9991020748"
    static let b = "9991197036"
    static let c = "9992062207"
    static let d = "9992093307"
    static let everyone = [a, b, c, d]

    /// Ten digits with a Modulus 11 check digit.
    static func isNHSNumber(_ s: String) -> Bool {
        let d = s.compactMap { $0.wholeNumberValue }
        guard d.count == 10, s.count == 10 else { return false }
        var check = 11 - (0..<9).reduce(0) { $0 + d[$1] * (10 - $1) } % 11
        if check == 11 { check = 0 }
        return check != 10 && check == d[9]
    }

    func run(_ extra: [String], out: String, extracts: String = "sample-extracts", command: String = "run") throws -> CaseFind.Result {
        try CaseFind.run(
            [command, "--extracts", extracts, "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out, "--quiet"]
                + extra)
    }

    func summary(_ out: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any],
            sourceLocation: sourceLocation)
    }

    /// Every byte of every file under a folder, xlsx parts inflated (through Python's zipfile).
    func everyByte(_ folder: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        var text = ""
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder) {
            let path = folder + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            text += String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            if name.hasSuffix(".xlsx") {
                let inflated = try runProgram(
                    "/usr/bin/env",
                    [
                        "python3", "-c",
                        "import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nfor n in z.namelist(): sys.stdout.write(z.read(n).decode())",
                        path,
                    ])
                #expect(inflated.status == 0 && inflated.output.contains("<worksheet"), "\(name) inflated", sourceLocation: sourceLocation)
                text += inflated.output
            }
        }
        return text
    }

    @Test(arguments: [
        ("type1,ndoo", [a, b, c, d], 2, 2), ("type1", [a, c, d], 2, 0), ("ndoo", [b, c, d], 0, 2), ("none", [], 0, 0),
    ])
    func eachTypeUnderEachPolicy(policy: String, excluded: [String], type1: Int, ndoo: Int) throws {
        let out = temporaryFolder()
        let r = try run(["--opt-outs", policy], out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let cases = Set(try column("nhs_number", of: csvRecords(read(out + "/cases.csv"))))
        #expect(cases.contains(Self.a) == !excluded.contains(Self.a))
        #expect(cases.contains(Self.b) == !excluded.contains(Self.b))
        #expect(cases.count == 50 - [Self.a, Self.b].filter(excluded.contains).count)
        let s = try summary(out)
        let o = try #require(s["opt_outs"] as? [String: Any])
        #expect(o["policy"] as? String == policy)
        #expect(o["excluded"] as? Int == excluded.count)
        #expect(o["type1"] as? Int == type1)
        #expect(o["ndoo"] as? Int == ndoo)
        #expect(s["registered"] as? Int == 296)
        let attrition = csvRecords(read(out + "/attrition.csv"))
        #expect(attrition.first { $0["step"] == "opted_out" }?["patients"] == String(excluded.count))
        #expect(attrition.first { $0["step"] == "registered" }?["patients"] == "296")
        // The opt-out file's own bad rows are reported under every policy, without the raw record.
        let rejects = csvRecords(read(out + "/rejects.csv")).filter { $0["file"] == "opt_outs.csv" }
        #expect(
            try rejects.map { r in try ["line", "field", "record"].map { try #require(r[$0]) }.joined(separator: " ") } == [
                "6 type ", "7 nhs_number ",
            ])
        let bytes = try everyByte(out)
        for nhs in Self.everyone { #expect(bytes.contains(nhs) == false || !excluded.contains(nhs), "\(nhs) under \(policy)") }
    }

    /// A malformed row (an unreadable date) of an excluded patient is dropped and counted, not
    /// reported with its raw text; with no opt-out policy the same row is an ordinary reject.
    @Test func aMalformedRowOfAnExcludedPatientIsDroppedNotReported() throws {
        let excluded = temporaryFolder()
        #expect(try run([], out: excluded).status == 0)
        let rx = csvRecords(read(excluded + "/rejects.csv")).filter { $0["file"] == "prescriptions.csv" }
        #expect(!rx.contains { $0["line"] == "512" })
        let inputs = try #require(try summary(excluded)["inputs"] as? [[String: Any]])
        let p = try #require(inputs.first { $0["file"] as? String == "prescriptions.csv" })
        #expect(p["opted_out"] as? Int == 3)
        let rows = try #require(p["read"] as? Int)
        let accepted = try #require(p["accepted"] as? Int)
        let rejected = try #require(p["rejected"] as? Int)
        let optedOut = try #require(p["opted_out"] as? Int)
        #expect(rows == accepted + rejected + optedOut)

        let kept = temporaryFolder()
        #expect(try run(["--opt-outs", "none"], out: kept).status == 0)
        let row = csvRecords(read(kept + "/rejects.csv")).first { $0["file"] == "prescriptions.csv" && $0["line"] == "512" }
        #expect(row?["field"] == "issue_date")
        #expect(row?["record"]?.hasPrefix(Self.a) == true)
    }

    /// A and B are allocated by a run without opt-outs; they object, and the next run removes
    /// them (and A's screening outcome) from the state store, says how many, and lists them nowhere,
    /// lapsed.csv included. Their places are freed.
    @Test func aPatientWhoOptsOutAfterAllocationIsForgotten() throws {
        let out = temporaryFolder()
        #expect(try run(["--opt-outs", "none"], out: out).status == 0)
        let before = csvRecords(read(out + "/cases.csv"))
        #expect(
            try column("status", of: before.filter { [Self.a, Self.b].contains($0["nhs_number"] ?? "") }) == ["allocated", "allocated"])
        let outcomes = temporaryFolder("screening") + "/outcomes.csv"
        try "nhs_number,outcome,date,case_manager_id\n\(Self.a),enrolled,2026-11-23,CM02\n".write(
            toFile: outcomes, atomically: true, encoding: .utf8)
        #expect(try CaseFind.run(["screening", "import", outcomes, "--out", out]).status == 0)
        let state = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/casefind-state.sqlite")), as: UTF8.self)
        #expect(state.contains(Self.a))

        let r = try CaseFind.run([
            "run", "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.contains(
                "opted out (policy type1,ndoo): 4 patient(s) excluded; 2 removed from the state store, 2 of them from a caseload"))
        #expect(r.stderr.contains("removed 2 opted-out patient(s) from the state store (2 on a caseload)"))
        let o = try #require(try summary(out)["opt_outs"] as? [String: Any])
        #expect(o["removed_from_state"] as? Int == 2)
        #expect(o["removed_from_caseloads"] as? Int == 2)
        #expect(csvRecords(read(out + "/lapsed.csv")).isEmpty)
        let bytes = try everyByte(out)
        for nhs in Self.everyone { #expect(!bytes.contains(nhs), "\(nhs) left in --out or the state store") }
        // The next run has nothing more to remove.
        let again = try run([], out: out)
        #expect(!again.stdout.contains("removed from the state store"))
    }

    /// The nightly `incidence` run, not only the monthly `run`, leaves no trace of a patient
    /// who opted out: the lists it would otherwise keep from the last `run` (cases.csv,
    /// caseloads/, practices/, exceptions.csv) named them, so it rewrites them from its own
    /// placing when it has removed anyone. With nobody removed, it keeps them.
    @Test func anIncidenceRunAfterAnOptOutLeavesNoList() throws {
        let out = temporaryFolder()
        #expect(try run(["--opt-outs", "none"], out: out).status == 0)
        #expect(read(out + "/cases.csv").contains(Self.a))
        let kept = try run(["--opt-outs", "none"], out: out, command: "incidence")
        #expect(kept.status == 0, "\(kept.stderr)")
        #expect(read(out + "/cases.csv").contains(Self.a))
        let r = try run([], out: out, command: "incidence")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 removed from the state store, 2 of them from a caseload"))
        let bytes = try everyByte(out)
        for nhs in Self.everyone { #expect(!bytes.contains(nhs), "\(nhs) left in --out or the state store") }
        #expect(csvRecords(read(out + "/cases.csv")).count > 40)
        #expect(FileManager.default.fileExists(atPath: out + "/incidence.csv"))
    }

    @Test func explainSaysOnlyThatThePatientIsExcluded() throws {
        let r = try CaseFind.run([
            "explain", Self.a, "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22",
        ])
        #expect(r.status == 0)
        #expect(r.stdout == "this patient is excluded under the opt-out policy (type1,ndoo): their data is not processed\n")
        let none = try CaseFind.run([
            "explain", Self.a, "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22",
            "--opt-outs", "none",
        ])
        #expect(none.stdout.contains("rank 1 frailty"))
    }

    /// The national service's cleared list: a spine patient missing from it is excluded as ndoo
    /// when the policy names ndoo, and the list changes nothing under `type1`.
    @Test func spinePatientsMissingFromTheClearedListAreExcludedAsNDOO() throws {
        let missing = "9991010378"  // case-found (frailty)
        let spine = try column("nhs_number", of: csvRecords(read(repositoryRoot() + "/sample-extracts/patients.csv")))
        let cleared = temporaryFolder("cleared") + "/X26HC001-011226-0001.ok.dat"
        let kept = spine.map { $0.filter(\.isNumber) }.filter { $0 != missing && Self.isNHSNumber($0) }
        try (kept.map { $0 + ",\r\n" }.joined()).write(toFile: cleared, atomically: true, encoding: .utf8)
        let out = temporaryFolder()
        let r = try run(["--ndoo-cleared", cleared], out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let cases = Set(try column("nhs_number", of: csvRecords(read(out + "/cases.csv"))))
        #expect(!cases.contains(missing))
        let o = try #require(try summary(out)["opt_outs"] as? [String: Any])
        #expect(o["excluded"] as? Int == 5)
        #expect(o["ndoo"] as? Int == 3)
        #expect((o["ndoo_cleared_sha256"] as? String)?.count == 64)

        let type1 = temporaryFolder()
        #expect(try run(["--ndoo-cleared", cleared, "--opt-outs", "type1"], out: type1).status == 0)
        #expect(csvRecords(read(type1 + "/cases.csv")).contains { $0["nhs_number"] == missing })

        try "9991010378,\nnot a number,\n".write(toFile: cleared, atomically: true, encoding: .utf8)
        let bad = try run(["--ndoo-cleared", cleared], out: temporaryFolder() + "/never")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("\(cleared):2: error: line 2 is not a valid NHS number"))
    }

    /// The criteria file may state the policy; --opt-outs overrides it; a bad policy is refused.
    @Test func thePolicyFromTheCriteriaFileOrTheCommandLine() throws {
        let folder = temporaryFolder("criteria")
        let text = read(repositoryRoot() + "/criteria/essex-2005.yaml")
        try (text + "\nopt_outs: type1\n").write(toFile: folder + "/essex.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            atPath: repositoryRoot() + "/criteria/hfrs-gilbert-2018.yaml", toPath: folder + "/hfrs-gilbert-2018.yaml")
        let out = temporaryFolder()
        let base = ["run", "--extracts", "sample-extracts", "--criteria", folder + "/essex.yaml", "--as-of", "2026-11-22", "--quiet"]
        #expect(try CaseFind.run(base + ["--out", out]).status == 0)
        #expect((try summary(out)["opt_outs"] as? [String: Any])?["policy"] as? String == "type1")
        #expect(try CaseFind.run(base + ["--out", out, "--opt-outs", "none"]).status == 0)
        #expect((try summary(out)["opt_outs"] as? [String: Any])?["policy"] as? String == "none")
        #expect(try CaseFind.run(base + ["--out", out, "--opt-outs", "type3"]).status == 64)
        try (text + "\nopt_outs: everyone\n").write(toFile: folder + "/essex.yaml", atomically: true, encoding: .utf8)
        let bad = try CaseFind.run(base + ["--out", out])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("opt_outs must be type1,ndoo, type1, ndoo or none, not 'everyone'"))
    }

    /// The request file for the national check: exact bytes and name, the next sequence number.
    @Test func theOptOutRequestFile() throws {
        let extracts = extractsFolder([
            "patients.csv": """
            nhs_number,date_of_birth,sex,gp_practice
            943 476 5919,1945-01-01,F,F81101
            9991010378,1950-02-02,M,F81101
            9991010379,1950-02-02,M,F81101
            9434765919,1945-01-01,F,F81101

            """
        ])
        let out = temporaryFolder() + "/mesh"
        let args = ["opt-out-request", "--extracts", extracts, "--mailbox", "X26HC001", "--date", "2026-12-01", "--out", out]
        let r = try CaseFind.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.contains(
                "X26HC001-011226-0001.dat: 2 NHS number(s) for the national data opt-out check; 1 spine row(s) rejected and not sent"))
        #expect(!r.stdout.contains("9434765919"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out + "/X26HC001-011226-0001.dat"))
        #expect(Array(bytes) == Array("9434765919,\n9991010378,\n".utf8))
        #expect((try FileManager.default.attributesOfItem(atPath: out + "/X26HC001-011226-0001.dat")[.posixPermissions] as? Int) == 0o600)
        #expect(try CaseFind.run(args).status == 0)
        #expect(FileManager.default.fileExists(atPath: out + "/X26HC001-011226-0002.dat"))
        #expect(try CaseFind.run(args.map { $0 == "X26HC001" ? "X26/../x" : $0 }).status == 64)
    }
}
