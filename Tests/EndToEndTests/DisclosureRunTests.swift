import Foundation
import TestSupport
import Testing

/// `casefind run` on sample-extracts/ under each disclosure policy. The figures are the sample's
/// hand-worked ones (sample-extracts/README.md): found Chelmsford 10, Colchester 9, Maldon 11,
/// Tendring 11, Witham 6, UNMAPPED 1 (no capacity); capacities 70, 60+55, 65, 80 (CM04
/// inactive), 75+50; reserves of 10 percent rounded down per case manager; 47 allocated.
@Suite struct DisclosureRunTests {
    static let header =
        "locality,pct,expected_patients,first_tranche_25pct,found,capacity,reserved,allocated,waiting,no_capacity,"
        + "active_case_managers,case_managers_needed\n"

    /// Unsuppressed: as before disclosure control.
    @Test func scopingUnsuppressedIsExact() throws {
        let out = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: out, ["--disclosure", "none"]).status == 0)
        #expect(
            read(out + "/scoping.csv") == Self.header + """
                Chelmsford,Mid Essex,513,128,10,70,7,10,0,0,1,0
                Colchester,North East Essex,737,184,9,115,11,9,0,0,2,0
                Maldon & S Chelmsford,Mid Essex,333,83,11,65,6,11,0,0,1,0
                Tendring,North East Essex,826,207,11,80,8,11,0,0,1,0
                UNMAPPED,,,,1,0,0,0,0,1,0,
                Witham Braintree & Halstead,Mid Essex,604,151,6,125,12,6,0,0,2,0
                TOTAL,,3013,753,48,455,44,47,0,1,7,0

                """)
    }

    /// The default, NHS Digital's rule: 6 and 1 are `*`, 9 and 11 are 10; the TOTAL's 47
    /// allocated is 45 (from the exact sum, not the released cells' 40 and two `*`), its 1
    /// no-capacity `*`.
    /// Capacity, reserved places, case managers and the expected numbers are not patient counts.
    @Test func scopingSuppressedByDefault() throws {
        let out = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: out).status == 0)
        #expect(
            read(out + "/scoping.csv") == Self.header + """
                Chelmsford,Mid Essex,513,128,10,70,7,10,0,0,1,0
                Colchester,North East Essex,737,184,10,115,11,10,0,0,2,0
                Maldon & S Chelmsford,Mid Essex,333,83,10,65,6,10,0,0,1,0
                Tendring,North East Essex,826,207,10,80,8,10,0,0,1,0
                UNMAPPED,,,,*,0,0,0,0,*,0,
                Witham Braintree & Halstead,Mid Essex,604,151,*,125,12,*,0,0,2,0
                TOTAL,,3013,753,50,455,44,45,0,*,7,0

                """)
        let summary = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))) as? [String: Any])
        let disclosure = try #require(summary["disclosure"] as? [String: Any])
        #expect(disclosure["policy"] as? String == "suppress")
        #expect(disclosure["threshold"] as? Int == 7 && disclosure["rounding"] as? Int == 5)
        #expect(disclosure["suppress_zero"] as? Bool == false)
        #expect(read(out + "/summary.json").contains("\"disclosure\" : {\n    \"policy\" : \"suppress\",\n    \"rounding\" : 5,"))
    }

    /// UK LLC's rule: 0 to 10 suppressed. Every need is computed from a suppressed count
    /// (0 waiting), so every need and the TOTAL's are `*`; UNMAPPED's stays blank.
    @Test func scopingUnderUKLLCRule() throws {
        let out = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: out, ["--suppress-up-to", "10", "--suppress-zero"]).status == 0)
        #expect(
            read(out + "/scoping.csv") == Self.header + """
                Chelmsford,Mid Essex,513,128,*,70,7,*,*,*,1,*
                Colchester,North East Essex,737,184,*,115,11,*,*,*,2,*
                Maldon & S Chelmsford,Mid Essex,333,83,10,65,6,10,*,*,1,*
                Tendring,North East Essex,826,207,10,80,8,10,*,*,1,*
                UNMAPPED,,,,*,0,0,*,*,*,0,
                Witham Braintree & Halstead,Mid Essex,604,151,*,125,12,*,*,*,2,*
                TOTAL,,3013,753,50,455,44,45,*,*,7,*

                """)
        #expect(read(out + "/summary.json").contains("\"suppress_zero\" : true,\n    \"threshold\" : 10"))
        // Rounding to 10: 48 is 50, 9 and 11 are 10.
        let tens = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: tens, ["--round-to", "10", "--suppress-up-to", "5"]).status == 0)
        let rows = csvRecords(read(tens + "/scoping.csv"))
        #expect(try column("found", of: rows) == ["10", "10", "10", "10", "*", "10", "50"], "Witham's 6 is above 5: 10")
    }

    /// The direct-care and quality files are the same whatever the policy; summary.json's
    /// counts too (only its disclosure record differs).
    @Test func directCareFilesStayExact() throws {
        let suppressed = temporaryFolder()
        let exact = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: suppressed).status == 0)
        #expect(try CaseFind.sampleRun(out: exact, ["--disclosure", "none"]).status == 0)
        for file in [
            "cases.csv", "attrition.csv", "rejects.csv", "exceptions.csv", "lapsed.csv", "caseloads/Witham-Braintree-and-Halstead.csv",
        ] {
            #expect(read(suppressed + "/" + file) == read(exact + "/" + file), "\(file)")
            #expect(!read(suppressed + "/" + file).isEmpty, "\(file)")
        }
        #expect(csvRecords(read(suppressed + "/cases.csv")).count == 48)
        let withoutPolicy = { (s: String) in
            s.replacingOccurrences(of: #"\"disclosure\" : \{[^}]*\},"#, with: "", options: .regularExpression)
        }
        #expect(withoutPolicy(read(suppressed + "/summary.json")) == withoutPolicy(read(exact + "/summary.json")))
        #expect(read(suppressed + "/summary.json") != read(exact + "/summary.json"))
        #expect(read(suppressed + "/summary.json").contains("\"registered\" : 296"))
    }

    /// Chelmsford's one case manager at 50 with a 90% reserve (CapacityRunTests): 5 allocated and
    /// 5 waiting, both `*`, so case managers needed, computed from the 5 waiting, is `*`; so are
    /// the TOTAL's need and, in the report, Mid Essex's subtotal and the total.
    @Test func aNeedComputedFromASuppressedWaitingListIsWithheld() throws {
        let extracts = try sampleCopy(rewriting: ["case_managers.csv": { $0.replacingOccurrences(of: ",70,", with: ",50,") }])
        let out = temporaryFolder()
        let r = try CaseFind.run([
            "run", "--extracts", extracts, "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out, "--reserve",
            "90", "--quiet",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let scoping = csvRecords(read(out + "/scoping.csv"))
        let chelmsford = try #require(scoping.first { $0["locality"] == "Chelmsford" })
        #expect(
            ["found", "capacity", "reserved", "allocated", "waiting", "no_capacity", "case_managers_needed"].map { chelmsford[$0] } == [
                "10", "50", "45", "*", "*", "0", "*",
            ])
        #expect(scoping.first { $0["locality"] == "Witham Braintree & Halstead" }?["case_managers_needed"] == "0", "none waiting")
        #expect(scoping.last?["locality"] == "TOTAL" && scoping.last?["case_managers_needed"] == "*")
        let page = reportSection(read(out + "/report.html"), "scoping")
        #expect(page.contains(tableRow(["Chelmsford", "Mid Essex"], ["513", "128", "10", "*"])))
        #expect(page.contains(tableRow(["Witham Braintree &amp; Halstead", "Mid Essex"], ["604", "151", "*", "0"])))
        #expect(page.contains(tableRow(["Mid Essex", "Mid Essex"], ["1,450", "363", "25", "*"], cls: "subtotal")))
        #expect(page.contains(tableRow(["Total", ""], ["3,013", "753", "50", "*"], cls: "total")))
        let capacity = reportSection(read(out + "/report.html"), "capacity")
        #expect(capacity.contains(tableRow(["Chelmsford"], ["50", "45", "*", "*", "0"])))
    }

    /// `--identifiable` shows NHS numbers, so it needs `--disclosure none`: otherwise a usage
    /// error (64) before anything is read or written.
    @Test(arguments: [["--identifiable"], ["--identifiable", "--disclosure", "suppress"], ["--disclosure", "suppress", "--identifiable"]])
    func identifiableNeedsDisclosureNone(extra: [String]) throws {
        for command in ["run", "incidence"] {
            let out = temporaryFolder() + "/out"
            let r = try CaseFind.run(
                [command, "--extracts", "sample-extracts", "--criteria", "criteria/essex-2005.yaml", "--as-of", "2026-11-22", "--out", out]
                    + extra)
            #expect(r.status == 64, "\(command) \(extra)")
            #expect(r.stderr.contains("--identifiable puts NHS numbers in report.html: it needs --disclosure none"))
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let out = temporaryFolder()
        #expect(try CaseFind.sampleRun(out: out, ["--identifiable", "--disclosure", "none"]).status == 0)
    }
}
