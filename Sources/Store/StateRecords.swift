import CaseCore
import Foundation

/// A recorded run.
public struct RunRecord: Sendable, Equatable {
    public var id: Int64
    /// `run` or `incidence`.
    public var command: String
    public var asOf: String
    public var criteriaID: String
    public var criteriaSHA256: String
    /// JSON object: input file -> sha256.
    public var inputs: String
    /// What makes two runs the same run: command, as-of, criteria, inputs, settings and the
    /// screening outcomes known. A run identical to the latest reuses its baseline.
    public var fingerprint: String
    /// The run this one was compared with (nil for the first).
    public var baselineRunID: Int64?
    /// The highest screening outcome id this run knew.
    public var screeningWatermark: Int64
    public var registered: Int
    public var caseFound: Int
    public var allocated: Int
    public var waiting: Int
    public var incident: Int
    public var started: String
    public var finished: String
    /// `ok`, or `failed: reason`.
    public var outcome: String
    /// Wall-clock seconds per stage, a JSON object.
    public var timings: String
    /// The opt-out policy the run applied (`type1,ndoo`, `type1`, `ndoo` or `none`).
    public var optOutPolicy: String

    public init(
        id: Int64 = 0, command: String, asOf: String, criteriaID: String, criteriaSHA256: String, inputs: String, fingerprint: String,
        baselineRunID: Int64?, screeningWatermark: Int64, registered: Int, caseFound: Int, allocated: Int, waiting: Int, incident: Int,
        started: String, finished: String, outcome: String, timings: String = "{}", optOutPolicy: String = ""
    ) {
        self.optOutPolicy = optOutPolicy
        self.id = id
        self.command = command
        self.asOf = asOf
        self.criteriaID = criteriaID
        self.criteriaSHA256 = criteriaSHA256
        self.inputs = inputs
        self.fingerprint = fingerprint
        self.baselineRunID = baselineRunID
        self.screeningWatermark = screeningWatermark
        self.registered = registered
        self.caseFound = caseFound
        self.allocated = allocated
        self.waiting = waiting
        self.incident = incident
        self.started = started
        self.finished = finished
        self.outcome = outcome
        self.timings = timings
    }
}

/// A patient's state after a run: case-found (with what), on a caseload, waiting or lapsed.
public struct PatientState: Sendable, Equatable {
    public var person: String
    public var locality: String
    /// 0 when not case-found at that run (a lapsed patient still on a caseload).
    public var priority: Int
    /// Criteria met, in rank order.
    public var criteria: [String]
    public var riskTenths: Int
    public var status: CaseStatus
    /// Set while the patient is on a caseload.
    public var caseManagerID: String
    public var waitingPosition: Int?
    /// Whether the place is one of the reserved (incidence) places.
    public var reservedPlace: Bool

    public init(
        person: String, locality: String, priority: Int, criteria: [String], riskTenths: Int, status: CaseStatus, caseManagerID: String,
        waitingPosition: Int?, reservedPlace: Bool
    ) {
        self.person = person
        self.locality = locality
        self.priority = priority
        self.criteria = criteria
        self.riskTenths = riskTenths
        self.status = status
        self.caseManagerID = caseManagerID
        self.waitingPosition = waitingPosition
        self.reservedPlace = reservedPlace
    }
}

/// A case manager's screening outcome for a patient.
public struct ScreeningOutcome: Sendable, Equatable {
    public typealias Kind = ScreeningOutcomeKind

    public var id: Int64
    public var person: String
    public var outcome: Kind
    /// YYYY-MM-DD.
    public var date: String
    public var caseManagerID: String
    /// The criteria the patient met at the latest run when the outcome was imported: a
    /// declined patient is offered again only when a criterion outside these triggers.
    public var criteriaAtOutcome: [String]

    public init(id: Int64 = 0, person: String, outcome: Kind, date: String, caseManagerID: String, criteriaAtOutcome: [String]) {
        self.id = id
        self.person = person
        self.outcome = outcome
        self.date = date
        self.caseManagerID = caseManagerID
        self.criteriaAtOutcome = criteriaAtOutcome
    }
}
