import CaseFinderKit
import Ingest

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
            let rx = stats.first { $0.kind == .prescriptions }
            let unmapped = (rx?.unmappedDMD ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            lines.append(
                "BNF map \(map.fileName) (sha256 \(map.sha256)): \(map.ids) ids with a BNF code; \(rx?.dmdRows ?? 0) prescription row(s) read by dm+d id, \(unmapped.reduce(0) { $0 + $1.value }) of them by \(unmapped.count) id(s) it does not map"
                    + (unmapped.isEmpty ? "" : ": " + unmapped.prefix(10).map { "\($0.key) (\($0.value))" }.joined(separator: ", "))
                    + (unmapped.count > 10 ? ", ..." : ""))
        }
        let rejected = stats.reduce(0) { $0 + $1.rejected }
        lines.append(rejected == 0 ? "valid: no row would be rejected" : "\(rejected) row(s) would be rejected")
        return lines.joined(separator: "\n")
    }
}
