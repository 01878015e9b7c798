import CaseCore
import Testing

@testable import Report

/// The page's counts per locality by priority and by risk band, made in one pass.
@Suite struct ReportTallyTests {
    static func patient(_ locality: String, priority: Int, band: String) -> CaseRecord {
        var c = CaseRecord(
            nhsNumber: "", practice: "", pct: "", locality: locality, age: 80, priority: priority, criteria: [], frailtyCodes: [],
            admissions: 0, distinctDrugs: 0, careHome: false, nominated: false)
        c.riskBand = band
        return c
    }

    @Test func countsEachCaseUnderItsLocalityPriorityAndBand() {
        let cases = [
            Self.patient("North", priority: 1, band: "high"), Self.patient("North", priority: 2, band: "low"),
            Self.patient("South", priority: 1, band: "high"), Self.patient("North", priority: 1, band: "intermediate"),
            // A locality the scoping does not list counts in no locality, but in its band overall.
            Self.patient("Elsewhere", priority: 1, band: "high"),
            // A band the model does not name counts nowhere.
            Self.patient("South", priority: 3, band: ""),
        ]
        let t = ReportModel.tally(cases, localities: ["North", "South"], ranks: [1, 2, 3], bands: ["low", "intermediate", "high"])
        #expect(t.priorities == [[2, 1, 0], [1, 0, 1]])
        #expect(t.bands == [[1, 1, 1], [0, 0, 1]])
        #expect(t.overallBands == [1, 1, 3])
    }

    @Test func sharedRanksAndRepeatedLocalitiesEachCount() {
        // Two criteria of one rank each count the case, as two columns of the same rank would.
        let cases = [Self.patient("North", priority: 2, band: "high")]
        let t = ReportModel.tally(cases, localities: ["North", "North"], ranks: [2, 2], bands: [])
        #expect(t.priorities == [[1, 1], [1, 1]])
        #expect(t.bands == [[], []])
        #expect(t.overallBands == [])
    }
}
