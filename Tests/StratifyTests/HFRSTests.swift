import CaseCore
import Facts
import Foundation
import Ingest
import Rules
import Stratify
import TestSupport
import Testing

/// The Hospital Frailty Risk Score against worked examples from its published definition
/// (Gilbert et al., Lancet 2018): each three-character category once, weights in tenths.
@Suite struct HFRSTests {
    static let model = try! RiskModel.load(path: repositoryRoot() + "/criteria/hfrs-gilbert-2018.yaml", window: .months(24))

    func codes(_ texts: [String]) -> [ICD10Code] {
        texts.map { text in
            guard case .code(let c) = ICD10Code.read(text) else { fatalError(text) }
            return c
        }
    }

    @Test func theTableHas109CategoriesSummingTo173Point2() {
        #expect(HFRSTests.model.points.count == 109)
        #expect(HFRSTests.model.points.values.reduce(0) { $0 + $1.value } == 1732)
        #expect(HFRSTests.model.points[codes(["F00"])[0]] == Tenths(71))
        #expect(HFRSTests.model.points[codes(["R50"])[0]] == Tenths(1))
        #expect(HFRSTests.model.validatedMinAge == 75)
    }

    /// F00 (7.1) and W19 (3.2) score 10.3, however HES spells them.
    @Test(arguments: [["F00", "W19"], ["F00.0", "W19X"], ["f001", "W19.0", "F00.9"], ["F009", "W190", "I10X"]])
    func dementiaAndAFall(spellings: [String]) {
        let s = HFRSTests.model.score(codes(spellings))
        #expect(s.score.description == "10.3")
        #expect(s.categories.map(\.description) == ["F00", "W19"])
    }

    /// 1.9 + 2.3 + 0.8 is exactly 5.0: intermediate, not low.
    @Test func tenthsAddExactly() {
        let s = HFRSTests.model.score(codes(["H54", "E86", "R13"])).score
        #expect(s == Tenths(50))
        #expect(s.description == "5.0")
        #expect(HFRSTests.model.band(s) == "intermediate")
    }

    @Test(arguments: [(0, "low"), (49, "low"), (50, "intermediate"), (150, "intermediate"), (151, "high"), (1732, "high")])
    func bands(tenths: Int, band: String) {
        #expect(HFRSTests.model.band(Tenths(tenths)) == band)
    }

    @Test func codesOutsideTheTableScoreNothing() {
        #expect(HFRSTests.model.score(codes(["I10", "E11", "J44"])).score == Tenths(0))
        #expect(Tenths(0).description == "0.0")
    }

    /// Through the fact store: two years back, admissions only, a category seen twice once.
    @Test func overAdmissionsInTheLastTwoYears() throws {
        let asOf = DateFormat.iso.parse("2026-11-22")!
        let episodes = [
            "\(nhs(1)),A,2024-11-22,2024-11-23,1,G81",  // the day before the window: not counted
            "\(nhs(1)),B,2024-11-23,2024-11-24,1,F00.0",  // first day of the window
            "\(nhs(1)),C,2026-05-01,2026-05-02,1,F001;W19X",  // F00 again: once
            "\(nhs(1)),D,2026-06-01,2026-06-01,3,G30",  // regular attender: not an admission
            "\(nhs(1)),E,2026-11-23,2026-11-24,1,R29",  // after the as-of date
        ]
        var text = "nhs_number,spell_id,admission_date,discharge_date,patient_classification,diag_01,diag_02\n"
        for e in episodes { text += e.replacingOccurrences(of: ";", with: ",") + (e.contains(";") ? "" : ",") + "\n" }
        let folder = extractsFolder([
            "patients.csv": "nhs_number,date_of_birth,gp_practice\n\(nhs(1)),1940-01-01,F1\n", "admissions.csv": text,
        ])
        let criteria = try CriteriaSet.load(path: repositoryRoot() + "/criteria/essex-2005.yaml")
        let reader = ExtractReader(directory: folder, sink: DiagnosticCollector())
        let store = FactStore(asOf: asOf, prescriptionHorizon: asOf, deathDischargeMethods: [])
        try reader.readPatients(store.add)
        try reader.readAdmissions(store.add)
        let p = try #require(store.patient(NHSNumber.parse(nhs(1))!))
        let s = HFRSTests.model.score(p, evaluator: Evaluator(criteria: criteria, asOf: asOf))
        #expect(s.score.description == "10.3")
        #expect(s.categories.map(\.description) == ["F00", "W19"])
    }

    @Test(arguments: [
        ("points: 7.1,", "points: 7.15,", "at most one decimal"), ("code: G81,", "code: G811,", "three-character"),
        ("code: G81,", "code: F00,", "listed twice"), ("  - { band: high }", "  - { band: high, up_to: 99.0 }", "last band"),
    ])
    func tableErrorsNameTheLine(old: String, new: String, message: String) throws {
        let path = repositoryRoot() + "/criteria/hfrs-gilbert-2018.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let changed = text.replacingOccurrences(of: old, with: new, options: [], range: text.range(of: old))
        let folder = extractsFolder(["table.yaml": changed])
        do {
            _ = try RiskModel.load(path: folder + "/table.yaml", window: .months(24))
            Issue.record("accepted \(new)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
            #expect((error.location?.line ?? 0) > 0)
        }
    }
}
