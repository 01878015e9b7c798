import CaseCore
import Facts

/// Why a case-found patient is on the list, in words a GP reads at a glance (the `reasons`
/// column of a practice's list): "2 admissions in 12 months (3 Feb, 14 Sep 2026); 6 drugs in
/// 84 days". One phrase per criterion met, in rank order, joined with "; ".
extension Evaluator {
    public func plainReasons(_ p: PatientFacts, evaluation e: Evaluation) -> String {
        let admissions = admissions(p)
        var phrases: [String] = []
        for c in criteria.criteria where e.met(c.id) {
            switch c.kind {
            case .diagnosis(let window, let codes):
                var found: [(label: String, day: Day)] = []
                for s in admissions where window.contains(s.admissionDate, asOf: asOf) {
                    for rule in codes where s.diagnoses.contains(where: { rule.pattern.matches($0) }) {
                        if let min = rule.minAge, e.age < min { continue }
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
                phrases.append("frailty admission in \(window): \(items.joined(separator: "; "))")
            case .admissions(let window, _):
                let days = stays(admissions).map(\.date).filter { window.contains($0, asOf: asOf) }
                phrases.append("\(days.count) admissions in \(window) (\(PlainDate.list(days)))")
            case .careHome(let register, let window, let sources, let destinations):
                if register,
                    let r = p.residences.first(where: { $0.from <= asOf && ($0.to.map { $0 >= asOf } ?? true) })
                {
                    phrases.append("in a care home (register, \(r.careHomeCode), since \(PlainDate.full(r.from)))")
                } else if let latest = admissions.filter({ window.contains($0.admissionDate, asOf: asOf) }).last {
                    let toHome = latest.dischargeDestinations.contains { destinations.contains($0) }
                    let fromHome = latest.admissionSources.contains { sources.contains($0) }
                    let how = fromHome && toHome ? "from and back to" : fromHome ? "from" : "discharged to"
                    phrases.append("admitted \(how) a care home (\(PlainDate.full(latest.admissionDate)))")
                } else {
                    phrases.append("in a care home")
                }
            case .polypharmacy(let window, _, let chapters):
                let n = distinctSubstances(p, window: window, chapters: chapters).count
                phrases.append("\(n) drugs in \(window)")
            case .nomination:
                let dated = p.nominations.filter { $0.date <= asOf }.sorted { $0.date < $1.date }
                if let n = dated.last {
                    phrases.append("nominated by a clinician (\(n.by.map { "\($0), " } ?? "")\(PlainDate.full(n.date)))")
                } else {
                    phrases.append("nominated by a clinician")
                }
            case .conditions(let window, _, let groups):
                let names = groups.filter { g in
                    admissions.contains { s in
                        window.contains(s.admissionDate, asOf: asOf)
                            && s.diagnoses.contains { code in g.patterns.contains { $0.matches(code) } }
                    }
                }.map(\.name)
                phrases.append("\(names.count) long-term conditions in \(window) (\(names.joined(separator: ", ")))")
            }
        }
        return phrases.joined(separator: "; ")
    }
}

/// Dates as a GP writes them: "3 Feb 2026".
enum PlainDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func full(_ d: Day) -> String {
        let c = d.components
        return "\(c.day) \(months[c.month - 1]) \(c.year)"
    }

    /// Dates in order, the year written once per run of the same year: "14 Dec 2025, 3 Feb, 14 Sep 2026".
    static func list(_ days: [Day]) -> String {
        let sorted = days.sorted()
        var parts: [String] = []
        for (i, d) in sorted.enumerated() {
            let c = d.components
            let lastOfYear = i == sorted.count - 1 || sorted[i + 1].components.year != c.year
            parts.append(lastOfYear ? "\(c.day) \(months[c.month - 1]) \(c.year)" : "\(c.day) \(months[c.month - 1])")
        }
        return parts.joined(separator: ", ")
    }
}
