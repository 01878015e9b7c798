import Foundation
import TestSupport
import Testing

/// `casefind measures` and the report's monitoring and timeliness sections on sample-extracts,
/// against figures worked out by hand from the sample's rows: exact with `--disclosure none`,
/// and released (small numbers suppressed, the default) as the rule gives them.
@Suite struct MeasuresTests {
    static let criteria = repositoryRoot() + "/criteria/essex-2005.yaml"

    /// Emergency admissions of Chelmsford's registered 65+ patients, from admissions.csv:
    /// Nov 2025: 9991269622 18th-24th (6 days), 9991155554 23rd-30th (7), 9991269622 25 Nov-2 Dec (7)
    ///   = 3 admissions, 20 bed days, mean 6.7;
    /// Jan 2026: 9991550356 14th-16th = 1, 2 days; Mar 2026: 9991664424 3rd-8th (5), 9991550356
    ///   30 Mar-2 Apr (3) = 2, 8 days; Dec 2025, Feb and Apr 2026: none.
    /// Baseline Nov 2025 to Apr 2026 (6 months): 6 admissions, 30 bed days = 1.0 and 5.0 a month,
    /// mean stay 30 / 6 = 5.0. Nov 2026 (to the 22nd): 9991259252 from the 15th, still in
    /// hospital: 1 admission, 7 bed days.
    @Test func emergencyAdmissionsBedDaysAndBaseline() throws {
        let out = temporaryFolder("measures")
        #expect(try CaseFind.sampleRun(out: out).status == 0)
        let r = try CaseFind.run(measures(out: out) + ["--disclosure", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = csvRecords(read(out + "/measures.csv")).filter { $0["locality"] == "Chelmsford" }
        #expect(rows.count == 13, "Nov 2025 to Nov 2026")
        func row(_ month: String) -> [String] {
            let x = rows.first { $0["month"] == month } ?? [:]
            return [
                "emergency_admissions", "bed_days", "mean_length_of_stay", "baseline_admissions_per_month", "baseline_bed_days_per_month",
                "baseline_mean_length_of_stay",
            ].map { x[$0] ?? "?" }
        }
        #expect(row("2025-11") == ["3", "20", "6.7", "1.0", "5.0", "5.0"])
        #expect(row("2025-12") == ["0", "0", "", "1.0", "5.0", "5.0"])
        #expect(row("2026-01") == ["1", "2", "2.0", "1.0", "5.0", "5.0"])
        #expect(row("2026-03") == ["2", "8", "4.0", "1.0", "5.0", "5.0"])
        #expect(row("2026-11") == ["1", "7", "7.0", "1.0", "5.0", "5.0"])
        #expect(csvRecords(read(out + "/timeliness.csv")).isEmpty, "no screening outcomes yet")
        let coverage = csvRecords(read(out + "/case_management.csv")).first { $0["locality"] == "Chelmsford" }
        #expect(coverage?["case_found"] == "10" && coverage?["actively_case_managed"] == "0" && coverage?["coverage_percent"] == "0.0")
    }

    func measures(out: String, extracts: String = repositoryRoot() + "/sample-extracts", asOf: String = "2026-11-22") -> [String] {
        ["measures", "--extracts", extracts, "--criteria", Self.criteria, "--as-of", asOf, "--out", out, "--baseline", "2025-11:2026-04"]
    }

    /// The same files suppressed (the default). Chelmsford's Nov 2025 (3 admissions, 20 bed days)
    /// and its baseline (6 admissions) are `*`, and so are the means and baselines computed from
    /// them; a month without admissions is 0 with no mean. Tendring's baseline has 9 admissions
    /// (1.5 a month over 6, 54 bed days: worked unsuppressed below), so its baseline figures are
    /// shown beside months of 5 admissions or fewer, which are not. Case-found counts of 10 and
    /// 11 are 10; Witham's 7 and UNMAPPED's 1 are `*`, with their coverage.
    @Test func measuresFilesSuppressed() throws {
        let out = temporaryFolder("measures-suppressed")
        #expect(try CaseFind.sampleRun(out: out).status == 0)
        let r = try CaseFind.run(measures(out: out))
        #expect(r.status == 0, "\(r.stderr)")
        let columns = [
            "emergency_admissions", "bed_days", "mean_length_of_stay", "baseline_admissions_per_month", "baseline_bed_days_per_month",
            "baseline_mean_length_of_stay",
        ]
        func row(_ file: String, _ locality: String, _ month: String) -> [String] {
            let x = csvRecords(read(file)).first { $0["locality"] == locality && $0["month"] == month } ?? [:]
            return columns.map { x[$0] ?? "?" }
        }
        let file = out + "/measures.csv"
        #expect(read(file).hasPrefix("locality,month,emergency_admissions,bed_days,"), "the header first, no banner")
        #expect(row(file, "Chelmsford", "2025-11") == ["*", "*", "*", "*", "*", "*"])
        #expect(row(file, "Chelmsford", "2025-12") == ["0", "0", "", "*", "*", "*"])
        #expect(row(file, "Tendring", "2026-02") == ["*", "*", "*", "1.5", "9.0", "6.0"])
        #expect(row(file, "Tendring", "2025-12") == ["0", "0", "", "1.5", "9.0", "6.0"])
        let none = temporaryFolder("measures-unsuppressed")
        #expect(try CaseFind.sampleRun(out: none).status == 0)
        #expect(try CaseFind.run(measures(out: none) + ["--disclosure", "none"]).status == 0)
        #expect(row(none + "/measures.csv", "Tendring", "2026-02") == ["5", "38", "7.6", "1.5", "9.0", "6.0"])
        let tendring = csvRecords(read(none + "/measures.csv")).filter { $0["locality"] == "Tendring" && ($0["month"] ?? "") <= "2026-04" }
        #expect(try column("emergency_admissions", of: tendring).reduce(0) { $0 + (try #require(Int($1))) } == 9)

        let coverage = try csvRecords(read(out + "/case_management.csv")).map { r in
            try ["locality", "case_found", "actively_case_managed", "case_found_and_managed", "coverage_percent"].map {
                try #require(r[$0])
            }
        }
        #expect(
            coverage == [
                ["Chelmsford", "10", "0", "0", "0.0"], ["Colchester", "10", "0", "0", "0.0"],
                ["Maldon & S Chelmsford", "10", "0", "0", "0.0"],
                ["Tendring", "10", "0", "0", "0.0"], ["UNMAPPED", "*", "0", "0", "*"], ["Witham Braintree & Halstead", "*", "0", "0", "*"],
            ])
        // UK LLC's rule: zeros are suppressed too, and the blank mean of a month without admissions becomes `*`.
        let uk = temporaryFolder("measures-ukllc")
        #expect(try CaseFind.sampleRun(out: uk).status == 0)
        #expect(try CaseFind.run(measures(out: uk) + ["--suppress-up-to", "10", "--suppress-zero"]).status == 0)
        #expect(row(uk + "/measures.csv", "Chelmsford", "2025-12") == ["*", "*", "*", "*", "*", "*"])
        #expect(row(uk + "/measures.csv", "Tendring", "2026-02") == ["*", "*", "*", "*", "*", "*"], "9 baseline admissions")
    }

    /// Runs on Friday 20 November and Thursday 24 December 2026, then outcomes:
    /// - 9991269622 (found on Fri 20 Nov) enrolled Tue 24 Nov: Mon 23, Tue 24 = 2 working days, within;
    /// - 9991155554 (found on Fri 20 Nov) declined Wed 25 Nov: 3 working days, not within;
    /// - 9991664424, nominated on 1 Dec and first found on Thu 24 Dec, enrolled Tue 29 Dec: Fri 25
    ///   is Christmas Day and Mon 28 the substitute for Boxing Day (a Saturday), so 1 working day.
    /// Median 2 working days, 2 of 3 within target; to enrolment 2 and 1, median 1.5.
    /// Before enrolment (12 months): 9991269622 from 24 Nov 2025: 25 Nov (7 days) and 7 Jul 2026 (3),
    /// not 18 Nov 2025; 9991664424 from 29 Dec 2025: 3 Mar 2026 (5). After: nothing yet.
    @Test func screeningTimelinessCoverageAndEnrolment() throws {
        let out = temporaryFolder("measures-screening")
        let extracts = temporaryFolder("measures-screening-extracts")
        try FileManager.default.removeItem(atPath: extracts)
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/sample-extracts", toPath: extracts)
        func run(_ asOf: String, _ extra: [String] = []) throws -> CaseFind.Result {
            try CaseFind.run(
                ["run", "--extracts", extracts, "--criteria", Self.criteria, "--as-of", asOf, "--out", out, "--quiet"] + extra)
        }
        #expect(try run("2026-11-20").status == 0)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: extracts + "/nominations.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("9991664424,2026-12-01,F81301,falls\n".utf8))
        try handle.close()
        #expect(try run("2026-12-24").status == 0)
        let outcomes = temporaryFolder("measures-outcomes") + "/outcomes.csv"
        try """
        nhs_number,outcome,date,case_manager_id
        9991269622,enrolled,2026-11-24,CM05
        9991155554,declined,2026-11-25,
        9991664424,enrolled,2026-12-29,CM05

        """.write(toFile: outcomes, atomically: true, encoding: .utf8)
        let imported = try CaseFind.run(["screening", "import", outcomes, "--out", out])
        #expect(imported.status == 0, "\(imported.stderr)")

        // Suppressed (the default): 3 outcomes and 2 enrolled patients are all `*`, and so is
        // every figure about them; 0 outcomes not found by a run stays 0.
        let suppressed = try CaseFind.run(measures(out: out, extracts: extracts, asOf: "2026-12-31"))
        #expect(suppressed.status == 0, "\(suppressed.stderr)")
        let released = csvRecords(read(out + "/timeliness.csv"))
        #expect(
            try released.map { try #require($0["case_manager_id"]) + "/" + #require($0["locality"]) } == [
                "CM05/Chelmsford", "ALL/Chelmsford",
            ])
        for t in released {
            #expect(
                [
                    "outcomes", "median_working_days", "within_target", "within_target_percent", "enrolled",
                    "median_working_days_to_enrolment",
                    "not_found_by_a_run", "target_working_days",
                ].map { t[$0] } == ["*", "*", "*", "*", "*", "*", "0", "2"])
        }
        #expect(
            csvRecords(read(out + "/enrolment_outcomes.csv")).map { r in r.sorted { $0.key < $1.key }.map(\.value) }
                == [["*", "*", "*", "*", "*", "*", "Chelmsford"]])

        let m = try CaseFind.run(measures(out: out, extracts: extracts, asOf: "2026-12-31") + ["--disclosure", "none"])
        #expect(m.status == 0, "\(m.stderr)")
        let columns = [
            "outcomes", "median_working_days", "within_target", "within_target_percent", "enrolled", "median_working_days_to_enrolment",
            "not_found_by_a_run",
        ]
        let timeliness = csvRecords(read(out + "/timeliness.csv"))
        #expect(
            try timeliness.map { try #require($0["case_manager_id"]) + "/" + #require($0["locality"]) } == [
                "CM05/Chelmsford", "ALL/Chelmsford",
            ])
        for t in timeliness { #expect(columns.map { t[$0] } == ["3", "2.0", "2", "66.7", "2", "1.5", "0"]) }

        let enrolment = csvRecords(read(out + "/enrolment_outcomes.csv"))
        #expect(enrolment.count == 1)
        #expect(
            [
                "locality", "enrolled", "full_year_after", "emergency_admissions_before", "bed_days_before", "emergency_admissions_after",
                "bed_days_after",
            ].map { enrolment.first?[$0] ?? "?" } == ["Chelmsford", "2", "0", "3", "15", "0", "0"])

        // Coverage: both enrolled patients are actively case-managed (the declined one is not).
        #expect(try run("2026-12-31", ["--baseline", "2025-11:2026-04", "--disclosure", "none"]).status == 0)
        let found = Set(try column("nhs_number", of: csvRecords(read(out + "/cases.csv")).filter { $0["locality"] == "Chelmsford" }))
        let coverage = try #require(csvRecords(read(out + "/case_management.csv")).first { $0["locality"] == "Chelmsford" })
        #expect(coverage["actively_case_managed"] == "2")
        #expect(coverage["case_found"] == String(found.count))
        #expect(coverage["case_found_and_managed"] == String(found.intersection(["9991269622", "9991664424"]).count))

        // The report carries the same figures.
        let page = read(out + "/report.html")
        #expect(page.contains("Actively case-managed") && page.contains("12 months before and after enrolment"))
        #expect(page.contains("Baseline: 2025-11 to 2026-04 (mean per month)."))
        #expect(page.contains("within 2 working days"))
        #expect(
            page.contains(
                "<td>CM05</td><td>Chelmsford</td><td class=\"num\">3</td><td class=\"num\">2.0</td><td class=\"num\">2 (67%)</td>"))
        // Suppressed, the page shows none of them.
        #expect(try run("2026-12-31", ["--baseline", "2025-11:2026-04"]).status == 0)
        let releasedPage = read(out + "/report.html")
        #expect(reportSection(releasedPage, "screening").contains(tableRow(["CM05", "Chelmsford"], ["*", "*", "* (*)"])))
        #expect(reportSection(releasedPage, "monitoring").contains(tableRow(["Chelmsford"], Array(repeating: "*", count: 6))), "enrolment")
    }
}
