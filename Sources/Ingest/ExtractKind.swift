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

    /// The extracts `casefind sql` reads as tables (a mapping's `tables:`, `--table`).
    public static let warehouseTables: [ExtractKind] = [
        .patients, .practices, .admissions, .prescriptions, .residence, .nominations, .optOuts,
    ]

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

    /// The column that may stand in for a required one: prescriptions coded by dm+d (SNOMED CT)
    /// id need no bnf_code column (the BNF map gives the code).
    public func alternative(to column: String) -> String? {
        self == .prescriptions && column == "bnf_code" ? "dmd_code" : nil
    }

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
            return [
                ("nhs_number", true), ("issue_date", true), ("bnf_code", true), ("drug_name", false), ("quantity", false),
                ("dmd_code", false),
            ]
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
