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
    /// The table, loaded once; a load error fails each test that uses it.
    static func model() throws -> RiskModel { try loaded.get() }
    private static let loaded = Result {
        try RiskModel.load(path: repositoryRoot() + "/criteria/hfrs-gilbert-2018.yaml", window: .months(24))
    }

    /// A code as HES spells it; one that does not read as a code fails the test at the caller.
    func code(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> ICD10Code {
        let code: ICD10Code? = if case .code(let c) = ICD10Code.read(text) { c } else { nil }
        return try #require(code, "\(text) does not read as an ICD-10 code", sourceLocation: sourceLocation)
    }

    func codes(_ texts: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [ICD10Code] {
        try texts.map { try code($0, sourceLocation: sourceLocation) }
    }

    @Test func theTableHas109CategoriesSummingTo173Point2() throws {
        let model = try HFRSTests.model()
        #expect(model.points.count == 109)
        #expect(model.points.values.reduce(0) { $0 + $1.value } == 1732)
        #expect(try model.points[code("F00")] == Tenths(71))
        #expect(try model.points[code("R50")] == Tenths(1))
        #expect(model.validatedMinAge == 75)
    }

    /// F00 (7.1) and W19 (3.2) score 10.3, however HES spells them.
    @Test(arguments: [["F00", "W19"], ["F00.0", "W19X"], ["f001", "W19.0", "F00.9"], ["F009", "W190", "I10X"]])
    func dementiaAndAFall(spellings: [String]) throws {
        let s = try HFRSTests.model().score(codes(spellings))
        #expect(s.score.description == "10.3")
        #expect(s.categories.map(\.description) == ["F00", "W19"])
    }

    /// 1.9 + 2.3 + 0.8 is exactly 5.0: intermediate, not low.
    @Test func tenthsAddExactly() throws {
        let s = try HFRSTests.model().score(codes(["H54", "E86", "R13"])).score
        #expect(s == Tenths(50))
        #expect(s.description == "5.0")
        #expect(try HFRSTests.model().band(s) == "intermediate")
    }

    @Test(arguments: [(0, "low"), (49, "low"), (50, "intermediate"), (150, "intermediate"), (151, "high"), (1732, "high")])
    func bands(tenths: Int, band: String) throws {
        #expect(try HFRSTests.model().band(Tenths(tenths)) == band)
    }

    @Test func codesOutsideTheTableScoreNothing() throws {
        #expect(try HFRSTests.model().score(codes(["I10", "E11", "J44"])).score == Tenths(0))
        #expect(Tenths(0).description == "0.0")
    }

    /// Through the fact store: two years back, admissions only, a category seen twice once.
    @Test func overAdmissionsInTheLastTwoYears() throws {
        let asOf = try #require(DateFormat.iso.parse("2026-11-22"))
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
        let key = try #require(NHSNumber.parse(nhs(1)))
        let p = try #require(store.patient(key))
        let s = try HFRSTests.model().score(Evaluator(criteria: criteria, asOf: asOf).evaluate(p))
        #expect(s.score.description == "10.3")
        #expect(s.categories.map(\.description) == ["F00", "W19"])
    }

    @Test(arguments: [
        ("points: 7.1,", "points: 7.15,", "at most one decimal"), ("code: G81,", "code: G811,", "three-character"),
        ("code: G81,", "code: F00,", "listed twice"), ("  - { band: high }", "  - { band: high, up_to: 99.0 }", "last band"),
        // Points past 100000 once crashed validate (the tenths overflowed) or, just under
        // Int.max tenths, passed it and crashed run when a patient had two scored codes.
        ("points: 7.1,", "points: 9223372036854775807,", "a number from 0 to 100000"),
        ("points: 7.1,", "points: 922337203685477580.7,", "a number from 0 to 100000"),
        ("points: 7.1,", "points: 100000.1,", "a number from 0 to 100000"),
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
