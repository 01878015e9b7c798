import CaseCore
import Foundation
import Ingest
import Rules
import Stratify
import TestSupport
import Testing

@testable import Warehouse

/// `casefind sql --mapping`: the query reads the warehouse's own tables and columns as `run`
/// reads the files through the same mapping (what the readings give on real rows is shown on
/// the engines by `Tests/sql/check_sql.py`'s mapped datasets, against `run --mapping`).
@Suite struct MappingSQLTests {
    static let hes = """
        mapping: test
        version: 1
        tables:
          admissions: hes.apc
          patients: spine
        files:
          patients:
            date_format: YYYYMMDD
            columns:
              nhs_number: NHS_NO
          admissions:
            date_format: DD/MM/YYYY
            columns:
              nhs_number: NEWNHSNO
              spell_id: [PROCODE3, PROVSPNO]
              admission_date: ADMIDATE
            missing_values:
              spell_id: ["-1"]
              admission_method: ["99", "x9"]
            diagnoses:
              prefix: [DIAG_4_, DIAG_]
        """

    static func sql(
        _ mappingText: String = hes, part: WarehouseSQL.Part = .rejects, tables: [ExtractKind: String] = [:], ndooCleared: String? = nil
    ) throws -> (String, WarehouseSQL) {
        let set = try CriteriaSet.load(path: repositoryRoot() + "/criteria/essex-2005.yaml")
        let mapping = try ColumnMapping.parse(mappingText, path: "test.yaml")
        let sql = WarehouseSQL(
            criteria: set, risk: nil, dialect: .duckdb, asOf: try WarehouseSQLTests.asOf(), diagnosisColumns: 3, lineColumn: "line_number",
            ndooCleared: ndooCleared, mapping: mapping, tables: tables)
        return (sql.render(part), sql)
    }

    /// Renamed columns, from the mapped tables; the contract's names stay for the rest.
    @Test func columnsAndTablesAreTheMappings() throws {
        let (sql, _) = try Self.sql()
        #expect(sql.contains("NULLIF(trim(CAST(NEWNHSNO AS VARCHAR), ' ' || chr(9)), '') AS nhs_number"))
        #expect(sql.contains("NULLIF(trim(CAST(NHS_NO AS VARCHAR), ' ' || chr(9)), '') AS nhs_number"))
        #expect(sql.contains("NULLIF(trim(CAST(discharge_date AS VARCHAR), ' ' || chr(9)), '') AS discharge_date"))
        #expect(sql.contains("FROM hes.apc) f") && sql.contains("FROM spine) f") && sql.contains("FROM prescriptions) f"))
        #expect(!sql.contains("FROM admissions) f") && !sql.contains("FROM patients) f"))
        // Diagnoses by the first prefix, named as the engine names them.
        #expect(sql.contains("NULLIF(trim(CAST(diag_4_03 AS VARCHAR), ' ' || chr(9)), '') AS diag_4_03"))
        #expect(sql.contains("'not an ICD-10 code: ignored'") && sql.contains("'diag_4_01'"))
        // --table wins over the mapping's tables:.
        let (named, _) = try Self.sql(tables: [.admissions: "apc2"])
        #expect(named.contains("FROM apc2) f") && !named.contains("FROM hes.apc) f"))
    }

    /// A composite key is its parts joined with ':', NULL when one is blank or declared
    /// missing; a declared missing value is read as NULL and named in the reject.
    @Test func compositeKeysAndDeclaredMissingValues() throws {
        let (sql, _) = try Self.sql()
        let part = { (c: String) in
            "CASE WHEN translate(NULLIF(trim(CAST(\(c) AS VARCHAR), ' ' || chr(9)), ''), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') IN ('-1') THEN NULL ELSE NULLIF(trim(CAST(\(c) AS VARCHAR), ' ' || chr(9)), '') END"
        }
        #expect(
            sql.contains(
                "CASE WHEN \(part("PROCODE3")) IS NULL OR \(part("PROVSPNO")) IS NULL THEN NULL ELSE \(part("PROCODE3")) || ':' || \(part("PROVSPNO")) END AS spell_id"
            ))
        #expect(sql.contains("IN ('99', 'X9') THEN NULL ELSE"))
        #expect(sql.contains(" END AS spell_id_declared"))
        #expect(
            sql.contains(
                "WHEN 3 THEN CASE WHEN spell_id_declared IS NOT NULL THEN 'missing required field (the mapping declares this value missing)' ELSE 'missing required field' END"
            ))
        // Patients' gp_practice placeholders mean "no registered practice", not blank.
        #expect(!sql.contains("gp_practice_declared"))
    }

    /// Dates in each file's format, read digit by digit, and named in the reason.
    @Test func datesInEachFilesFormat() throws {
        let (sql, _) = try Self.sql()
        #expect(sql.contains("'unreadable date (expected DD/MM/YYYY)'") && sql.contains("'unreadable date (expected YYYYMMDD)'"))
        #expect(
            sql.contains(
                "CAST(substr(admission_date, 7, 4) || '-' || substr(admission_date, 4, 2) || '-' || substr(admission_date, 1, 2) AS DATE)"))
        #expect(
            sql.contains(
                "CAST(substr(date_of_birth, 1, 4) || '-' || substr(date_of_birth, 5, 2) || '-' || substr(date_of_birth, 7, 2) AS DATE)"))
        #expect(sql.contains("substr(admission_date, 3, 1) = '/' AND substr(admission_date, 6, 1) = '/'"))
        // Prescriptions, not in the mapping, keep the contract's YYYY-MM-DD.
        #expect(sql.contains("'unreadable date (expected YYYY-MM-DD)'"))
    }

    /// Opaque person keys: any text, as given; only a blank one is a reject, and an excluded
    /// patient's rows are dropped after that one rule.
    @Test func opaquePersonKeys() throws {
        let (sql, rendered) = try Self.sql("mapping: p\nversion: 1\nperson_id: opaque\nfiles: {}\n")
        #expect(rendered.opaquePeople && rendered.personRuleCount == 1)
        #expect(!sql.contains("not a valid NHS number") && !sql.contains("replace(replace(nhs_number"))
        #expect(sql.contains("nhs_number AS nhs_digits"))
        #expect(sql.contains("WHERE NOT (coalesce(r.rule, 99) > 1 AND r.nhs_digits IN (SELECT nhs FROM opted_out))"))
        let (_, cleared) = try Self.sql("mapping: p\nversion: 1\nperson_id: opaque\nfiles: {}\n", ndooCleared: "cleared")
        #expect(cleared.unsupported?.contains("opaque person keys") == true)
    }

    /// A diagnosis list column (SUS Der_Diagnosis_All): its codes split where the engine splits
    /// them, one warning per code that is not ICD-10, named by the column as the mapping names it.
    @Test(arguments: Dialect.allCases)
    func aDiagnosisListColumn(dialect: Dialect) throws {
        let text = "mapping: s\nversion: 1\nfiles:\n  admissions:\n    diagnoses:\n      list: Der_Diagnosis_All\n"
        let set = try CriteriaSet.load(path: repositoryRoot() + "/criteria/essex-2005.yaml")
        let sql = WarehouseSQL(
            criteria: set, risk: nil, dialect: dialect, asOf: try WarehouseSQLTests.asOf(), lineColumn: "line_number",
            mapping: try ColumnMapping.parse(text, path: "s.yaml"))
        #expect(sql.unsupported == nil && sql.diagnosisColumnNames == ["diagnosis_list"])
        let rejects = sql.render(.rejects), cases = sql.render(.cases)
        #expect(rejects.contains("CAST(Der_Diagnosis_All AS \(dialect.text))") && rejects.contains(" AS diagnosis_list"))
        #expect(!rejects.contains("diag_01") && !cases.contains("diag_01"))
        let split = dialect.splitToRows("e.diagnosis_list", "[,| ;]", as: "raw")
        #expect(cases.contains("SELECT e.nhs, s.adm, \(split)"))
        #expect(rejects.contains("'not an ICD-10 code: ignored' AS reason, 'Der_Diagnosis_All' AS field, x.code AS value"))
        #expect(rejects.contains(dialect.splitToRows("c.diagnosis_list", "[,| ;]", as: "code")))
    }

    /// What the SQL cannot render yet is said, not rendered wrong.
    @Test func whatIsNotRenderedYetIsRefused() throws {
        let (_, dmd) = try Self.sql("mapping: d\nversion: 1\nfiles:\n  prescriptions:\n    bnf_map:\n      file: map.csv\n")
        #expect(dmd.unsupported?.contains("dm+d id through a BNF map") == true)
        let (_, plain) = try Self.sql()
        #expect(plain.unsupported == nil)
    }

    /// The mapping's tables: section: extracts by name, plain table names only.
    @Test func theTablesSection() throws {
        let m = try ColumnMapping.parse("mapping: t\nversion: 1\ntables:\n  opt_outs: gov.opt_outs\nfiles: {}\n", path: "t.yaml")
        #expect(m.tables == [.optOuts: "gov.opt_outs"])
        for bad in ["  admissions: \"apc; DROP TABLE x\"", "  admissions: a.b.c.d", "  wards: w", "  admissions: 1apc"] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try ColumnMapping.parse("mapping: t\nversion: 1\ntables:\n\(bad)\nfiles: {}\n", path: "t.yaml")
            }
        }
        #expect(ColumnMapping.isTableName("sus.apcs") && ColumnMapping.isTableName("_x1") && !ColumnMapping.isTableName("a..b"))
    }
}
