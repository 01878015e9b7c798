import CaseCore
import ConfigFile
import Facts

/// `kind: admissions`: at least `min_count` admissions (continuous stays) dated in the window.
struct AdmissionsCriterion: CriterionRule {
    static let kindName = "admissions"
    var window: Window
    var minCount: Int

    static func parse(_ c: YAMLMap) throws(ConfigurationError) -> CriterionKind {
        .admissions(window: try CriteriaSet.window(c), minCount: try c.int("min_count", in: 1...1000))
    }

    func evaluate(_ p: PatientFacts, in x: EvaluationContext, notes: inout CriterionNotes) -> Bool {
        var count = 0
        let days = window.bounds(x.asOf)
        for st in x.stays where days.contains(st.date) {
            count += 1
            notes.add("stay from \(st.date): spell\(st.spellIDs.count > 1 ? "s" : "") \(st.spellIDs.joined(separator: " + "))")
        }
        notes.add(summary(count, asOf: x.asOf))
        return count >= minCount
    }

    private func summary(_ count: Int, asOf: Day) -> String {
        let span = window.span(asOf)
        return "\(count) admission(s) (continuous stays) from \(span.first) to \(span.last); \(minCount) needed"
    }

    /// "3 admissions in 12 months (14 Dec 2025, 3 Feb, 14 Sep 2026)".
    func plainReason(_ p: PatientFacts, in x: EvaluationContext) -> String {
        let bounds = window.bounds(x.asOf)
        let days = x.stays.map(\.date).filter { bounds.contains($0) }
        return "\(days.count) admissions in \(window) (\(PlainDate.list(days)))"
    }
}
