import CaseCore

/// One hospital spell of a patient: the episodes that share a spell_id, merged.
///
/// The store keeps what was observed and decides nothing: which spells are admissions, which
/// are transfers and which codes matter is for the criteria to say.
public struct SpellFacts: Sendable {
    public var id: String
    /// The earliest admission_date of its episodes.
    public var admissionDate: Day
    /// The latest discharge_date of its episodes; nil while the spell is open.
    public var dischargeDate: Day?
    /// Episode rows merged into it (an exact duplicate row counts here but changes nothing else).
    public var episodes: Int
    /// First physical line of the spell in admissions.csv.
    public var line: Int
    /// Distinct codes seen on its episodes; `classifications` holds a zero code for a blank one.
    public var admissionMethods = CodeSet()
    public var classifications = CodeSet()
    public var admissionSources = CodeSet()
    public var dischargeDestinations = CodeSet()
    /// Distinct normalised diagnosis codes from every position of every episode.
    public var diagnoses: [ICD10Code] = []
}

/// A nomination as read.
public struct NominationFacts: Sendable {
    public var date: Day
    public var by: String?
    public var line: Int
}

/// A care-home register entry as read.
public struct ResidenceFacts: Sendable {
    public var careHomeCode: String
    public var from: Day
    public var to: Day?
    public var line: Int
}

/// Everything known about one registered patient.
public struct PatientFacts: Sendable {
    public var person: UInt64
    /// Line on the spine (patients.csv).
    public var line: Int
    public var dateOfBirth: Day
    public var dateOfDeath: Day?
    public var sex: String?
    /// Upper-cased ODS practice code.
    public var practice: String
    /// The earliest discharge date of an episode whose discharge method means death.
    public var hospitalDeath: Day?
    public var spells: [SpellFacts] = []
    /// Each distinct substance with its latest issue date inside the prescription horizon.
    public var substances: [(substance: Substance, lastIssued: Day)] = []
    public var residences: [ResidenceFacts] = []
    public var nominations: [NominationFacts] = []
}
