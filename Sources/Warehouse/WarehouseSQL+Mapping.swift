import CaseCore
import Ingest

/// How the query reads the warehouse's own tables: a column mapping (`--mapping`, the file
/// `run` reads) and table names (`--table`, the mapping's `tables:`). Each contract column of
/// a checked table is read here as the engine's RowContext reads it through the mapping: from
/// its source column, trimmed (NULL when blank); a composite key from its source columns joined
/// with `:` (NULL when one is blank); a value the mapping declares missing read as NULL (not
/// patients' gp_practice, whose declared values mean "no registered practice"); dates in the
/// file's format; person keys as NHS numbers or, with `person_id: opaque`, as any text.
///
/// A mapping's file names, header files and delimiters are the loader's business and play no
/// part here; a dm+d map is refused (`unsupported`). A diagnosis list column is read as
/// `diagnosis_list`, its codes split where the engine splits them (`diagnosisCodes`).
extension WarehouseSQL {
    /// The warehouse's table for a contract table.
    func source(_ table: String) -> String { ExtractKind(rawValue: table).flatMap { tables[$0] } ?? table }

    /// The mapping of a contract table's file.
    func fileMapping(_ table: String) -> ColumnMapping.FileMapping {
        ExtractKind(rawValue: table).map { mapping.file($0) } ?? ColumnMapping.FileMapping()
    }

    /// What the mapping asks that the SQL cannot do yet, in words; nil when it can render it.
    public var unsupported: String? {
        if mapping.bnfMapPath != nil || mapping.file(.prescriptions).columns["dmd_code"] != nil {
            return "the mapping reads prescriptions by dm+d id through a BNF map, which casefind sql does not render yet"
        }
        if ndooCleared != nil && mapping.personID == .opaque {
            return
                "--ndoo-cleared lists NHS numbers, but the mapping uses opaque person keys: apply the national data opt-out before pseudonymising"
        }
        return nil
    }

    /// The values the mapping declares missing for a column, upper-cased ASCII; nil for none.
    private func declaredValues(_ table: String, _ column: String) -> [String]? {
        guard !(table == "patients" && column == "gp_practice"),
            let values = fileMapping(table).missingValues[column], !values.isEmpty
        else { return nil }
        return values.map { v in String(v.map { $0.isASCII && $0.isLowercase ? Character($0.uppercased()) : $0 }) }
    }

    /// Whether a trimmed field is one of `values`, ASCII letters in either case.
    private func isDeclared(_ field: String, _ values: [String]) -> String {
        "\(upperASCII(field)) IN (\(values.map(lit).joined(separator: ", ")))"
    }

    /// A contract column of `table` as the engine reads it through the mapping (see above).
    func read(_ table: String, _ column: String) -> String {
        if table == "admissions", column == Self.diagnosisListAlias, let list = diagnosisList { return dialect.field(list) }
        let sources = fileMapping(table).sources(for: column)
        let declared = declaredValues(table, column)
        let parts = sources.map { s -> String in
            let f = dialect.field(s)
            guard let declared else { return f }
            return "CASE WHEN \(isDeclared(f, declared)) THEN NULL ELSE \(f) END"
        }
        if parts.count == 1 { return parts[0] }
        return "CASE WHEN " + parts.map { "\($0) IS NULL" }.joined(separator: " OR ") + " THEN NULL ELSE "
            + parts.joined(separator: " || ':' || ") + " END"
    }

    /// Whether a column has values the mapping declares missing, so that its missing rule
    /// needs `COLUMN_declared`.
    func hasDeclaredValues(_ table: String, _ column: String) -> Bool { declaredValues(table, column) != nil }

    /// `COLUMN_declared`: the field as given (a composite's parts joined with `:`) when one of
    /// its source fields is a declared missing value, else NULL: the engine then names it in
    /// the reject ("the mapping declares this value missing").
    func declaredGiven(_ table: String, _ column: String) -> String {
        let sources = fileMapping(table).sources(for: column)
        guard let declared = declaredValues(table, column) else { return "CAST(NULL AS \(dialect.text))" }
        let fields = sources.map { dialect.field($0) }
        let any = fields.map { isDeclared($0, declared) }.joined(separator: " OR ")
        return "CASE WHEN \(any) THEN " + fields.map { "coalesce(\($0), '')" }.joined(separator: " || ':' || ") + " END"
    }

    /// The date format of a contract table's file.
    func dateFormat(_ table: String) -> DateFormat { fileMapping(table).dateFormat }

    /// Whether person keys are NHS numbers (checked by Modulus 11) or opaque text.
    var opaquePeople: Bool { mapping.personID == .opaque }

    /// One row per code of a diagnosis list field `x`, as column `name`: the pieces between
    /// commas, `|`, spaces and semicolons, as the engine splits them (empty pieces included,
    /// which read as no code).
    func diagnosisCodes(_ x: String, as name: String) -> String { dialect.splitToRows(x, "[,| ;]", as: name) }
}
