import CaseCore
import Foundation
import Rules
import Stratify
import TestSupport
import Testing

@testable import Warehouse

/// The shape of the rendered SQL. Whether it computes the engine's answer is shown by running
/// it on DuckDB, PostgreSQL and Spark (`SQLDialectTests`, `Tests/sql/`); these tests pin what a
/// reader of the script relies on, and that the script follows the criteria file.
@Suite struct WarehouseSQLTests {
    /// The as-of date the pinned SQL is rendered at.
    static func asOf() throws -> Day { try #require(Day(year: 2026, month: 11, day: 22)) }

    /// Renders `file` for `dialect` as of `asOf` (an ISO date; nil for the engine's today).
    static func render(
        _ dialect: Dialect, file: String = "essex-2005.yaml", asOf: String? = "2026-11-22", edit: (String) -> String = { $0 },
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> String {
        let asOf = try asOf.map { try #require(DateFormat.iso.parse($0), "as-of \($0)", sourceLocation: sourceLocation) }
        let path = repositoryRoot() + "/criteria/" + file
        let text = edit(try String(contentsOfFile: path, encoding: .utf8))
        let set = try CriteriaSet.parse(text, path: path)
        let risk = try set.risk.map { r throws(ConfigurationError) in try RiskModel.load(path: r.tablePath, window: r.window) }
        return WarehouseSQL(criteria: set, risk: risk, dialect: dialect, asOf: asOf, diagnosisColumns: 6).render()
    }

    @Test(arguments: Dialect.allCases)
    func oneNamedCTEPerCriterionWithItsRule(dialect: Dialect) throws {
        let sql = try Self.render(dialect)
        for (id, rank) in [("frailty", 1), ("admissions", 2), ("care_home", 3), ("polypharmacy", 4), ("nomination", 5)] {
            #expect(sql.contains("\nc_\(id) AS (\n"), "\(id)")
            #expect(sql.contains("-- Criterion \(id) (rank \(rank)): "), "\(id)")
        }
        #expect(sql.hasSuffix("ORDER BY locality, nhs_number;\n"))
        #expect(sql.components(separatedBy: ";\n").count == 2, "one statement")
        #expect(sql.contains(dialect == .spark ? "\nWITH\n" : "\nWITH RECURSIVE\n"))
    }

    @Test func codeListsAreDataFromTheCriteriaFile() throws {
        let sql = try Self.render(.duckdb)
        #expect(sql.contains("('W00', 'W19', 3, 0, 'fall')"))
        #expect(sql.contains("('R11', 'R11', 3, 70, 'nausea and vomiting')"))
        #expect(sql.contains("('K590', 'K590', 4, 0, 'constipation')"))
        #expect(sql.contains("('F00', 7"), "HFRS F00 is 7.1 = 71 tenths")
        #expect(sql.contains("('F00', 71)"))
        #expect(sql.contains("diag_01") && sql.contains("diag_06") && !sql.contains("diag_07"))
    }

    @Test func windowsPerDialect() throws {
        let duck = try Self.render(.duckdb)
        #expect(duck.contains("CAST(DATE '2026-11-22' - INTERVAL '12 months' AS DATE)"))
        #expect(duck.contains("(DATE '2026-11-22' - 84)"))
        let spark = try Self.render(.spark)
        #expect(spark.contains("add_months(DATE '2026-11-22', -12)"))
        #expect(spark.contains("add_months(DATE '2026-11-22', -24)"), "the risk window")
        #expect(spark.contains("date_sub(DATE '2026-11-22', 84)"))
        let pg = try Self.render(.postgres)
        #expect(pg.contains("COLLATE \"C\""))
    }

    @Test func withoutAnAsOfDateTheQueryUsesTheEnginesToday() throws {
        let sql = try Self.render(.postgres, asOf: nil)
        #expect(sql.contains("CURRENT_DATE") && !sql.contains("DATE '2026-11-22'"))
    }

    /// The script follows the parsed file: edits to the criteria change it.
    @Test func editedCriteriaChangeTheScript() throws {
        let gap = try Self.render(.duckdb) { $0.replacingOccurrences(of: "max_gap_days: 3", with: "max_gap_days: 5") }
        #expect(gap.contains("BETWEEN 0 AND 5") && !gap.contains("BETWEEN 0 AND 3"))
        let drugs = try Self.render(.spark) { $0.replacingOccurrences(of: "min_distinct: 5", with: "min_distinct: 7") }
        #expect(drugs.contains("HAVING count(DISTINCT substance) >= 7"))
        let age = try Self.render(.postgres) { $0.replacingOccurrences(of: "min_age: 65 ", with: "min_age: 75 ") }
        #expect(age.contains(">= 75\n"))
    }

    @Test func otherCriteriaFilesRender() throws {
        let castlefields = try Self.render(.duckdb, file: "castlefields.yaml")
        #expect(castlefields.contains("\nc_chronic_conditions AS (\n"))
        #expect(castlefields.contains("HAVING count(DISTINCT r.label) >= 4"))
        #expect(castlefields.contains("('F00', 'F03', 3, 0, 'dementia')"))
        let evercare = try Self.render(.spark, file: "evercare.yaml")
        #expect(evercare.contains("'N' AS care_home") && evercare.contains("'' AS frailty_codes"))
    }

    @Test func literalsAreEscapedPerDialect() {
        #expect(Dialect.duckdb.literal("it's") == "'it''s'")
        #expect(Dialect.postgres.literal("a'b") == "'a''b'")
        #expect(Dialect.spark.literal("it's \\ x") == "'it\\'s \\\\ x'")
    }
}
