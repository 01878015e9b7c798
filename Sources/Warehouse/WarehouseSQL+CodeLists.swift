import CaseCore

/// Code lists as data: a criterion's ICD-10 patterns become the rows of a `VALUES` table
/// (lo, hi, n, min_age, label), matched against normalised codes by their first n characters.
extension WarehouseSQL {
    /// A VALUES row for a code pattern: a prefix P is the range P..P over its own length.
    func codeRow(_ p: CodePattern, minAge: Int, label: String) -> String {
        switch p {
        case .prefix(let c):
            return "(\(lit(c.description)), \(lit(c.description)), \(c.length), \(minAge), \(lit(label)))"
        case .range(let lo, let hi):
            return "(\(lit(lo.description)), \(lit(hi.description)), \(lo.length), \(minAge), \(lit(label)))"
        }
    }

    /// The body of a code-list step: the rows (from `codeRow`) as table v(lo, hi, n, min_age, label).
    func codeTable(_ rows: [String]) -> String {
        """
        SELECT * FROM (VALUES
            \(rows.joined(separator: ",\n    "))
        ) AS v(lo, hi, n, min_age, label)
        """
    }

    /// The normalised code `code` matches the code-list row `r`: its first r.n characters lie
    /// in r.lo ... r.hi, compared byte by byte.
    func codeMatches(_ code: String, _ r: String) -> String {
        "length(\(code)) >= \(r).n AND \(dialect.bytewise("substr(\(code), 1, \(r).n)")) BETWEEN \(r).lo AND \(r).hi"
    }
}
