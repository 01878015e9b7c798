import CaseCore
import Facts
import Foundation
import Ingest
import Rules
import TestSupport
import Testing

/// A tiny set of extracts written to a temporary folder, read through the real ingester and
/// fact store, and evaluated: each rule test states its rows and the outcome it expects.
struct Scenario {
    var patients: [String] = []
    var admissions: [String] = []
    var prescriptions: [String] = []
    var residence: [String] = []
    var nominations: [String] = []
    var practices = ["F81001,Test Surgery,North East Essex,Colchester"]

    static let admissionsHeader =
        "nhs_number,spell_id,episode_number,admission_date,discharge_date,admission_method,patient_classification,admission_source,discharge_destination,discharge_method,diag_01,diag_02,diag_03"

    /// A patient on the spine at practice F81001.
    mutating func patient(_ n: Int, born: String, died: String = "") {
        patients.append("\(nhs(n)),\(born),F,F81001,\(died)")
    }

    /// An episode: spell, admitted, discharged, then optional method, classification, source,
    /// destination, discharge method and up to three diagnoses.
    mutating func episode(
        _ n: Int, spell: String, admitted: String, discharged: String = "", method: String = "21", classification: String = "1",
        source: String = "19", destination: String = "19", dischargeMethod: String = "1", diagnoses: [String] = []
    ) {
        let d = (diagnoses + ["", "", ""]).prefix(3).joined(separator: ",")
        admissions.append(
            "\(nhs(n)),\(spell),1,\(admitted),\(discharged),\(method),\(classification),\(source),\(destination),\(dischargeMethod),\(d)")
    }

    mutating func prescription(_ n: Int, issued: String, bnf: String) {
        prescriptions.append("\(nhs(n)),\(issued),\(bnf),\"Drug, 10mg\",28")
    }

    func folder(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        let files = [
            "patients.csv": (["nhs_number,date_of_birth,sex,gp_practice,date_of_death"] + patients).joined(separator: "\n") + "\n",
            "admissions.csv": ([Scenario.admissionsHeader] + admissions).joined(separator: "\n") + "\n",
            "prescriptions.csv": (["nhs_number,issue_date,bnf_code,drug_name,quantity"] + prescriptions).joined(separator: "\n") + "\n",
            "residence.csv": (["nhs_number,care_home_code,care_home_type,from_date,to_date"] + residence).joined(separator: "\n") + "\n",
            "nominations.csv": (["nhs_number,nominated_on,nominated_by,reason"] + nominations).joined(separator: "\n") + "\n",
            "practices.csv": (["practice_code,practice_name,pct,locality"] + practices).joined(separator: "\n") + "\n",
        ]
        return extractsFolder(files, sourceLocation: sourceLocation)
    }

    /// Reads and evaluates (against the Essex criteria unless given others); returns each
    /// registered patient's evaluation by scenario number, and every diagnostic.
    func evaluate(asOf: String = "2026-11-22", criteria: CriteriaSet? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        throws -> Outcome
    {
        let day = try #require(DateFormat.iso.parse(asOf), "as-of \(asOf)", sourceLocation: sourceLocation)
        let criteria = try criteria ?? Scenario.essex()
        let sink = DiagnosticCollector()
        let reader = ExtractReader(directory: folder(sourceLocation: sourceLocation), missingBefore: criteria.missingBefore, sink: sink)
        let store = FactStore(
            asOf: day, prescriptionHorizon: criteria.prescriptionHorizon(day),
            deathDischargeMethods: criteria.population.deathDischargeMethods)
        try reader.readPractices(store.add)
        try reader.readPatients(store.add)
        try reader.readAdmissions(store.add)
        try reader.readPrescriptions(store.add)
        try reader.readResidence(store.add)
        try reader.readNominations(store.add)
        let evaluator = Evaluator(criteria: criteria, asOf: day, explaining: true)
        var byNumber: [Int: Evaluation] = [:]
        var reasons: [Int: String] = [:]
        for n in 0..<200 {
            if let p = store.patient(try #require(NHSNumber.parse(nhs(n)), sourceLocation: sourceLocation)) {
                let e = evaluator.evaluate(p)
                byNumber[n] = e
                reasons[n] = evaluator.plainReasons(p, evaluation: e)
            }
        }
        return Outcome(evaluations: byNumber, diagnostics: sink.diagnostics, stats: reader.stats, reasons: reasons)
    }

    struct Outcome {
        var evaluations: [Int: Evaluation]
        var diagnostics: [Diagnostic]
        var stats: [ExtractKind: FileStats]
        /// A practice list's `reasons` for each patient.
        var reasons: [Int: String] = [:]

        /// Patient `n`'s evaluation; a patient the store does not hold fails the test at the caller.
        subscript(_ n: Int, sourceLocation sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Evaluation {
            get throws { try #require(evaluations[n], "patient \(n) not registered", sourceLocation: sourceLocation) }
        }
    }

    /// The Essex criteria, loaded once; a load error fails each test that asks for them.
    static func essex() throws -> CriteriaSet { try essexLoaded.get() }
    private static let essexLoaded = Result { try CriteriaSet.load(path: repositoryRoot() + "/criteria/essex-2005.yaml") }
}

extension Evaluation {
    /// Criteria met joined as in cases.csv.
    var criteriaText: String { criteriaMet.map(\.id).joined(separator: ";") }
    var codesText: String { matchedCodes.map(\.description).joined(separator: ";") }
}
