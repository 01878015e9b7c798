import CaseCore
import Ingest

extension SpellFacts {
    mutating func merge(_ row: EpisodeRow) {
        episodes += 1
        if row.admissionDate < admissionDate { admissionDate = row.admissionDate }
        if let d = row.dischargeDate, dischargeDate.map({ d > $0 }) ?? true { dischargeDate = d }
        if row.line < line { line = row.line }
        Self.insert(row.admissionMethod, into: &admissionMethods)
        Self.insert(row.patientClassification ?? ShortCode(packed: 0), into: &classifications)
        Self.insert(row.admissionSource, into: &admissionSources)
        Self.insert(row.dischargeDestination, into: &dischargeDestinations)
        for c in row.diagnoses where !diagnoses.contains(c) { diagnoses.append(c) }
    }

    private static func insert(_ code: ShortCode?, into set: inout CodeSet) {
        if let code { set.insert(code) }
    }
}
