import CaseCore
import Facts
import Ingest
import Rules

/// `casefind explain`'s text for one patient: the population test, each criterion and why it
/// did or did not hold, the risk score and its categories, and the outcome.
public enum PatientExplanation {
    /// - Parameters:
    ///   - shown: the patient's NHS number (or person id) as the user should see it.
    ///   - practice: the patient's practice row, nil when practices.csv does not list it.
    public static func text(
        _ p: PatientFacts, shown: String, practice: PracticeRow?, criteria: CriteriaSet, risk: RiskModel?, asOf: Day
    ) -> String {
        let e = Evaluator(criteria: criteria, asOf: asOf, explaining: true).evaluate(p)
        var out: [String] = []
        out.append("patient \(shown) (patients.csv line \(p.line)), criteria \(criteria.id), as of \(asOf)")
        if let practice {
            out.append("  practice \(p.practice): locality \(practice.locality), PCT \(practice.pct)")
        } else {
            out.append("  practice \(p.practice): not in practices.csv, so locality UNMAPPED")
        }
        out.append("  born \(p.dateOfBirth): aged \(e.age) at \(asOf)")
        out.append("  \(e.death.map { "dead: \($0)" } ?? "alive at \(asOf)")")
        let minAge = criteria.population.minAge
        if e.eligible {
            out.append("  population: alive and aged \(minAge) or over: yes")
        } else {
            let why = e.death != nil ? "dead" : "aged \(e.age), under \(minAge)"
            out.append("  population: alive and aged \(minAge) or over: NO (\(why)); never case-found, whatever the criteria below say")
        }
        out.append(
            "  \(p.spells.count) spell(s), \(p.substances.count) substance(s) in the prescription windows, \(p.residences.count) register entr\(p.residences.count == 1 ? "y" : "ies"), \(p.nominations.count) nomination(s)"
        )
        for (c, r) in zip(criteria.criteria, e.results) {
            out.append("  rank \(c.rank) \(c.id) (\(c.label)): \(r.met ? "MET" : "not met")")
            for reason in r.reasons { out.append("      - \(reason)") }
        }
        if let risk {
            let (score, categories) = risk.score(e)
            let span = risk.window.span(asOf)
            let list = categories.map { "\($0) \(risk.points[$0]!)" }.joined(separator: ", ")
            out.append(
                "  risk (\(risk.id)): \(score) \(risk.band(score)) from admissions \(span.first) to \(span.last)\(list.isEmpty ? "" : ": " + list)"
            )
            if let min = risk.validatedMinAge, e.age < min {
                out.append("      - validated at \(min) and over; at \(e.age) the score is a ranking aid only")
            }
        }
        if let priority = e.priority {
            out.append("  case-found: priority \(priority); criteria met: \(e.criteriaMet.map(\.id).joined(separator: ";"))")
        } else {
            out.append("  not case-found")
        }
        return out.joined(separator: "\n")
    }
}
