import CaseCore
import ConfigFile
import Facts

/// `kind: nomination`: a clinician's nomination dated on or before D.
struct NominationCriterion: CriterionRule {
    static let kindName = "nomination"

    static func parse(_ c: YAMLMap) throws(ConfigurationError) -> CriterionKind { .nomination }

    func evaluate(_ p: PatientFacts, in x: EvaluationContext, notes: inout CriterionNotes) -> Bool {
        var met = false
        for n in p.nominations {
            let counts = n.date <= x.asOf
            if counts { met = true }
            notes.add("nominated on \(n.date)\(n.by.map { " by \($0)" } ?? "")\(counts ? "" : ": after the as-of date")")
        }
        if p.nominations.isEmpty { notes.add("no nomination") }
        return met
    }

    /// "nominated by a clinician (G1234567, 2 Mar 2026)": the latest nomination dated by D.
    func plainReason(_ p: PatientFacts, in x: EvaluationContext) -> String {
        let dated = p.nominations.filter { $0.date <= x.asOf }.sorted { $0.date < $1.date }
        if let n = dated.last {
            return "nominated by a clinician (\(n.by.map { "\($0), " } ?? "")\(PlainDate.full(n.date)))"
        } else {
            return "nominated by a clinician"
        }
    }
}
