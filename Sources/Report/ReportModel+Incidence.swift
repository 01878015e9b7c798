/// What changed since the last run: the patients newly case-found and what triggered it.
extension ReportModel {
    /// Patients newly case-found, per criterion that triggered it.
    public struct TriggerCount: Sendable, Equatable {
        public var trigger: String
        public var patients: Int

        public init(trigger: String, patients: Int) {
            self.trigger = trigger
            self.patients = patients
        }
    }

    /// A patient newly case-found since the last run.
    public struct IncidentPatient: Sendable, Equatable {
        /// Rendered only when the model is ``ReportModel/identifiable``; leave nil otherwise.
        public var nhsNumber: String?
        public var locality: String
        public var priority: Int
        /// The criteria new for the patient (`C2;C5`).
        public var trigger: String
        /// allocated, waiting or no_capacity.
        public var status: String

        public init(nhsNumber: String?, locality: String, priority: Int, trigger: String, status: String) {
            self.nhsNumber = nhsNumber
            self.locality = locality
            self.priority = priority
            self.trigger = trigger
            self.status = status
        }
    }

    /// What changed since the last run.
    public struct Incidence: Sendable, Equatable {
        /// Patients newly case-found (may exceed `patients.count` when the caller trimmed the list).
        public var count: Int
        public var byTrigger: [TriggerCount]
        public var patients: [IncidentPatient]

        public init(count: Int, byTrigger: [TriggerCount], patients: [IncidentPatient]) {
            self.count = count
            self.byTrigger = byTrigger
            self.patients = patients
        }
    }
}
