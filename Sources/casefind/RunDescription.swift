import CaseFinderKit

/// What the command line prints about a finished run.
enum RunDescription {
    /// The short summary printed on stdout (no NHS numbers).
    static func describe(_ o: Run.Outcome) -> String {
        let s = o.summary
        var lines: [String] = []
        lines.append("casefind \(s.command): criteria \(s.criteria.id), as of \(s.asOf)")
        let funnel = o.result.attrition.map { "\($0.step) \($0.patients)" }.joined(separator: ", ")
        lines.append("  funnel: \(funnel)")
        let priorities = s.perPriority.keys.sorted().map { "P\($0) \(s.perPriority[$0]!)" }.joined(separator: ", ")
        lines.append("  case-found: \(s.caseFound)\(priorities.isEmpty ? "" : " (\(priorities))")")
        for l in s.capacity where l.found > 0 || l.capacity > 0 {
            var line = "    \(l.locality): found \(l.found), allocated \(l.allocated), waiting \(l.waiting)"
            if l.noCapacity > 0 { line += ", no capacity \(l.noCapacity)" }
            lines.append(line)
        }
        if let o = s.optOuts, o.excluded > 0 || o.removedFromState > 0 {
            var line = "  opted out (policy \(o.policy)): \(o.excluded) patient(s) excluded"
            if o.removedFromState > 0 {
                line += "; \(o.removedFromState) removed from the state store, \(o.removedFromCaseloads) of them from a caseload"
            }
            lines.append(line)
        }
        let read = s.inputs.reduce(0) { $0 + $1.read }
        lines.append("  rows read \(read): \(s.rejects) rejected, \(s.warnings) warnings (see rejects.csv); \(s.exceptions) exceptions")
        lines.append("  written to \(o.outputFolder)/")
        return lines.joined(separator: "\n")
    }
}
