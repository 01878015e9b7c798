import Rules
import TestSupport
import Testing

/// The `reasons` column of a practice's list: one phrase per criterion met, in rank order, in
/// words a GP reads at a glance, with the dates behind them.
@Suite struct PlainReasonsTests {
    /// Frailty admissions grouped by date; the count of continuous stays with their dates, the
    /// year written once per run of the same year; the care-home register; drugs; a nomination.
    @Test func everyCriterionInPlainEnglish() throws {
        var s = Scenario()
        s.patient(1, born: "1935-04-01")
        s.episode(1, spell: "A", admitted: "2025-12-14", discharged: "2025-12-20", diagnoses: ["E86.0", "N39.0"])
        s.episode(1, spell: "B", admitted: "2026-02-03", discharged: "2026-02-05", diagnoses: ["I10"])
        s.episode(1, spell: "C", admitted: "2026-09-14", discharged: "2026-09-18", diagnoses: ["W19X"])
        for (k, bnf) in ["0212000B0AAAAAA", "0205051R0AAAAAA", "0206020A0AAAAAA", "0103050P0AAAAAA", "0407010H0AAAAAA"].enumerated() {
            s.prescription(1, issued: "2026-10-0\(k + 1)", bnf: bnf)
        }
        s.residence.append("\(nhs(1)),1-123456789,nursing,2024-05-01,")
        s.nominations.append("\(nhs(1)),2026-03-02,G1234567,complex needs")
        let o = try s.evaluate()
        #expect(try o[1].criteriaText == "frailty;admissions;care_home;polypharmacy;nomination")
        #expect(
            o.reasons[1]
                == "frailty admission in 12 months: dehydration, urinary tract infection (14 Dec 2025); fall (14 Sep 2026); "
                + "3 admissions in 12 months (14 Dec 2025, 3 Feb, 14 Sep 2026); in a care home (register, 1-123456789, since 1 May 2024); "
                + "5 drugs in 84 days; nominated by a clinician (G1234567, 2 Mar 2026)")
    }

    /// A care-home code on the latest admission, and a transfer joined into one stay.
    @Test func careHomeFromTheLatestAdmissionAndJoinedStays() throws {
        var s = Scenario()
        s.patient(2, born: "1940-01-01")
        s.episode(2, spell: "A", admitted: "2026-05-01", discharged: "2026-05-04")
        s.episode(2, spell: "B", admitted: "2026-05-05", discharged: "2026-05-09", method: "81")
        s.episode(2, spell: "C", admitted: "2026-08-10", discharged: "2026-08-12", source: "54", destination: "54")
        let o = try s.evaluate()
        #expect(try o[2].criteriaText == "admissions;care_home")
        #expect(o.reasons[2] == "2 admissions in 12 months (1 May, 10 Aug 2026); admitted from and back to a care home (10 Aug 2026)")
    }

    /// Nobody case-found, nothing said; R11 under 70 is not a reason.
    @Test func onlyCriteriaMetAreGiven() throws {
        var s = Scenario()
        s.patient(3, born: "1958-01-01")
        s.episode(3, spell: "A", admitted: "2026-05-01", discharged: "2026-05-02", diagnoses: ["R11"])
        let o = try s.evaluate()
        #expect(try o[3].criteriaText == "")
        #expect(o.reasons[3] == "")
    }
}

/// What the evaluation works out once is reused; a criterion with a window of its own still
/// counts over its own window.
@Suite struct SharedFiguresTests {
    /// A second polypharmacy criterion over a year: its own count, in the explanation and the
    /// practice list, while `distinct_drugs` keeps the first criterion's 84 days.
    @Test func polypharmacyOverAnotherWindow() throws {
        let year = """

              - id: polypharmacy_year
                rank: 6
                kind: polypharmacy
                window: 365 days
                min_distinct: 6
                bnf_chapters: 1-15

            """
        let text = try CriteriaFileTests.essexText().replacingOccurrences(of: "\n  - id: nomination\n", with: year + "  - id: nomination\n")
        let criteria = try CriteriaSet.parse(text, path: "year.yaml")
        #expect(criteria.criteria.map(\.id).last == "polypharmacy_year")
        var s = Scenario()
        s.patient(1, born: "1935-04-01")
        let bnf = ["0212000B0AAAAAA", "0205051R0AAAAAA", "0206020A0AAAAAA", "0103050P0AAAAAA", "0407010H0AAAAAA", "0101010C0AAAAAA"]
        for (k, code) in bnf.enumerated() {
            s.prescription(1, issued: k == 0 ? "2026-03-01" : "2026-10-0\(k)", bnf: code)
        }
        let o = try s.evaluate(criteria: criteria)
        let e = try o[1]
        #expect(e.criteriaText == "polypharmacy;polypharmacy_year")
        #expect(e.distinctDrugs == 5)
        #expect(o.reasons[1] == "5 drugs in 84 days; 6 drugs in 365 days")
        #expect(e.results[3].reasons.first?.hasPrefix("5 distinct substance(s)") == true)
        #expect(e.results[5].reasons.first?.hasPrefix("6 distinct substance(s)") == true)
    }
}
