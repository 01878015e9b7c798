import CaseCore
import Facts

/// Whether one criterion held for a patient, and why, in words a GP can follow.
public struct CriterionResult: Sendable {
    public var id: String
    public var rank: Int
    public var met: Bool
    /// One line per piece of evidence looked at.
    public var reasons: [String]
}

/// The outcome of the criteria for one patient at the as-of date.
public struct Evaluation: Sendable {
    public var person: UInt64
    /// Completed years at the as-of date.
    public var age: Int
    /// Why the patient counts as dead at the as-of date; nil when alive.
    public var death: String?
    /// Alive and old enough.
    public var eligible: Bool
    /// One per criterion, in rank order (evaluated even for ineligible patients, for `explain`).
    public var results: [CriterionResult]
    /// Distinct matched codes of the diagnosis criteria met, sorted.
    public var matchedCodes: [ICD10Code]
    /// Continuous stays dated in the report window (cases.csv `admissions`).
    public var admissions: Int
    /// Distinct substances in the report window (cases.csv `distinct_drugs`).
    public var distinctDrugs: Int
    /// Whether a nomination is dated on or before the as-of date.
    public var nominatedByDate: Bool
    /// What was worked out for the criteria (admissions, stays, substances), for the
    /// practice-list reasons and the risk score to reuse.
    public var context: EvaluationContext

    public var alive: Bool { death == nil }

    /// Ids of the criteria met, in rank order; empty when not eligible.
    public var criteriaMet: [CriterionResult] { eligible ? results.filter(\.met) : [] }

    /// The lowest rank met, when eligible.
    public var priority: Int? { eligible ? results.first(where: \.met)?.rank : nil }

    public var isCaseFound: Bool { priority != nil }

    /// Whether an eligible patient met the criterion with this id.
    public func met(_ id: String) -> Bool { criteriaMet.contains { $0.id == id } }
}
