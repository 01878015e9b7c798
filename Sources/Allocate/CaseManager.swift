/// A case manager's capacity.
public struct CaseManager: Sendable, Equatable {
    public var id: String
    public var locality: String
    /// Patients the case manager can hold (50 to 80 unless configured otherwise).
    public var caseloadMax: Int
    public var active: Bool

    public init(id: String, locality: String, caseloadMax: Int, active: Bool) {
        self.id = id
        self.locality = locality
        self.caseloadMax = caseloadMax
        self.active = active
    }
}
