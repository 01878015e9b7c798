import CaseCore

/// What one criterion tests. Each case is one kind of evidence in the extracts, tested by its
/// rule under Kinds/ (see ``CriterionRule``).
public enum CriterionKind: Sendable, Equatable {
    /// An admission (spell) dated in the window carries one of the codes in any diagnosis
    /// position of any of its episodes.
    case diagnosis(window: Window, codes: [CodeRule])
    /// At least `minCount` admissions (continuous stays) dated in the window.
    case admissions(window: Window, minCount: Int)
    /// A register entry covering D (when `register`), or the latest admission in the window
    /// (every spell on the latest admission date) has a care-home source or destination code.
    case careHome(register: Bool, window: Window, admissionSources: Set<ShortCode>, dischargeDestinations: Set<ShortCode>)
    /// At least `minDistinct` distinct substances from the chapters issued in the window.
    case polypharmacy(window: Window, minDistinct: Int, chapters: ClosedRange<Int>)
    /// A nomination dated on or before D.
    case nomination
    /// At least `minGroups` distinct code groups in admissions dated in the window.
    case conditions(window: Window, minGroups: Int, groups: [CodeGroup])
}

extension CriterionKind {
    /// Every kind a criteria file can name, in the order the error for an unknown kind lists them.
    static let kinds: [any CriterionRule.Type] = [
        DiagnosisCriterion.self, AdmissionsCriterion.self, CareHomeCriterion.self, PolypharmacyCriterion.self,
        NominationCriterion.self, ConditionsCriterion.self,
    ]

    /// The rule that tests a criterion of this kind.
    var rule: any CriterionRule {
        switch self {
        case .diagnosis(let window, let codes):
            DiagnosisCriterion(window: window, codes: codes)
        case .admissions(let window, let minCount):
            AdmissionsCriterion(window: window, minCount: minCount)
        case .careHome(let register, let window, let sources, let destinations):
            CareHomeCriterion(register: register, window: window, admissionSources: sources, dischargeDestinations: destinations)
        case .polypharmacy(let window, let minDistinct, let chapters):
            PolypharmacyCriterion(window: window, minDistinct: minDistinct, chapters: chapters)
        case .nomination:
            NominationCriterion()
        case .conditions(let window, let minGroups, let groups):
            ConditionsCriterion(window: window, minGroups: minGroups, groups: groups)
        }
    }
}
