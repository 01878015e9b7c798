import CaseCore
import ConfigFile
import Facts
import Foundation

/// `kind: polypharmacy`: at least `min_distinct` distinct substances from the BNF chapters
/// issued in the window.
struct PolypharmacyCriterion: CriterionRule {
    static let kindName = "polypharmacy"
    var window: Window
    var minDistinct: Int
    var chapters: ClosedRange<Int>

    static func parse(_ c: YAMLMap) throws(ConfigurationError) -> CriterionKind {
        let chapters = try c.string("bnf_chapters")
        let parts = chapters.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts[0] >= 1, parts[0] <= parts[1], parts[1] <= 99 else {
            throw c.error("bnf_chapters must be a range of chapters like 1-15, not '\(chapters)'", at: c.optional("bnf_chapters"))
        }
        return .polypharmacy(
            window: try CriteriaSet.window(c), minDistinct: try c.int("min_distinct", in: 1...1000), chapters: parts[0]...parts[1])
    }

    func evaluate(_ p: PatientFacts, in x: EvaluationContext, notes: inout CriterionNotes) -> Bool {
        let found = x.distinctSubstances(p, window: window, chapters: chapters)
        notes.add(summary(found, asOf: x.asOf))
        return found.count >= minDistinct
    }

    private func summary(_ found: [Substance], asOf: Day) -> String {
        let span = window.span(asOf)
        return
            "\(found.count) distinct substance(s) from BNF chapters \(chapters.lowerBound)-\(chapters.upperBound) issued \(span.first) to \(span.last)\(found.isEmpty ? "" : ": " + found.map(\.description).joined(separator: ", ")); \(minDistinct) needed"
    }

    /// "6 drugs in 84 days".
    func plainReason(_ p: PatientFacts, in x: EvaluationContext) -> String {
        "\(x.distinctSubstances(p, window: window, chapters: chapters).count) drugs in \(window)"
    }
}
