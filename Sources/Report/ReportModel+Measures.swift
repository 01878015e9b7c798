/// The monitoring measures (admissions against the baseline, coverage, enrolled patients before
/// and after) and screening timeliness.
extension ReportModel {
    /// One locality-month of the monitoring measures, with the baseline it is compared with.
    public struct MonitoringRow: Sendable, Equatable {
        public var locality: String
        /// `YYYY-MM`.
        public var month: String
        public var emergencyAdmissions: Int
        public var bedDays: Int
        /// Days, shown to one decimal place.
        public var meanLengthOfStay: Double
        /// Mean per month over the baseline months.
        public var baselineEmergencyAdmissions: Double
        /// Mean per month over the baseline months.
        public var baselineBedDays: Double
        public var baselineMeanLengthOfStay: Double
        /// Emergency admissions and their bed days over the whole baseline: the counts the
        /// baseline figures are computed from (they are not shown).
        public var baselineAdmissionsTotal: Int
        public var baselineBedDaysTotal: Int

        public init(
            locality: String, month: String, emergencyAdmissions: Int, bedDays: Int, meanLengthOfStay: Double,
            baselineEmergencyAdmissions: Double, baselineBedDays: Double, baselineMeanLengthOfStay: Double, baselineAdmissionsTotal: Int,
            baselineBedDaysTotal: Int
        ) {
            self.locality = locality
            self.month = month
            self.emergencyAdmissions = emergencyAdmissions
            self.bedDays = bedDays
            self.meanLengthOfStay = meanLengthOfStay
            self.baselineEmergencyAdmissions = baselineEmergencyAdmissions
            self.baselineBedDays = baselineBedDays
            self.baselineMeanLengthOfStay = baselineMeanLengthOfStay
            self.baselineAdmissionsTotal = baselineAdmissionsTotal
            self.baselineBedDaysTotal = baselineBedDaysTotal
        }
    }

    /// Case-found patients of a locality who are actively case-managed.
    public struct CoverageLine: Sendable, Equatable {
        public var locality: String
        public var caseFound: Int
        public var activelyCaseManaged: Int
        public var caseFoundAndManaged: Int

        public init(locality: String, caseFound: Int, activelyCaseManaged: Int, caseFoundAndManaged: Int) {
            self.locality = locality
            self.caseFound = caseFound
            self.activelyCaseManaged = activelyCaseManaged
            self.caseFoundAndManaged = caseFoundAndManaged
        }
    }

    /// Emergency admissions and bed days of a locality's enrolled patients, 12 months before and after enrolment.
    public struct EnrolmentLine: Sendable, Equatable {
        public var locality: String
        public var enrolled: Int
        public var fullYearAfter: Int
        public var admissionsBefore: Int
        public var bedDaysBefore: Int
        public var admissionsAfter: Int
        public var bedDaysAfter: Int

        public init(
            locality: String, enrolled: Int, fullYearAfter: Int, admissionsBefore: Int, bedDaysBefore: Int, admissionsAfter: Int,
            bedDaysAfter: Int
        ) {
            self.locality = locality
            self.enrolled = enrolled
            self.fullYearAfter = fullYearAfter
            self.admissionsBefore = admissionsBefore
            self.bedDaysBefore = bedDaysBefore
            self.admissionsAfter = admissionsAfter
            self.bedDaysAfter = bedDaysAfter
        }
    }

    /// One case manager's screening outcomes.
    public struct ScreeningRow: Sendable, Equatable {
        public var caseManagerID: String
        public var locality: String
        public var outcomes: Int
        /// Median days from case-found to outcome (working days when counted with `WorkingDays`); nil without outcomes.
        public var medianDaysToOutcome: Double?
        /// Outcomes within the target.
        public var withinTarget: Int

        public init(caseManagerID: String, locality: String, outcomes: Int, medianDaysToOutcome: Double?, withinTarget: Int) {
            self.caseManagerID = caseManagerID
            self.locality = locality
            self.outcomes = outcomes
            self.medianDaysToOutcome = medianDaysToOutcome
            self.withinTarget = withinTarget
        }
    }

    /// Screening timeliness against a target.
    public struct Screening: Sendable, Equatable {
        /// The target in words ("contact within 2 working days").
        public var target: String
        public var rows: [ScreeningRow]

        public init(target: String, rows: [ScreeningRow]) {
            self.target = target
            self.rows = rows
        }
    }
}
