/// One case-found patient: what the search found, the risk, and where placing put them. The
/// domain's case record, carried through allocation and the state store into every list.
public struct CaseRecord: Sendable, Equatable {
    /// The columns of cases.csv (and the first columns of incidence.csv), in order: the one
    /// definition, which the warehouse SQL's case list follows up to `risk_band`.
    public static let columns = [
        "nhs_number", "gp_practice", "pct", "locality", "age", "priority", "criteria", "frailty_codes", "admissions",
        "distinct_drugs", "care_home", "nominated", "risk_score", "risk_band", "status", "case_manager_id", "waiting_position",
    ]

    public var nhsNumber: String
    public var practice: String
    public var pct: String
    public var locality: String
    public var age: Int
    public var priority: Int
    /// Ids of the criteria met, in rank order.
    public var criteria: [String]
    /// Matched normalised frailty codes, sorted.
    public var frailtyCodes: [String]
    public var admissions: Int
    public var distinctDrugs: Int
    public var careHome: Bool
    public var nominated: Bool
    /// One decimal place (`10.3`); empty when the set has no risk model.
    public var riskScore = ""
    public var riskBand = ""
    /// The risk score in tenths (0 without a risk model): what allocation orders by.
    public var riskTenths = 0
    /// Where the patient stands after placing; nil before it.
    public var status: CaseStatus?
    public var caseManagerID = ""
    public var waitingPosition: Int?
    /// For the practice's list: the date of birth, and why the patient is on it in plain English.
    public var dateOfBirth: Day?
    public var reasons = ""

    public init(
        nhsNumber: String, practice: String, pct: String, locality: String, age: Int, priority: Int, criteria: [String],
        frailtyCodes: [String], admissions: Int, distinctDrugs: Int, careHome: Bool, nominated: Bool
    ) {
        self.nhsNumber = nhsNumber
        self.practice = practice
        self.pct = pct
        self.locality = locality
        self.age = age
        self.priority = priority
        self.criteria = criteria
        self.frailtyCodes = frailtyCodes
        self.admissions = admissions
        self.distinctDrugs = distinctDrugs
        self.careHome = careHome
        self.nominated = nominated
    }
}
