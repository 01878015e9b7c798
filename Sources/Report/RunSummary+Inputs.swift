import CaseCore
import Ingest

extension RunSummary.Input {
    /// One extract's line in summary.json, from what reading it found.
    public init(_ s: FileStats) {
        self.init(
            file: s.fileName, present: s.present, sha256: s.present ? s.sha256 : nil, bytes: s.bytes, read: s.read,
            accepted: s.accepted, rejected: s.rejected, unregistered: s.unregistered, warnings: s.warnings, optedOut: s.optedOut)
        if !s.parts.isEmpty {
            parts = s.parts.map(Self.init)
        }
    }
}

extension RunSummary {
    /// Case-found patients per priority ("1", "2" ...) and per locality.
    public static func counts(_ cases: [CaseRecord]) -> (perPriority: [String: Int], perLocality: [String: Int]) {
        var perPriority: [String: Int] = [:]
        var perLocality: [String: Int] = [:]
        // By index: a case taken out of the list is a copy.
        for k in cases.indices {
            perPriority[String(cases[k].priority), default: 0] += 1
            perLocality[cases[k].locality, default: 0] += 1
        }
        return (perPriority, perLocality)
    }
}
