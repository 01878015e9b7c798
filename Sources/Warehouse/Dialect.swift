/// The SQL engines a criteria set can be rendered for, and what differs between them.
///
/// Everything else in the generated script is SQL that all three read the same way; only the
/// functions below are spelled per engine. Each was checked on the engine itself by the
/// differential tests in `Tests/sql/`.
public enum Dialect: String, CaseIterable, Sendable {
    case duckdb
    case postgres
    case spark

    /// The text type for casts.
    var text: String {
        switch self {
        case .duckdb: return "VARCHAR"
        case .postgres: return "TEXT"
        case .spark: return "STRING"
        }
    }

    /// A string literal. Spark reads backslash escapes and joins adjacent literals, so a quote
    /// is escaped with a backslash there and doubled elsewhere.
    func literal(_ s: String) -> String {
        switch self {
        case .spark:
            return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        case .duckdb, .postgres:
            return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        }
    }

    /// A field as the engine reads it: text, trimmed of spaces and tabs, empty read as NULL.
    func field(_ column: String) -> String {
        let cast = "CAST(\(column) AS \(text))"
        switch self {
        case .duckdb: return "NULLIF(trim(\(cast), ' ' || chr(9)), '')"
        case .postgres: return "NULLIF(btrim(\(cast), ' ' || chr(9)), '')"
        case .spark: return "NULLIF(trim(BOTH ' ' || chr(9) FROM \(cast)), '')"
        }
    }

    /// Length in bytes (UTF-8), as the engine measures codes.
    func byteLength(_ x: String) -> String {
        switch self {
        case .duckdb: return "strlen(\(x))"
        case .postgres, .spark: return "octet_length(\(x))"
        }
    }

    /// Whether the regular expression is found in `x` (anchor it with ^ and $ to match the whole).
    func matches(_ x: String, _ regex: String) -> String {
        switch self {
        case .duckdb: return "regexp_matches(\(x), '\(regex)')"
        case .postgres: return "(\(x) ~ '\(regex)')"
        case .spark: return "(\(x) RLIKE '\(regex)')"
        }
    }

    /// The 1-based place of `needle` in `haystack`, 0 when it is not there (or is blank).
    func position(of needle: String, in haystack: String) -> String {
        switch self {
        case .duckdb, .postgres: return "strpos(\(haystack), \(needle))"
        case .spark: return "instr(\(haystack), \(needle))"
        }
    }

    /// A sort key for text compared byte by byte (PostgreSQL would otherwise use the database's
    /// collation).
    func bytewise(_ x: String) -> String {
        self == .postgres ? "(\(x) COLLATE \"C\")" : x
    }

    /// The date `n` months before `date`, on the same calendar day or the last day of that month
    /// when it does not exist (all three engines clamp this way).
    func monthsBefore(_ date: String, _ n: Int) -> String {
        switch self {
        case .duckdb: return "CAST(\(date) - INTERVAL '\(n) months' AS DATE)"
        case .postgres: return "CAST(\(date) - INTERVAL '\(n) months' AS DATE)"
        case .spark: return "add_months(\(date), -\(n))"
        }
    }

    /// The date `n` days before `date`.
    func daysBefore(_ date: String, _ n: Int) -> String {
        switch self {
        case .duckdb, .postgres: return "(\(date) - \(n))"
        case .spark: return "date_sub(\(date), \(n))"
        }
    }

    /// Whole days from `b` to `a`.
    func daysBetween(_ a: String, _ b: String) -> String {
        switch self {
        case .duckdb, .postgres: return "(\(a) - \(b))"
        case .spark: return "datediff(\(a), \(b))"
        }
    }

    /// Integer division of a non-negative whole number.
    func quotient(_ a: String, _ b: Int) -> String {
        switch self {
        case .duckdb: return "(\(a) // \(b))"
        case .postgres: return "(\(a) / \(b))"
        case .spark: return "(\(a) div \(b))"
        }
    }

    /// One row per element of a list of columns (NULLs included), as column `name`.
    func unnest(_ columns: [String], as name: String) -> String {
        let list = columns.joined(separator: ", ")
        switch self {
        case .duckdb: return "unnest([\(list)]) AS \(name)"
        case .postgres: return "unnest(ARRAY[\(list)]) AS \(name)"
        case .spark: return "explode(array(\(list))) AS \(name)"
        }
    }

    /// One row per piece of `x` split at the matches of the regular expression `pattern`, as
    /// column `name` (no row for NULL), in a select list.
    func splitToRows(_ x: String, _ pattern: String, as name: String) -> String {
        switch self {
        case .duckdb: return "unnest(string_split_regex(\(x), '\(pattern)')) AS \(name)"
        case .postgres: return "regexp_split_to_table(\(x), '\(pattern)') AS \(name)"
        case .spark: return "explode(split(\(x), '\(pattern)')) AS \(name)"
        }
    }

    /// The distinct values of `x` in a group, sorted bytewise and joined with `;` (the rows
    /// are distinct already).
    func sortedJoin(_ x: String) -> String {
        switch self {
        case .duckdb: return "string_agg(\(x), ';' ORDER BY \(x))"
        case .postgres: return "string_agg(\(x), ';' ORDER BY \(x) COLLATE \"C\")"
        case .spark: return "array_join(array_sort(collect_list(\(x))), ';')"
        }
    }

    /// A column that makes a step non-deterministic, never read, where the engine would
    /// otherwise copy the step into every place that reads it: Spark inlines each
    /// deterministic CTE wherever it is used, so the checked tables (read by several steps)
    /// were planned many times over; marked, each is planned once (on the sample, the case
    /// list's optimisation took 10 s without, 2.5 s with). Nil where steps are not copied.
    var computedOnce: String? { self == .spark ? "rand() AS spark_computed_once" : nil }

    /// The keyword that makes PostgreSQL compute a step once: it otherwise folds a step read
    /// once into its reader, expressions and all, so the rejects list (each row paired with
    /// its warnings' numbers) worked out every check again for every pair (137 s on 1,200
    /// patients, not 1). DuckDB does not need it, Spark has no such keyword (`computedOnce`).
    var materialized: String { self == .postgres ? " MATERIALIZED" : "" }

    /// Whether the script needs `WITH RECURSIVE` (continuous stays are a recursive walk there;
    /// Spark folds an array instead).
    var walksRecursively: Bool { self != .spark }
}
