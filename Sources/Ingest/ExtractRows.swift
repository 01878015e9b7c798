import CaseCore

/// A registered patient (patients.csv).
public struct PatientRow: Sendable {
    /// 1-based physical line the row starts on.
    public var line: Int
    public var person: UInt64
    public var dateOfBirth: Day
    public var sex: String?
    public var practice: String
    public var dateOfDeath: Day?
}

/// One consultant episode (admissions.csv). `diagnoses` holds the valid normalised codes of
/// every diagnosis position, in column order.
public struct EpisodeRow: Sendable {
    /// 1-based physical line the row starts on.
    public var line: Int
    public var person: UInt64
    public var spellID: String
    public var episodeNumber: Int?
    public var admissionDate: Day
    public var dischargeDate: Day?
    public var admissionMethod: ShortCode?
    public var patientClassification: ShortCode?
    public var admissionSource: ShortCode?
    public var dischargeDestination: ShortCode?
    public var dischargeMethod: ShortCode?
    public var diagnoses: [ICD10Code]
}

/// One prescription item issued (prescriptions.csv).
public struct PrescriptionRow: Sendable {
    public var person: UInt64
    public var issueDate: Day
    public var substance: Substance
}

/// One care-home stay on the register (residence.csv).
public struct ResidenceRow: Sendable {
    /// 1-based physical line the row starts on.
    public var line: Int
    public var person: UInt64
    public var careHomeCode: String
    public var careHomeType: String?
    public var fromDate: Day
    public var toDate: Day?
}

/// One screening outcome (`casefind screening import`). The outcome is lower-cased text.
public struct ScreeningRow: Sendable {
    public var line: Int
    public var person: UInt64
    public var outcome: ScreeningOutcomeKind
    public var date: Day
    /// Always there for `enrolled` (a row without it is rejected).
    public var caseManagerID: String?
}

/// One clinician's nomination (nominations.csv).
public struct NominationRow: Sendable {
    /// 1-based physical line the row starts on.
    public var line: Int
    public var person: UInt64
    public var nominatedOn: Day
    public var nominatedBy: String?
}

/// One opt-out (opt_outs.csv); `type` is nil when it is neither type1 nor ndoo.
public struct OptOutRow: Sendable {
    public var line: Int
    public var person: UInt64
    public var type: OptOutType?
}

/// Where a practice belongs (practices.csv). The code is upper-cased.
public struct PracticeRow: Sendable {
    public var code: String
    public var name: String?
    public var pct: String
    public var locality: String
}

/// A locality's scoping figure (localities.csv).
public struct LocalityRow: Sendable {
    /// The expected_patients a row may give: a locality's older population, at most 100 million.
    public static let expectedRange = 0...100_000_000

    public var locality: String
    public var pct: String?
    public var expectedPatients: Int
    public var weightedCapitation: String?
}

/// A case manager (case_managers.csv).
public struct CaseManagerRow: Sendable {
    public var id: String
    public var name: String?
    public var locality: String
    /// Whole patients, within the configured limits (50-80 unless configured otherwise).
    public var caseloadMax: Int
    public var active: Bool
    /// Where the row was read, for messages.
    public var location: SourceLocation
}
