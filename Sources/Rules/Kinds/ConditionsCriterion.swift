import CaseCore
import ConfigFile
import Facts

/// A named group of codes (a chronic condition) for `conditions` criteria.
public struct CodeGroup: Sendable, Equatable {
    public var name: String
    public var patterns: [CodePattern]
}

/// `kind: conditions`: at least `min_groups` distinct code groups in admissions dated in the
/// window.
struct ConditionsCriterion: CriterionRule {
    static let kindName = "conditions"
    var window: Window
    var minGroups: Int
    var groups: [CodeGroup]

    static func parse(_ c: YAMLMap) throws(ConfigurationError) -> CriterionKind {
        var groups: [CodeGroup] = []
        for g in try c.maps("groups") {
            var patterns: [CodePattern] = []
            for (text, node) in try g.strings("codes") {
                switch CodePattern.parse(text) {
                case .success(let p): patterns.append(p)
                case .failure(let e): throw g.error(e.description, at: node)
                }
            }
            groups.append(CodeGroup(name: try g.string("name"), patterns: patterns))
            try g.finish()
        }
        return .conditions(window: try CriteriaSet.window(c), minGroups: try c.int("min_groups", in: 1...1000), groups: groups)
    }

    /// The first admission in the window with a code of the group.
    private func firstAdmission(with g: CodeGroup, in x: EvaluationContext) -> SpellFacts? {
        let days = window.bounds(x.asOf)
        return x.admissions.first { s in
            days.contains(s.admissionDate)
                && s.diagnoses.contains { code in g.patterns.contains { $0.matches(code) } }
        }
    }

    func evaluate(_ p: PatientFacts, in x: EvaluationContext, notes: inout CriterionNotes) -> Bool {
        var found = 0
        for g in groups {
            if let hit = firstAdmission(with: g, in: x) {
                found += 1
                notes.add("\(g.name): spell \(hit.id) admitted \(hit.admissionDate)")
            }
        }
        notes.add("\(found) condition group(s) in the last \(window); \(minGroups) needed")
        return found >= minGroups
    }

    /// "2 long-term conditions in 24 months (heart failure, COPD)".
    func plainReason(_ p: PatientFacts, in x: EvaluationContext) -> String {
        let names = groups.filter { firstAdmission(with: $0, in: x) != nil }.map(\.name)
        return "\(names.count) long-term conditions in \(window) (\(names.joined(separator: ", ")))"
    }
}
