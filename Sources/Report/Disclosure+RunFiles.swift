import CaseCore

// Disclosure control in the run's files: scoping.csv's case_managers_needed, and summary.json's
// record of the policy applied.

extension ScopingRow {
    /// case_managers_needed as it may leave direct care: withheld (`*`) when the count it is
    /// computed from, the locality's waiting and no-capacity patients, is suppressed; not
    /// applicable (blank) for `UNMAPPED`, whatever its counts.
    public func releasedNeed(overallManagers: Int, overallCapacity: Int, policy: DisclosurePolicy) -> ReleasedFigure<Int> {
        if locality == "UNMAPPED" { return .notApplicable }
        return policy.figure(
            caseManagersNeeded(overallManagers: overallManagers, overallCapacity: overallCapacity),
            from: policy.release(waiting + noCapacity))
    }

    /// The need of several localities of `all` (a PCT's, or all of them for the total): the sum
    /// of their needs, withheld when any of theirs is, since subtracting the others' would give
    /// it away.
    public static func releasedNeed(of group: [ScopingRow], among all: [ScopingRow], policy: DisclosurePolicy) -> ReleasedFigure<Int> {
        let managers = all.reduce(0) { $0 + $1.activeCaseManagers }
        let capacity = all.reduce(0) { $0 + $1.capacity }
        let needs = group.map { $0.releasedNeed(overallManagers: managers, overallCapacity: capacity, policy: policy) }
        if needs.contains(.suppressed) { return .suppressed }
        return .shown(needs.compactMap(\.value).reduce(0, +))
    }
}

extension RunSummary {
    /// summary.json's `"disclosure"`: `{"policy": "suppress", "rounding": 5, "suppress_zero":
    /// false, "threshold": 7}` (keys sorted, like the rest of the file). The policy applies to
    /// scoping.csv, report.html and the measures files; summary.json's own counts are exact.
    public struct Disclosure: Codable, Sendable, Equatable {
        public var policy: String
        public var threshold: Int
        public var rounding: Int
        public var suppressZero: Bool

        public init(_ p: DisclosurePolicy) {
            policy = p.mode.rawValue
            threshold = p.threshold
            rounding = p.roundingBase
            suppressZero = p.suppressZero
        }

        enum CodingKeys: String, CodingKey {
            case policy, threshold, rounding, suppressZero = "suppress_zero"
        }
    }
}
