import CaseCore
import Rules

/// The expressions the steps share: the as-of date and windows, literals and lists, case
/// folding, BNF chapters, comments and step names. What differs per engine is asked of `Dialect`.
extension WarehouseSQL {
    /// The as-of date as SQL: a date literal, or the engine's CURRENT_DATE.
    var asOfSQL: String { asOf.map { "DATE '\($0)'" } ?? "CURRENT_DATE" }

    /// A string literal.
    func lit(_ s: String) -> String { dialect.literal(s) }

    /// A set of codes as the inside of `IN (...)`, sorted; an empty set is `NULL` (matches nothing).
    func list(_ codes: Set<ShortCode>) -> String {
        codes.isEmpty ? "NULL" : codes.map(\.description).sorted().map(lit).joined(separator: ", ")
    }

    /// `x` in the window ending on the as-of date.
    func inWindow(_ x: String, _ w: Window) -> String {
        let before: String
        switch w {
        case .months(let n): before = dialect.monthsBefore(asOfSQL, n)
        case .days(let n): before = dialect.daysBefore(asOfSQL, n)
        }
        return "\(x) > \(before) AND \(x) <= \(asOfSQL)"
    }

    /// ASCII letters upper case, other characters as they are (as the engine folds codes).
    func upperASCII(_ x: String) -> String {
        "translate(\(x), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"
    }

    /// The BNF chapter (first two characters, both digits) lies in the range.
    func chapterTest(_ substance: String, _ chapters: ClosedRange<Int>) -> String {
        "substr(\(substance), 1, 1) BETWEEN '0' AND '9' AND substr(\(substance), 2, 1) BETWEEN '0' AND '9'"
            + " AND CAST(CASE WHEN substr(\(substance), 1, 1) BETWEEN '0' AND '9' AND substr(\(substance), 2, 1) BETWEEN '0' AND '9'"
            + " THEN substr(\(substance), 1, 2) END AS INTEGER) BETWEEN \(chapters.lowerBound) AND \(chapters.upperBound)"
    }

    /// A comment line: `-- ` and the text, line breaks read as spaces.
    func comment(_ text: String) -> String {
        "-- " + text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }

    /// The step name for a criterion id: `c_` and the id lower case, other than letters and
    /// digits as `_`.
    func cteName(_ id: String) -> String {
        "c_" + String(id.map { $0.isLetter || $0.isNumber ? $0 : "_" }).lowercased()
    }
}
