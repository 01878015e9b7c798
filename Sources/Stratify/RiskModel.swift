import CaseCore
import ConfigFile
import Facts
import Rules

/// A score in exact tenths of a point (HFRS weights have one decimal): 1.9 + 2.3 + 0.8 is
/// 19 + 23 + 8 = 50 tenths, exactly 5.0, never a floating-point 4.999....
public struct Tenths: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: Int

    public init(_ value: Int) { self.value = value }

    public static func < (a: Tenths, b: Tenths) -> Bool { a.value < b.value }

    /// One decimal place: `10.3`, `0.0`.
    public var description: String { "\(value / 10).\(abs(value % 10))" }

    /// The largest whole number of points a table may give: a score sums one weight per
    /// category, so no sum can come near overflowing.
    public static let maxWhole = 100_000

    /// Reads `7.1`, `4`, `4.0`, `15.0`: at most one decimal, no sign, at most `maxWhole`.
    public init?(text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts[0].count <= 6, let whole = Int(parts[0]), whole >= 0, whole <= Self.maxWhole,
            parts[0].allSatisfy(\.isNumber)
        else { return nil }
        var tenths = whole * 10
        if parts.count == 2 {
            guard parts[1].count == 1, let d = Int(parts[1]) else { return nil }
            tenths += d
        }
        guard tenths <= Self.maxWhole * 10 else { return nil }
        value = tenths
    }
}

/// A risk band: scores below (or up to) a bound.
public struct RiskBand: Sendable, Equatable {
    public enum Bound: Sendable, Equatable {
        /// score < bound
        case below(Tenths)
        /// score <= bound
        case upTo(Tenths)
        /// every score not in an earlier band
        case rest
    }

    public var name: String
    public var bound: Bound
}

/// A points table (the Hospital Frailty Risk Score by default): three-character ICD-10
/// categories with their weights, and the bands. Data, so a site can swap in another model.
public struct RiskModel: Sendable {
    public var id: String
    public var title: String
    public var source: String
    /// The model's points per three-character category, in tenths.
    public var points: [ICD10Code: Tenths]
    public var bands: [RiskBand]
    /// The youngest age the score was validated at (75 for HFRS); below it, a ranking aid only.
    public var validatedMinAge: Int?
    /// The look-back window over admissions (2 years for HFRS).
    public var window: Window

    /// The band a score falls in.
    public func band(_ score: Tenths) -> String {
        for b in bands {
            switch b.bound {
            case .below(let t): if score < t { return b.name }
            case .upTo(let t): if score <= t { return b.name }
            case .rest: return b.name
            }
        }
        return bands.last?.name ?? ""
    }

    /// The score of a set of diagnosis codes: each category (first three characters) counts once.
    public func score(_ codes: some Sequence<ICD10Code>) -> (score: Tenths, categories: [ICD10Code]) {
        var seen: Set<ICD10Code> = []
        var total = 0
        for code in codes {
            let category = code.prefix(3)
            if let p = points[category], seen.insert(category).inserted { total += p.value }
        }
        return (Tenths(total), seen.sorted())
    }

    /// A patient's score at the as-of date: the categories in any diagnosis position of any
    /// admission (as the criteria define admissions) dated in the window. Reads the admissions
    /// the evaluation found rather than finding them again, so it must be an evaluation that
    /// holds them: of an eligible patient, or of anyone when explaining (``EvaluationContext``).
    public func score(_ evaluation: Evaluation) -> (score: Tenths, categories: [ICD10Code]) {
        let asOf = evaluation.context.asOf
        let days = window.bounds(asOf)
        let spells = evaluation.context.admissions.lazy.filter { days.contains($0.admissionDate) }
        return score(spells.flatMap(\.diagnoses))
    }

    /// Reads a points table file (YAML). Every error names the file and line.
    public static func load(path: String, window: Window) throws(ConfigurationError) -> RiskModel {
        let doc = try YAMLDocument.load(path: path)
        let root = try doc.rootMap()
        let id = try root.string("risk_table")
        let version = try root.int("version")
        guard version == 1 else {
            throw root.error("risk table format \(version) is newer than this casefind reads (1)", at: root.optional("version"))
        }
        let title = try root.string("title")
        let source = try root.string("source")
        let validated = try root.optionalInt("validated_min_age", in: 0...130)
        var bands: [RiskBand] = []
        for b in try root.maps("bands") {
            let name = try b.string("band")
            if let below = try b.optionalString("below") {
                guard let t = Tenths(text: below) else { throw b.error("'below' must be a number like 5.0", at: b.optional("below")) }
                bands.append(RiskBand(name: name, bound: .below(t)))
            } else if let upTo = try b.optionalString("up_to") {
                guard let t = Tenths(text: upTo) else { throw b.error("'up_to' must be a number like 15.0", at: b.optional("up_to")) }
                bands.append(RiskBand(name: name, bound: .upTo(t)))
            } else {
                bands.append(RiskBand(name: name, bound: .rest))
            }
            try b.finish()
        }
        guard case .rest = bands.last?.bound else {
            throw root.error("the last band must have no bound (it takes every higher score)", at: root.optional("bands"))
        }
        var points: [ICD10Code: Tenths] = [:]
        for p in try root.maps("points") {
            let text = try p.string("code")
            guard case .code(let code) = ICD10Code.read(text), code.length == 3 else {
                throw p.error("'\(text)' is not a three-character ICD-10 category", at: p.optional("code"))
            }
            let pointsText = try p.string("points")
            guard let t = Tenths(text: pointsText) else {
                throw p.error(
                    "points must be a number from 0 to \(Tenths.maxWhole) with at most one decimal, not '\(Shown.value(pointsText, limit: 40))'",
                    at: p.optional("points"))
            }
            guard points[code] == nil else { throw p.error("category \(code) is listed twice", at: p.optional("code")) }
            points[code] = t
            _ = try p.optionalString("label")
            try p.finish()
        }
        try root.finish()
        return RiskModel(
            id: id, title: title, source: source, points: points, bands: bands, validatedMinAge: validated, window: window)
    }
}
