import CaseCore
import Facts

/// What the evaluator works out once per patient, for every criterion to read: the admissions,
/// their continuous stays and the distinct substances of the `distinct_drugs` window. An
/// ``Evaluation`` keeps it, so that the practice-list reasons and the risk score reuse it
/// rather than work it out again.
///
/// Empty (no admissions, stays or substances) in the evaluation of a patient who is not
/// eligible, when the evaluator is not explaining: nothing was worked out for them.
public struct EvaluationContext: Sendable {
    public var asOf: Day
    /// Completed years at the as-of date.
    public var age: Int
    /// The admissions (``Evaluator/admissions(_:)``), in order of admission date then spell_id.
    public var admissions: [SpellFacts]
    /// The admissions joined into continuous stays (``Evaluator/stays(_:)``).
    public var stays: [Evaluator.Stay]
    /// The window and BNF chapters of the `distinct_drugs` column (``CriteriaSet/drugsReportWindow``).
    public var substanceWindow: Window
    public var substanceChapters: ClosedRange<Int>
    /// The distinct substances in that window and those chapters, sorted.
    public var substances: [Substance]

    /// Distinct substances from the chapters whose latest issue lies in the window, sorted: the
    /// ones found already when the window and chapters are the `distinct_drugs` column's.
    func distinctSubstances(_ p: PatientFacts, window: Window, chapters: ClosedRange<Int>) -> [Substance] {
        if window == substanceWindow && chapters == substanceChapters { return substances }
        return Self.distinctSubstances(p, window: window, chapters: chapters, asOf: asOf)
    }

    /// Distinct substances from the chapters whose latest issue lies in the window, sorted.
    static func distinctSubstances(_ p: PatientFacts, window: Window, chapters: ClosedRange<Int>, asOf: Day) -> [Substance] {
        // One array, sorted where it is (run once per eligible patient).
        var found: [Substance] = []
        let days = window.bounds(asOf)
        for issue in p.substances where days.contains(issue.lastIssued) {
            let substance = issue.substance
            guard let chapter = substance.chapter, chapters.contains(chapter) else { continue }
            if found.isEmpty { found.reserveCapacity(p.substances.count) }
            found.append(substance)
        }
        found.sort()
        return found
    }
}
