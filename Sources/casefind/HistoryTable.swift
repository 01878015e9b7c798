import Foundation
import Store

/// `casefind history`: the recorded runs, newest first, one line each.
enum HistoryTable {
    /// The recorded runs, newest first, one line each.
    static func table(statePath: String) throws(StateError) -> String {
        guard FileManager.default.fileExists(atPath: statePath) else { throw StateError("no state store at \(statePath)") }
        let runs = try StateStore(path: statePath).runs()
        guard !runs.isEmpty else { return "no runs recorded in \(statePath)" }
        var lines = [
            "id  command    as_of       criteria      registered  case_found  allocated  waiting  incident  finished                  outcome"
        ]
        for r in runs {
            func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
            lines.append(
                pad(String(r.id), 4) + pad(r.command, 11) + pad(r.asOf, 12) + pad(r.criteriaID, 14) + pad(String(r.registered), 12)
                    + pad(String(r.caseFound), 12) + pad(String(r.allocated), 11) + pad(String(r.waiting), 9) + pad(String(r.incident), 10)
                    + pad(r.finished, 26) + r.outcome)
        }
        return lines.joined(separator: "\n")
    }
}
