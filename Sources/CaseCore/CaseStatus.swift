/// Where a case-found patient stands after a run: the `status` column of cases.csv,
/// incidence.csv and the state store. The only place these words are spelled.
public enum CaseStatus: String, Sendable, Hashable, CaseIterable {
    /// On a case manager's caseload (allocated at this run, or kept from an earlier one).
    case allocated
    /// Qualifies, but every place in the locality is taken: on the waiting list.
    case waiting
    /// The locality has no active case manager with room at all.
    case noCapacity = "no_capacity"
    /// Screened out by a case manager, and not offered again until a new criterion triggers.
    case declined, unsuitable, discharged
    /// On a caseload at the last run but no longer qualifying (state store only).
    case lapsed

    /// The status that a screening outcome leaves a patient in, when it takes them off the list.
    public init?(screenedOut outcome: ScreeningOutcomeKind) {
        switch outcome {
        case .enrolled: return nil
        case .declined: self = .declined
        case .unsuitable: self = .unsuitable
        case .discharged: self = .discharged
        }
    }
}

/// A case manager's screening outcome for a patient (`casefind screening import`).
public enum ScreeningOutcomeKind: String, Sendable, Hashable, CaseIterable {
    /// Joins that case manager's caseload.
    case enrolled
    /// Frees the place; not offered again until a new criterion triggers.
    case declined, unsuitable, discharged

    /// The words, for messages: "enrolled, declined, unsuitable or discharged".
    public static var spelledOut: String {
        let words = allCases.map(\.rawValue)
        return words.dropLast().joined(separator: ", ") + " or " + words[words.count - 1]
    }
}
