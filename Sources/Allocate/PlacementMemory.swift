import CaseCore

/// What the run compared with left behind, as values: who was case-found and how, who is on a
/// caseload, and who was screened out. Read from the state store by the wiring; placing never
/// touches the store.
public struct PlacementMemory: Sendable {
    /// A patient as the earlier run left them.
    public struct Previous: Sendable, Equatable {
        /// 0 when not case-found at that run (on a caseload only).
        public var priority: Int
        public var criteria: [String]
        public var status: CaseStatus
        public var waitingPosition: Int?
        public var locality: String

        public init(priority: Int, criteria: [String], status: CaseStatus, waitingPosition: Int?, locality: String) {
            self.priority = priority
            self.criteria = criteria
            self.status = status
            self.waitingPosition = waitingPosition
            self.locality = locality
        }
    }

    /// A place on a caseload: whose, and whether it is one of the reserved (incidence) places.
    public struct Place: Sendable, Equatable {
        public var caseManager: String
        public var reserved: Bool

        public init(caseManager: String, reserved: Bool) {
            self.caseManager = caseManager
            self.reserved = reserved
        }
    }

    /// A patient taken off the list by a screening outcome.
    public struct ScreenedOut: Sendable, Equatable {
        public var status: CaseStatus
        /// The criteria met when the outcome was imported.
        public var criteriaAtOutcome: [String]

        public init(status: CaseStatus, criteriaAtOutcome: [String]) {
            self.status = status
            self.criteriaAtOutcome = criteriaAtOutcome
        }
    }

    /// The earlier run's patients, by person.
    public var previous: [String: Previous]
    /// Caseloads after the screening outcomes imported since the earlier run, by person.
    public var caseload: [String: Place]
    /// People whose latest screening outcome is declined, unsuitable or discharged.
    public var screenedOut: [String: ScreenedOut]

    public init(previous: [String: Previous] = [:], caseload: [String: Place] = [:], screenedOut: [String: ScreenedOut] = [:]) {
        self.previous = previous
        self.caseload = caseload
        self.screenedOut = screenedOut
    }

    /// The criteria a screened-out patient now meets that they did not meet when screened
    /// out (empty: not offered again); nil when not screened out.
    func newCriteria(_ person: String, _ criteria: [String]) -> [String]? {
        guard let o = screenedOut[person] else { return nil }
        return criteria.filter { !o.criteriaAtOutcome.contains($0) }
    }
}
