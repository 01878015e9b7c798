import CaseCore
import Ingest
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
/// It validates rows as the engine does and never fails on a bad value (`+RowChecks`,
/// `+Values`): a row the engine would reject (a bad NHS number, an unreadable or sentinel
/// date, a missing required field, a duplicate spine or practice row, a malformed BNF code)
/// plays no part in the cases, and `Part.rejects` lists those rows and the field warnings in
/// the engine's words. Rows with the wrong number of fields are the loader's business.
///
/// The pieces, one file each: the readings of the tables (`WarehouseSQL+Readings.swift`,
/// `+AdmissionCodes`), the population (`+Population`), spells and continuous stays (`+Stays`),
/// one type per criterion kind (`Kinds/`, behind `CriterionSQL`), the report columns
/// (`+ReportColumns`), the risk score (`+Risk`), the expressions they share (`+Expressions`,
/// `+CodeLists`), the funnel (`+Attrition`) and the assembly of the script (`+Query`, `+Header`).
public struct WarehouseSQL: Sendable {
    public var criteria: CriteriaSet
    public var risk: RiskModel?
    public var dialect: Dialect
    /// The as-of date; nil means the engine's CURRENT_DATE when the query runs.
    public var asOf: Day?
    /// The admissions table has diag_01 ... diag_NN.
    public var diagnosisColumns: Int
    /// A column every table has giving each row's line in its file (or any number in file
    /// order): the engine keeps the first of duplicate rows in file order, and its rejects name
    /// lines. Without one, the first by the rows' values is kept and lines are NULL.
    public var lineColumn: String?
    /// Which opt-outs in the `opt_outs` table exclude a patient (the run's `--opt-outs`): an
    /// excluded patient's rows play no part and are not listed as rejects.
    public var optOuts: OptOutPolicy
    /// The table holding the national data opt-out service's cleared list (a column
    /// nhs_number), as `run --ndoo-cleared`: when the policy names ndoo, a spine patient whose
    /// NHS number it does not hold is excluded. nil: no cleared list.
    public var ndooCleared: String?
    /// How the warehouse's tables name and write the contract's columns (`--mapping`, as
    /// `run`'s): renames, composite keys, date formats, declared missing values, diagnosis
    /// prefixes, opaque person keys.
    public var mapping: ColumnMapping
    /// The warehouse's table for each extract (`--table`, else the mapping's `tables:`, else
    /// the contract's name).
    public var tables: [ExtractKind: String]

    /// What the query returns.
    public enum Part: String, CaseIterable, Sendable {
        /// The case list, the cases.csv columns up to risk_band.
        case cases
        /// The funnel, as attrition.csv's steps from `registered` to `any_criterion`.
        case attrition
        /// One row per rejected row or field warning, as rejects.csv.
        case rejects
    }

    public init(
        criteria: CriteriaSet, risk: RiskModel?, dialect: Dialect, asOf: Day?, diagnosisColumns: Int = 20, lineColumn: String? = nil,
        optOuts: OptOutPolicy? = nil, ndooCleared: String? = nil, mapping: ColumnMapping = .contract,
        tables: [ExtractKind: String] = [:]
    ) {
        self.criteria = criteria
        self.risk = risk
        self.dialect = dialect
        self.asOf = asOf
        self.diagnosisColumns = diagnosisColumns
        self.lineColumn = lineColumn
        self.optOuts = optOuts ?? criteria.optOuts ?? .default
        self.ndooCleared = ndooCleared
        self.mapping = mapping
        self.tables = mapping.tables.merging(tables) { $1 }
    }

    /// The diagnosis column names: diag_01 ... diag_NN (at least two digits), or the mapping's
    /// first diagnosis prefix in place of `diag_` (lower case, as the engine names them); with
    /// a list column (`diagnoses: list:`), `diagnosis_list` alone, read from it.
    public var diagnosisColumnNames: [String] {
        if diagnosisList != nil { return [Self.diagnosisListAlias] }
        let prefix = (mapping.file(.admissions).diagnosisPrefixes.first ?? "diag_").lowercased()
        return (1...max(1, diagnosisColumns)).map { n in n < 10 ? "\(prefix)0\(n)" : "\(prefix)\(n)" }
    }

    /// The mapping's diagnosis list column (SUS `Der_Diagnosis_All`), as the mapping names it.
    public var diagnosisList: String? { mapping.file(.admissions).diagnosisListColumn }

    /// What the checked admissions call the diagnosis list column.
    static let diagnosisListAlias = "diagnosis_list"
}
