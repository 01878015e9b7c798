import CaseCore
import ConfigFile
import Facts

/// A code list entry: a pattern, what it means, and an optional minimum age for it to count
/// (R11 nausea and vomiting only at 70 and over).
public struct CodeRule: Sendable, Equatable {
    public var pattern: CodePattern
    public var label: String
    public var minAge: Int?
}

/// `kind: diagnosis`: an admission dated in the window carries one of the codes in any
/// diagnosis position of any of its episodes (a code with a minimum age counts only at or over it).
struct DiagnosisCriterion: CriterionRule {
    static let kindName = "diagnosis"
    var window: Window
    var codes: [CodeRule]

    static func parse(_ c: YAMLMap) throws(ConfigurationError) -> CriterionKind {
        var rules: [CodeRule] = []
        for entry in try c.maps("codes") {
            let pattern = try CriteriaSet.pattern(entry, "code")
            rules.append(
                CodeRule(
                    pattern: pattern, label: try entry.optionalString("label") ?? "",
                    minAge: try entry.optionalInt("min_age", in: 0...130)))
            try entry.finish()
        }
        return .diagnosis(window: try CriteriaSet.window(c), codes: rules)
    }

    func evaluate(_ p: PatientFacts, in x: EvaluationContext, notes: inout CriterionNotes) -> Bool {
        let asOf = x.asOf
        let age = x.age
        var found: Set<ICD10Code> = []
        let days = window.bounds(asOf)
        for s in x.admissions where days.contains(s.admissionDate) {
            for code in s.diagnoses {
                for rule in codes where rule.pattern.matches(code) {
                    if let min = rule.minAge, age < min {
                        notes.add(
                            "spell \(s.id) admitted \(s.admissionDate): \(code) (\(rule.label)) counts only at \(min) or over; aged \(age)"
                        )
                        continue
                    }
                    found.insert(code)
                    notes.add("spell \(s.id) admitted \(s.admissionDate): \(code) matches \(rule.pattern) (\(rule.label))")
                }
            }
        }
        if found.isEmpty {
            notes.add(noAdmission(asOf))
            return false
        }
        notes.matchedCodes = found
        return true
    }

    private func noAdmission(_ asOf: Day) -> String {
        let span = window.span(asOf)
        return
            "no admission from \(span.first) to \(span.last) carries one of: \(codes.map { $0.pattern.description }.joined(separator: ", "))"
    }

    /// "frailty admission in 12 months: dehydration, urinary tract infection (14 Dec 2025)":
    /// each admission date once, with the labels (or patterns) of the codes that counted.
    func plainReason(_ p: PatientFacts, in x: EvaluationContext) -> String {
        var found: [(label: String, day: Day)] = []
        let days = window.bounds(x.asOf)
        for s in x.admissions where days.contains(s.admissionDate) {
            for rule in codes where s.diagnoses.contains(where: { rule.pattern.matches($0) }) {
                if let min = rule.minAge, x.age < min { continue }
                let label = rule.label.isEmpty ? rule.pattern.description : rule.label
                if !found.contains(where: { $0.label == label && $0.day == s.admissionDate }) {
                    found.append((label, s.admissionDate))
                }
            }
        }
        var byDay: [(day: Day, labels: [String])] = []
        for f in found {
            if let k = byDay.firstIndex(where: { $0.day == f.day }) {
                if !byDay[k].labels.contains(f.label) { byDay[k].labels.append(f.label) }
            } else {
                byDay.append((f.day, [f.label]))
            }
        }
        let items = byDay.map { "\($0.labels.joined(separator: ", ")) (\(PlainDate.full($0.day)))" }
        return "frailty admission in \(window): \(items.joined(separator: "; "))"
    }
}
