import CaseCore

/// The extracts of the contract (`spec/extracts.md`), each read from `<name>.csv`.
public enum ExtractKind: String, CaseIterable, Sendable, Hashable, Comparable {
    case caseManagers = "case_managers"
    case practices
    case localities
    /// Patients whose data must not be processed (type 1 objections, national data opt-outs).
    case optOuts = "opt_outs"
    case patients
    case admissions
    case prescriptions
    case residence
    case nominations
    /// Case managers' screening outcomes (`casefind screening import`), not an extract.
    case screening

    /// The contract's file name.
    public var defaultFileName: String { rawValue + ".csv" }

    /// The order files are read in: configuration first (so a bad caseload stops the run at
    /// once), then the practices and the spine, then activity, which needs the spine.
    public static func < (a: ExtractKind, b: ExtractKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The extracts a run reads, in reading order (screening outcomes are imported separately).
    public static var extracts: [ExtractKind] { allCases.filter { $0 != .screening }.sorted() }

    /// Whether a run refuses to start without this file.
    public var isRequired: Bool { self == .patients || self == .practices }

    /// The contract's columns: name and whether a row without it is rejected.
    public var columns: [(name: String, required: Bool)] {
        switch self {
        case .patients:
            return [("nhs_number", true), ("date_of_birth", true), ("sex", false), ("gp_practice", true), ("date_of_death", false)]
        case .admissions:
            return [
                ("nhs_number", true), ("spell_id", true), ("episode_number", false), ("admission_date", true),
                ("discharge_date", false), ("admission_method", false), ("patient_classification", false),
                ("admission_source", false), ("discharge_destination", false), ("discharge_method", false),
            ]
        case .prescriptions:
            return [("nhs_number", true), ("issue_date", true), ("bnf_code", true), ("drug_name", false), ("quantity", false)]
        case .residence:
            return [("nhs_number", true), ("care_home_code", true), ("care_home_type", false), ("from_date", true), ("to_date", false)]
        case .nominations:
            return [("nhs_number", true), ("nominated_on", true), ("nominated_by", false), ("reason", false)]
        case .practices:
            return [("practice_code", true), ("practice_name", false), ("pct", true), ("locality", true)]
        case .localities:
            return [("locality", true), ("pct", false), ("expected_patients", true), ("weighted_capitation", false)]
        case .caseManagers:
            return [("case_manager_id", true), ("name", false), ("locality", true), ("caseload_max", true), ("active", false)]
        case .screening:
            return [("nhs_number", true), ("outcome", true), ("date", true), ("case_manager_id", false)]
        case .optOuts:
            return [("nhs_number", true), ("type", true), ("recorded_date", false)]
        }
    }
}

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
    public var outcome: String
    public var date: Day
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
