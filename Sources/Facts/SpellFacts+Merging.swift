import CaseCore
import Ingest

extension SpellFacts {
    mutating func merge(_ row: EpisodeRow) {
        episodes += 1
        if row.admissionDate < admissionDate { admissionDate = row.admissionDate }
        if let d = row.dischargeDate, dischargeDate.map({ d > $0 }) ?? true { dischargeDate = d }
        if row.line < line { line = row.line }
        if let c = row.admissionMethod { codes.insert(c, .admissionMethod) }
        codes.insert(row.patientClassification ?? ShortCode(packed: 0), .classification)
        if let c = row.admissionSource { codes.insert(c, .admissionSource) }
        if let c = row.dischargeDestination { codes.insert(c, .dischargeDestination) }
        for c in row.diagnoses where !diagnoses.contains(c) { diagnoses.append(c) }
    }
}
