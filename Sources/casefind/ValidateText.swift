import CaseFinderKit
import Ingest
import Report

/// What `casefind validate` prints: the findings (NHS numbers withheld: it goes to a terminal
/// or a cron log), then each file's counts and the verdict.
enum ValidateText {
    static func text(_ findings: Validate.Findings, limit: Int = 1000) -> String {
        let stats = findings.stats
        var lines: [String] = []
        for d in findings.diagnostics.prefix(limit) {
            var shown = d
            if d.field == "nhs_number" { shown.value = "(withheld)" }
            lines.append(shown.rendered)
        }
        if findings.diagnostics.count > limit { lines.append("... and \(findings.diagnostics.count - limit) more") }
        for s in stats {
            if s.present {
                lines.append(
                    "\(s.fileName): read \(s.read), accepted \(s.accepted), rejected \(s.rejected), unregistered \(s.unregistered), warnings \(s.warnings)"
                        + (s.optedOut > 0 ? ", opted out \(s.optedOut) (dropped under the opt-out policy)" : ""))
            } else {
                lines.append("\(s.fileName): absent (no such data)")
            }
        }
        if let map = findings.bnfMap {
            // The figures summary.json's bnf_map gives, in the order it lists them.
            let used = RunSummary.BNFMapUse(map, stats.first { $0.kind == .prescriptions })
            let listed = used.unmapped.prefix(10).map { "\($0.dmdCode) (\($0.rows))" }.joined(separator: ", ")
            lines.append(
                "BNF map \(used.file) (sha256 \(used.sha256)): \(used.ids) ids with a BNF code; \(used.dmdRows) prescription row(s) read by dm+d id, \(used.unmappedRows) of them by \(used.unmapped.count) id(s) it does not map"
                    + (listed.isEmpty ? "" : ": " + listed) + (used.unmapped.count > 10 ? ", ..." : ""))
        }
        let rejected = stats.reduce(0) { $0 + $1.rejected }
        lines.append(rejected == 0 ? "valid: no row would be rejected" : "\(rejected) row(s) would be rejected")
        return lines.joined(separator: "\n")
    }
}
