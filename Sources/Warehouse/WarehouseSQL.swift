import CaseCore
import Rules
import Stratify

/// Renders a criteria set (and its risk table) as one SQL query that computes the case list
/// where the data already lives: DuckDB, PostgreSQL or Spark.
///
/// The query is built from the parsed criteria, never from a template per criteria file: one
/// named CTE per reading step and per criterion, with a comment naming the rule. It reads the
/// contract's tables (patients, practices, admissions, prescriptions, residence, nominations)
/// with the contract's column names, every column as text (as loaded from the CSV files), and
/// returns the cases.csv columns up to `risk_band`, one row per case-found patient.
///
/// Same semantics as the engine: fields trimmed, codes compared case-insensitively, NHS
/// numbers without spaces or hyphens, sentinel dates read as missing, ICD-10 normalisation and
/// validation, spells and regular attenders, continuous stays across transfers, the 29 February
/// age rule, the windows, the latest-admission care-home rule, HFRS in whole tenths.
///
/// What it does not do is row validation: rows the engine would reject (bad NHS numbers,
/// unreadable dates, missing required fields, wrong field counts, duplicate spine or practice
/// rows, malformed BNF codes) must not be in the tables. Load the rows `casefind validate`
/// accepts, or remove those its rejects list names.
///
/// The pieces, one file each: the readings of the tables (`WarehouseSQL+Readings.swift`,
/// `+AdmissionCodes`), the population (`+Population`), spells and continuous stays (`+Stays`),
/// one type per criterion kind (`Kinds/`, behind `CriterionSQL`), the report columns
/// (`+ReportColumns`), the risk score (`+Risk`), the expressions they share (`+Expressions`,
/// `+CodeLists`) and the assembly of the script (`+Query`, `+Header`).
public struct WarehouseSQL: Sendable {
    public var criteria: CriteriaSet
    public var risk: RiskModel?
    public var dialect: Dialect
    /// The as-of date; nil means the engine's CURRENT_DATE when the query runs.
    public var asOf: Day?
    /// The admissions table has diag_01 ... diag_NN.
    public var diagnosisColumns: Int

    public init(criteria: CriteriaSet, risk: RiskModel?, dialect: Dialect, asOf: Day?, diagnosisColumns: Int = 20) {
        self.criteria = criteria
        self.risk = risk
        self.dialect = dialect
        self.asOf = asOf
        self.diagnosisColumns = diagnosisColumns
    }

    /// The diagnosis column names: diag_01 ... diag_NN (at least two digits).
    public var diagnosisColumnNames: [String] {
        (1...max(1, diagnosisColumns)).map { n in n < 10 ? "diag_0\(n)" : "diag_\(n)" }
    }
}
