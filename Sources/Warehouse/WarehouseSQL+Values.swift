import CaseCore

/// The engine's value readers as SQL conditions that never fail on a bad value: no cast is
/// made of text that has not been checked first, and a digit is read by its place in
/// '0123456789', not by a cast. Each takes a trimmed field (NULL when blank) and mirrors one of
/// casefind's readers exactly (CaseCore: NHSNumber, DateFormat.iso, Substance, ShortCode,
/// ICD10Code, Swift's Int).
///
/// Regular expressions are used unanchored only (`[^0-9]` found anywhere): Spark's `$`
/// matches before a final line break, which a quoted field may hold.
extension WarehouseSQL {
    /// The value (0-9) of the character at `position` (1-based) of `x`; -1 for a non-digit.
    func digit(_ x: String, _ position: Int) -> String {
        "(\(dialect.position(of: "substr(\(x), \(position), 1)", in: "'0123456789'")) - 1)"
    }

    /// The whole number written by the digits of `x` from `from` (1-based), `count` of them.
    func digits(_ x: String, from: Int, count: Int) -> String {
        "(" + (0..<count).map { i in "\(digit(x, from + i)) * \(Self.powerOfTen(count - 1 - i))" }.joined(separator: " + ") + ")"
    }

    private static func powerOfTen(_ n: Int) -> Int { (0..<n).reduce(1) { r, _ in r * 10 } }

    /// Only the characters of the class `allowed` (a regular-expression class body, `0-9`).
    func only(_ x: String, _ allowed: String) -> String { "NOT \(dialect.matches(x, "[^\(allowed)]"))" }

    /// An NHS number without spaces or hyphens (what the checks and readings compare); an
    /// opaque person key as it is.
    func nhsDigits(_ x: String) -> String { opaquePeople ? x : "replace(replace(\(x), ' ', ''), '-', '')" }

    /// A valid NHS number, given without spaces or hyphens (`nhsDigits`): ten digits, the
    /// tenth a Modulus 11 check digit of the other nine (a check of 10 is never valid).
    func isNHSNumber(digits d: String) -> String {
        let weighted = (1...9).map { "\(digit(d, $0)) * \(11 - $0)" }.joined(separator: " + ")
        let check = "(11 - (\(weighted)) % 11)"
        return
            "(CASE WHEN \(dialect.byteLength(d)) = 10 AND \(only(d, "0-9")) THEN \(check) <> 10 AND \(check) % 11 = \(digit(d, 10)) ELSE FALSE END)"
    }

    /// A real date written YYYY-MM-DD (year 1 to 9999).
    func isISODate(_ x: String) -> String { isDate(x, .iso) }

    /// A real date written in `format` (DateFormat.parse: exactly its length, its separators,
    /// digits elsewhere; year 1 to 9999).
    func isDate(_ x: String, _ format: DateFormat) -> String {
        let (y, m, d) = dateParts(x, format)
        let leap = "((\(y) % 4 = 0 AND \(y) % 100 <> 0) OR \(y) % 400 = 0)"
        let days = "CASE WHEN \(m) = 2 THEN CASE WHEN \(leap) THEN 29 ELSE 28 END WHEN \(m) IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
        let shape: String
        switch format {
        case .iso:
            shape =
                "\(dialect.byteLength(x)) = 10 AND substr(\(x), 5, 1) = '-' AND substr(\(x), 8, 1) = '-'"
                + " AND \(only("substr(\(x), 1, 4) || substr(\(x), 6, 2) || substr(\(x), 9, 2)", "0-9"))"
        case .dayMonthYear:
            shape =
                "\(dialect.byteLength(x)) = 10 AND substr(\(x), 3, 1) = '/' AND substr(\(x), 6, 1) = '/'"
                + " AND \(only("substr(\(x), 1, 2) || substr(\(x), 4, 2) || substr(\(x), 7, 4)", "0-9"))"
        case .compact:
            shape = "\(dialect.byteLength(x)) = 8 AND \(only(x, "0-9"))"
        }
        return "(CASE WHEN \(shape) THEN \(y) >= 1 AND \(m) BETWEEN 1 AND 12 AND \(d) BETWEEN 1 AND \(days) ELSE FALSE END)"
    }

    /// The year, month and day of a date written in `format`, as whole numbers read digit by digit.
    private func dateParts(_ x: String, _ format: DateFormat) -> (String, String, String) {
        switch format {
        case .iso: (digits(x, from: 1, count: 4), digits(x, from: 6, count: 2), digits(x, from: 9, count: 2))
        case .dayMonthYear: (digits(x, from: 7, count: 4), digits(x, from: 4, count: 2), digits(x, from: 1, count: 2))
        case .compact: (digits(x, from: 1, count: 4), digits(x, from: 5, count: 2), digits(x, from: 7, count: 2))
        }
    }

    /// The date, or NULL when `x` is blank or not a date in `format`.
    func dateOf(_ x: String, _ format: DateFormat = .iso) -> String {
        let iso: String
        switch format {
        case .iso: iso = x
        case .dayMonthYear: iso = "substr(\(x), 7, 4) || '-' || substr(\(x), 4, 2) || '-' || substr(\(x), 1, 2)"
        case .compact: iso = "substr(\(x), 1, 4) || '-' || substr(\(x), 5, 2) || '-' || substr(\(x), 7, 2)"
        }
        return "CASE WHEN \(isDate(x, format)) THEN CAST(\(iso) AS DATE) END"
    }

    /// The column the checked tables give a date field's date in (NULL: blank or unreadable).
    func day(_ column: String) -> String { column + "_day" }

    /// A date field that holds a date before the criteria's missing-before day: a sentinel.
    func isSentinel(_ column: String) -> String { "\(day(column)) < DATE '\(criteria.missingBefore)'" }

    /// A BNF code: at least nine characters, ASCII letters and digits only.
    func isBNFCode(_ x: String) -> String { "(\(dialect.byteLength(x)) >= 9 AND \(only(x, "A-Za-z0-9")))" }

    /// A whole number as Swift's `Int` reads it: an optional sign, then digits, within 64 bits.
    func isWholeNumber(_ x: String) -> String {
        let sign = "substr(\(x), 1, 1) IN ('+', '-')"
        let unsigned = "CASE WHEN \(sign) THEN substr(\(x), 2) ELSE \(x) END"
        let significant = "TRIM(LEADING '0' FROM \(unsigned))"
        let limit = "CASE WHEN substr(\(x), 1, 1) = '-' THEN '9223372036854775808' ELSE '9223372036854775807' END"
        return "(\(dialect.byteLength(unsigned)) >= 1 AND \(only(unsigned, "0-9")) AND (\(dialect.byteLength(significant)) < 19"
            + " OR (\(dialect.byteLength(significant)) = 19 AND \(significant) <= \(limit))))"
    }

    /// A HES code read as blank: longer than four bytes.
    func isLongHESCode(_ x: String) -> String { "\(dialect.byteLength(x)) > 4" }

    /// A diagnosis field that is not blank once '.', spaces and tabs are dropped, and is not an
    /// ICD-10 code (see `admissionCodeCTEs`, which reads the codes the same way).
    func isNotICD10(_ x: String) -> String {
        let squeezed = "replace(replace(replace(\(x), '.', ''), ' ', ''), chr(9), '')"
        let trimmed = upperASCII("regexp_replace(\(squeezed), '[^A-Za-z0-9]+$', '')")
        let code =
            "CASE WHEN length(\(trimmed)) >= 4 AND substr(\(trimmed), 4, 1) = 'X' THEN substr(\(trimmed), 1, 3) || substr(\(trimmed), 5) ELSE \(trimmed) END"
        return
            "(\(squeezed) <> '' AND NOT (\(dialect.byteLength(squeezed)) <= 9 AND \(dialect.matches(code, "^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$"))))"
    }
}
