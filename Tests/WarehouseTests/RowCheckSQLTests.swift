import CaseCore
import Foundation
import Rules
import Stratify
import TestSupport
import Testing

@testable import Warehouse

/// The shape of the row checks in the SQL (what they compute is shown on the engines by
/// `Tests/sql/check_sql.py`, row by row against rejects.csv, `Tests/sql/edges/` included).
@Suite struct RowCheckSQLTests {
    static let tables = ["opt_outs", "patients", "practices", "admissions", "prescriptions", "residence", "nominations"]

    static func sql(
        _ dialect: Dialect, _ part: WarehouseSQL.Part, file: String = "essex-2005.yaml", lineColumn: String? = "line_number",
        optOuts: OptOutPolicy? = nil, ndooCleared: String? = nil
    ) throws -> String {
        let path = repositoryRoot() + "/criteria/" + file
        let set = try CriteriaSet.load(path: path)
        let risk = try set.risk.map { r throws(ConfigurationError) in try RiskModel.load(path: r.tablePath, window: r.window) }
        return WarehouseSQL(
            criteria: set, risk: risk, dialect: dialect, asOf: try WarehouseSQLTests.asOf(), diagnosisColumns: 4, lineColumn: lineColumn,
            optOuts: optOuts, ndooCleared: ndooCleared
        ).render(part)
    }

    /// Every table is read once, by its typed step, and the rejects read each checked table
    /// once (its rows paired with its warnings' numbers), so no engine computes a check twice.
    @Test(arguments: Dialect.allCases)
    func eachTableIsReadOnce(dialect: Dialect) throws {
        let rejects = try Self.sql(dialect, .rejects)
        for t in Self.tables {
            #expect(rejects.components(separatedBy: "FROM \(t)) f\n").count == 2, "\(t) read once")
            #expect(rejects.components(separatedBy: "FROM checked_\(t) c CROSS JOIN (VALUES ").count == 2, "checked_\(t) read once")
        }
        #expect(rejects.hasSuffix("ORDER BY table_name, CAST(line_number AS BIGINT), row_key, severity, field;\n"))
        let noLines = try Self.sql(dialect, .rejects, lineColumn: nil)
        #expect(noLines.contains("CAST(NULL AS \(dialect.text)) AS line_number"))
        #expect(noLines.hasSuffix("ORDER BY table_name, row_key, severity, field;\n"))
    }

    /// The case list checks only the tables its criteria read: residence for a care-home
    /// register, nominations for a nomination criterion.
    @Test func theCaseListChecksTheTablesItReads() throws {
        let essex = try Self.sql(.duckdb, .cases)
        for t in Self.tables { #expect(essex.contains("\nchecked_\(t) AS ("), "essex reads \(t)") }
        let castlefields = try Self.sql(.duckdb, .cases, file: "castlefields.yaml")
        #expect(!castlefields.contains("checked_nominations") && !castlefields.contains("checked_residence"))
        #expect(castlefields.contains("\nchecked_admissions AS ("))
    }

    /// Spark inlines a deterministic step wherever it is read; the typed steps carry a
    /// non-deterministic column there, and only there, so each is planned once.
    @Test func sparkPlansEachCheckOnce() throws {
        let spark = try Self.sql(.spark, .cases)
        #expect(spark.components(separatedBy: "rand() AS spark_computed_once").count == 1 + 7)
        for dialect in [Dialect.duckdb, .postgres] { #expect(!(try Self.sql(dialect, .cases)).contains("rand()")) }
    }

    /// The duplicate rules keep the first row by line when there is a line column, by the
    /// rows' values otherwise, and say which line was first.
    @Test func duplicatesKeepTheFirstByLine() throws {
        let sql = try Self.sql(.postgres, .rejects)
        #expect(sql.contains("PARTITION BY CASE WHEN rule IS NULL THEN nhs_digits END ORDER BY CAST(line_number AS BIGINT), "))
        #expect(sql.contains("'NHS number already on the spine at line ' || coalesce(first_line, '?')"))
        let noLines = try Self.sql(.postgres, .rejects, lineColumn: nil)
        #expect(noLines.contains("PARTITION BY CASE WHEN rule IS NULL THEN nhs_digits END ORDER BY coalesce(date_of_birth, ''), "))
    }

    /// The opt-out policy: a patient it excludes leaves every table of patients before any
    /// check but the NHS number's; with `none` nothing reads opt_outs but the rejects list.
    @Test func optedOutPatientsLeaveEveryTable() throws {
        let sql = try Self.sql(.duckdb, .cases)
        #expect(sql.contains("\nopted_out AS (\n"))
        #expect(sql.contains("AND (type IS NULL OR lower(type) NOT IN ('type1', 'ndoo') OR lower(type) IN ('type1', 'ndoo'))"))
        let filter = "WHERE NOT (coalesce(r.rule, 99) > 2 AND r.nhs_digits IN (SELECT nhs FROM opted_out))"
        #expect(sql.components(separatedBy: filter).count == 1 + 5, "every table of patients but opt_outs")
        let ndoo = try Self.sql(.duckdb, .cases, optOuts: OptOutPolicy([.ndoo]))
        #expect(ndoo.contains("OR lower(type) IN ('ndoo'))"))
        let none = try Self.sql(.duckdb, .cases, optOuts: OptOutPolicy([]))
        #expect(!none.contains("opt_outs") && !none.contains("opted_out"))
        let rejects = try Self.sql(.duckdb, .rejects, optOuts: OptOutPolicy([]))
        #expect(rejects.contains("FROM checked_opt_outs c CROSS JOIN") && !rejects.contains("opted_out"))
    }

    /// The national service's cleared list: under a policy naming ndoo, every spine patient
    /// with a valid NHS number it lacks is opted out too, read from the typed spine (so the
    /// step comes between typed_patients and the spine's rules); under type1 it is not read.
    @Test(arguments: [WarehouseSQL.Part.cases, .rejects, .attrition])
    func spinePatientsMissingFromTheClearedListAreOptedOut(part: WarehouseSQL.Part) throws {
        let sql = try Self.sql(.postgres, part, ndooCleared: "nd.cleared")
        let order = ["\ntyped_patients AS", "\nndoo_cleared_numbers AS", "\nopted_out AS", "\nruled_patients AS"].map {
            sql.range(of: $0)?.lowerBound
        }
        #expect(order.allSatisfy { $0 != nil } && order == order.sorted { ($0 ?? sql.startIndex) < ($1 ?? sql.startIndex) })
        #expect(
            sql.contains(
                "SELECT DISTINCT replace(replace(NULLIF(btrim(CAST(nhs_number AS TEXT), ' ' || chr(9)), ''), ' ', ''), '-', '') AS nhs\n    FROM nd.cleared"
            ))
        #expect(sql.contains("AND NOT EXISTS (SELECT 1 FROM ndoo_cleared_numbers c WHERE c.nhs = t.nhs_digits)"))
        #expect(sql.contains("-- And nd.cleared (nhs_number), the national data opt-out's cleared list"))
        let type1 = try Self.sql(.postgres, part, optOuts: OptOutPolicy([.type1]), ndooCleared: "nd.cleared")
        #expect(!type1.contains("nd.cleared") && !type1.contains("ndoo_cleared_numbers"))
        #expect(type1.contains("\nopted_out AS"))
    }
}
