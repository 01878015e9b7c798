import CaseCore
import Foundation
import Report
import TestSupport
import Testing

/// No CSV cell casefind writes opens as a formula in a spreadsheet (OWASP's rule for CSV
/// injection): a text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading `'`; numbers stay numbers.
@Suite struct FormulaInjectionTests {
    func written(_ fields: [String]) -> String {
        var t = CSVText(header: ["h"])
        t.clear()
        t.append(fields)
        return String(decoding: t.bytes, as: UTF8.self)
    }

    @Test func theRule() {
        #expect(written(["=HYPERLINK(\"http://x\",\"y\")"]) == "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n")
        #expect(written(["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"]) == "'=1+1,'+cmd,'-2+3,'@SUM(A1),'\tx,\"'\rx\"\n")
        #expect(written(["-1", "-0.5", "+3", "12", "0.0", "-"]) == "-1,-0.5,+3,12,0.0,'-\n")
        #expect(written(["a=b", " =x", "-.5", "1-2", "-1e3"]) == "a=b, =x,'-.5,1-2,'-1e3\n")
        #expect(written(["Witham, Braintree", ""]) == "\"Witham, Braintree\",\n")
    }

    /// Each writer of RunFiles passes its text through the rule.
    @Test func everyRunFilesWriter() {
        var row = CaseRecord(
            nhsNumber: nhs(1), practice: "+P1", pct: "-PCT", locality: "=L", age: 80, priority: 1, criteria: ["frailty"],
            frailtyCodes: [], admissions: 1, distinctDrugs: 0, careHome: false, nominated: false)
        row.caseManagerID = "@CM"
        row.status = .allocated
        func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }
        #expect(text(RunFiles.cases([row])).contains("\(nhs(1)),'+P1,'-PCT,'=L,80,1,frailty,"))
        #expect(text(RunFiles.caseload([row])).contains("'@CM,\(nhs(1)),1,,'+P1,N"))
        #expect(text(RunFiles.incidence([(row, ["frailty"])])).contains("'=L,80"))
        let lapsed = LapsedCase(
            nhsNumber: nhs(2), locality: "=L", previousPriority: 2, previousCriteria: ["admissions"], caseManagerID: "@CM")
        #expect(text(RunFiles.lapsed([lapsed])).contains("\(nhs(2)),'=L,2,admissions,'@CM,Y"))
        #expect(text(RunFiles.exceptions([ExceptionRow(nhsNumber: nhs(3), reason: "dead", detail: "=cmd")])).contains(",dead,'=cmd"))
        #expect(text(RunFiles.attrition([("=step", 3)])).contains("'=step,3"))
    }

    /// Hostile names everywhere in the sample (a locality named like a formula, case manager ids
    /// and names, a practice name, a rejected row that opens with `=`), then run, incidence,
    /// measures and screening import: no cell of any CSV they write opens as a formula, and the
    /// hostile text is there, neutralised, in each kind of file.
    @Test func noCellOfAnyCSVOpensAsAFormula() throws {
        let hostile = "=HYPERLINK(\"http://x\",\"y\")"
        let quotedHostile = "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        let extracts = try sampleCopy(rewriting: [
            "practices.csv": {
                $0.replacingOccurrences(of: ",Colchester", with: "," + quotedHostile).replacingOccurrences(of: "F81102,", with: "F81102,+")
            },
            "localities.csv": { $0.replacingOccurrences(of: "Colchester,", with: quotedHostile + ",") },
            "case_managers.csv": {
                $0.replacingOccurrences(of: "CM01,", with: "@CM01,").replacingOccurrences(
                    of: ",Colchester,", with: "," + quotedHostile + ","
                )
                .replacingOccurrences(of: "Sarah Bright", with: "-Sarah Bright")
            },
            "patients.csv": { $0 + "=1+1,1940-01-01,F,F81101,\n" },
        ])
        #expect(read(extracts + "/localities.csv").contains(quotedHostile))
        let out = temporaryFolder()
        let criteria = ["--criteria", "criteria/essex-2005.yaml"]
        let run = try CaseFind.run(["run", "--extracts", extracts] + criteria + ["--as-of", "2026-11-22", "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let screening = temporaryFolder("screening") + "/outcomes.csv"
        try "nhs_number,outcome,date,case_manager_id\n9991010378,enrolled,2026-11-23,@CM01\n+44 20,enrolled,2026-11-23,CM02\n".write(
            toFile: screening, atomically: true, encoding: .utf8)
        #expect(try CaseFind.run(["screening", "import", screening, "--out", out]).status == 0)
        let incidence = try CaseFind.run(
            ["incidence", "--extracts", extracts] + criteria + ["--as-of", "2027-06-01", "--out", out, "--quiet"])
        #expect(incidence.status == 0, "\(incidence.stderr)")
        let measures = try CaseFind.run(
            ["measures", "--extracts", extracts] + criteria + ["--as-of", "2026-11-22", "--baseline", "2025-04:2026-03", "--out", out])
        #expect(measures.status == 0, "\(measures.stderr)")

        let files = try FileManager.default.subpathsOfDirectory(atPath: out).filter { $0.hasSuffix(".csv") }.sorted()
        for required in [
            "cases.csv", "scoping.csv", "rejects.csv", "exceptions.csv", "lapsed.csv", "incidence.csv", "attrition.csv", "measures.csv",
            "case_management.csv", "enrolment_outcomes.csv", "timeliness.csv", "screening-rejects.csv", "practices/F81101.csv",
            "practices/F81101-accurx-01.csv", "caseloads/HYPERLINK-http-x-y.csv",
        ] {
            #expect(files.contains(required), "\(required) written")
        }
        for name in files {
            for (i, row) in parseCSV(read(out + "/" + name)).enumerated() {
                for cell in row where cell.first.map({ "=+-@\t\r".contains($0) }) ?? false {
                    #expect(Double(cell) != nil, "\(name) row \(i): \(cell.debugDescription) opens as a formula")
                }
            }
        }
        // The hostile text is kept, neutralised, where each writer puts it.
        let guarded = "'" + hostile
        #expect(csvRecords(read(out + "/cases.csv")).contains { $0["locality"] == guarded && $0["case_manager_id"] == "'@CM01" })
        #expect(csvRecords(read(out + "/scoping.csv")).contains { $0["locality"] == guarded })
        #expect(csvRecords(read(out + "/measures.csv")).contains { $0["locality"] == guarded })
        #expect(csvRecords(read(out + "/caseloads/HYPERLINK-http-x-y.csv")).contains { $0["case_manager_id"] == "'@CM01" })
        #expect(csvRecords(read(out + "/practices/F81101.csv")).contains { $0["case_manager_name"] == "'-Sarah Bright" })
        #expect(csvRecords(read(out + "/rejects.csv")).contains { $0["value"] == "'=1+1" && $0["record"]?.hasPrefix("'=1+1,") == true })
        #expect(csvRecords(read(out + "/screening-rejects.csv")).contains { $0["value"] == "'+44 20" })
        #expect(csvRecords(read(out + "/incidence.csv")).contains { $0["locality"] == guarded })
    }
}
