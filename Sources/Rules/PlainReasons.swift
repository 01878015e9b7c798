import CaseCore
import Facts

/// Why a case-found patient is on the list, in words a GP reads at a glance (the `reasons`
/// column of a practice's list): "2 admissions in 12 months (3 Feb, 14 Sep 2026); 6 drugs in
/// 84 days". One phrase per criterion met, in rank order, joined with "; ", each written by its
/// kind's rule from what the evaluation worked out.
extension Evaluator {
    /// `e` is this evaluator's evaluation of `p`.
    public func plainReasons(_ p: PatientFacts, evaluation e: Evaluation) -> String {
        guard e.eligible else { return "" }
        var phrases: [String] = []
        for (k, r) in e.results.enumerated() where r.met {
            phrases.append(rules[k].plainReason(p, in: e.context))
        }
        return phrases.joined(separator: "; ")
    }
}
