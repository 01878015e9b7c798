/// A patient case-found or on a caseload at the baseline run who no longer qualifies.
public struct LapsedCase: Sendable, Equatable {
    public var nhsNumber: String
    public var locality: String
    /// 0 when the patient was on a caseload without being case-found.
    public var previousPriority: Int
    public var previousCriteria: [String]
    /// The case manager whose caseload still holds the patient (casefind never removes a
    /// patient from a caseload: a case manager discharges), or empty.
    public var caseManagerID: String

    public init(nhsNumber: String, locality: String, previousPriority: Int, previousCriteria: [String], caseManagerID: String) {
        self.nhsNumber = nhsNumber
        self.locality = locality
        self.previousPriority = previousPriority
        self.previousCriteria = previousCriteria
        self.caseManagerID = caseManagerID
    }
}
