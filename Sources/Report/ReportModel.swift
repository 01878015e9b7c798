import CaseCore

/// What the planner's report shows, as plain values: every figure is worked out by the caller,
/// the renderer only lays it out (and sums table columns, load and share percentages).
///
/// Counts are people unless a field says otherwise. Lists are rendered in the order given, except
/// the reject reasons, which are sorted by count (highest first) then reason. NHS numbers are
/// carried only in ``IncidentPatient/nhsNumber`` and rendered only when ``identifiable`` is true
/// and nothing is suppressed.
///
/// Counts are exact in the model: the renderer releases them under ``disclosure`` (totals from
/// the exact cells; bars drawn from the released figures; figures it derives, and the means and
/// medians given here, withheld when a count they are computed from is suppressed). Figures the
/// caller derives in words or from counts not in the model (the risk caveat, case managers
/// needed) the caller withholds. Under suppression no patient is listed.
public struct ReportModel: Sendable, Equatable {
    /// Which command made the report.
    public enum RunKind: String, Sendable, Equatable {
        case run, incidence
    }

    /// The page's title block.
    public struct Header: Sendable, Equatable {
        public var title: String
        public var criteriaSetID: String
        public var criteriaSetTitle: String
        /// The as-of date, `YYYY-MM-DD`.
        public var asOf: String
        /// The command line that made the report.
        public var command: String
        /// casefind's version.
        public var version: String
        public var runKind: RunKind

        public init(
            title: String, criteriaSetID: String, criteriaSetTitle: String, asOf: String, command: String, version: String,
            runKind: RunKind
        ) {
            self.title = title
            self.criteriaSetID = criteriaSetID
            self.criteriaSetTitle = criteriaSetTitle
            self.asOf = asOf
            self.command = command
            self.version = version
            self.runKind = runKind
        }
    }

    /// The headline counts, in people.
    public struct Headline: Sendable, Equatable {
        public var registered: Int
        public var alive: Int
        public var aged65Plus: Int
        public var caseFound: Int
        public var allocated: Int
        public var waiting: Int
        public var noCapacity: Int
        /// Newly case-found since the last run; nil when there is no earlier run to compare with.
        public var incident: Int?

        public init(
            registered: Int, alive: Int, aged65Plus: Int, caseFound: Int, allocated: Int, waiting: Int, noCapacity: Int, incident: Int?
        ) {
            self.registered = registered
            self.alive = alive
            self.aged65Plus = aged65Plus
            self.caseFound = caseFound
            self.allocated = allocated
            self.waiting = waiting
            self.noCapacity = noCapacity
            self.incident = incident
        }
    }

    /// One step of the attrition funnel.
    public struct FunnelStep: Sendable, Equatable {
        public var label: String
        public var patients: Int

        public init(label: String, patients: Int) {
            self.label = label
            self.patients = patients
        }
    }

    public var header: Header
    public var headline: Headline
    /// Whether NHS numbers may be shown; when false the incident patients are numbered `#1`, `#2`...
    public var identifiable: Bool
    /// How counts are released; under ``DisclosurePolicy/Mode/suppress`` no patient is listed.
    public var disclosure: DisclosurePolicy
    public var funnel: [FunnelStep] = []
    public var priorities = Priorities()
    /// nil when the criteria set has no risk model.
    public var riskBands: RiskBands?
    /// In display order: each PCT's localities then its subtotal, and the total last.
    public var scoping: [ScopingLine] = []
    public var localityCapacity: [LocalityCapacity] = []
    public var caseManagers: [CaseManagerLoad] = []
    /// nil when there is no earlier run to compare with.
    public var incidence: Incidence?
    public var inputFiles: [InputFile] = []
    public var rejectReasons: [RejectReason] = []
    /// Empty when no monitoring data was given.
    public var monitoring: [MonitoringRow] = []
    /// The baseline period in words ("2025-04 to 2026-03"); shown with the monitoring rows.
    public var baseline = ""
    public var coverage: [CoverageLine] = []
    public var enrolment: [EnrolmentLine] = []
    /// nil when no screening outcomes were recorded.
    public var screening: Screening?

    public init(header: Header, headline: Headline, identifiable: Bool = false, disclosure: DisclosurePolicy = .hes) {
        self.header = header
        self.headline = headline
        self.identifiable = identifiable
        self.disclosure = disclosure
    }
}
