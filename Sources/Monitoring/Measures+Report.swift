import CaseCore
import Facts
import Ingest
import Report

extension Measures {
    /// The report's monitoring sections, as report.html draws them.
    public struct ReportSections: Sendable {
        public var monitoring: [ReportModel.MonitoringRow] = []
        /// "FROM to TO", or empty without a baseline.
        public var baseline = ""
        public var coverage: [ReportModel.CoverageLine] = []
        public var enrolment: [ReportModel.EnrolmentLine] = []
        public var screening: ReportModel.Screening? = nil
    }

    /// The monitoring measures (when a baseline is given) and screening timeliness (when
    /// outcomes were imported), from the state store as it was before this run.
    /// - Parameter locality: keep only this locality's lines (nil: every locality).
    public static func reportSections(
        store: FactStore, people: PersonKeys, minAge: Int, asOf: Day, cases: [CaseRecord], history: StateHistory,
        baseline: ClosedRange<Month>?, targetWorkingDays: Int, locality: String?
    ) -> ReportSections {
        var i = ReportSections()
        let outcomes = history.outcomes
        let runs = history.runs
        let keep = { (l: String) in locality == nil || l == locality }
        let timeliness: [TimelinessRow]
        if let baseline {
            let r = compute(
                store: store, people: people, minAge: minAge, asOf: asOf, caseFound: cases, outcomes: outcomes, runs: runs,
                settings: Measures.Settings(baseline: baseline, targetWorkingDays: targetWorkingDays))
            i.baseline = "\(baseline.lowerBound) to \(baseline.upperBound)"
            i.monitoring = r.months.filter { keep($0.locality) }.map {
                ReportModel.MonitoringRow(
                    locality: $0.locality, month: $0.month.description, emergencyAdmissions: $0.admissions, bedDays: $0.bedDays,
                    meanLengthOfStay: Double($0.meanStayTenths ?? 0) / 10,
                    baselineEmergencyAdmissions: Double($0.baselineAdmissionsPerMonthTenths) / 10,
                    baselineBedDays: Double($0.baselineBedDaysPerMonthTenths) / 10,
                    baselineMeanLengthOfStay: Double($0.baselineMeanStayTenths ?? 0) / 10, baselineAdmissionsTotal: $0.baselineAdmissions,
                    baselineBedDaysTotal: $0.baselineBedDays)
            }
            i.coverage = r.coverage.filter { keep($0.locality) }.map {
                ReportModel.CoverageLine(
                    locality: $0.locality, caseFound: $0.caseFound, activelyCaseManaged: $0.activelyCaseManaged,
                    caseFoundAndManaged: $0.caseFoundAndManaged)
            }
            i.enrolment = r.enrolment.filter { keep($0.locality) }.map {
                ReportModel.EnrolmentLine(
                    locality: $0.locality, enrolled: $0.enrolled, fullYearAfter: $0.fullYearAfter, admissionsBefore: $0.admissionsBefore,
                    bedDaysBefore: $0.bedDaysBefore, admissionsAfter: $0.admissionsAfter, bedDaysAfter: $0.bedDaysAfter)
            }
            timeliness = r.timeliness
        } else {
            let dated = outcomes.filter { DateFormat.iso.parse($0.date).map { $0 <= asOf } ?? false }
            timeliness = Self.timeliness(dated, runs: runs, target: targetWorkingDays)
        }
        let rows = timeliness.filter { keep($0.locality) && $0.outcomes > 0 }
        if !rows.isEmpty {
            i.screening = ReportModel.Screening(
                target:
                    "an outcome within \(targetWorkingDays) working days of being case-found (England's bank holidays and weekends excluded); median in working days",
                rows: rows.map {
                    ReportModel.ScreeningRow(
                        caseManagerID: $0.caseManagerID, locality: $0.locality, outcomes: $0.outcomes,
                        medianDaysToOutcome: $0.medianWorkingDays,
                        withinTarget: $0.withinTarget)
                })
        }
        return i
    }
}
