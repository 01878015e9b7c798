import CaseCore
import Foundation
import Rules
import Stratify
import TestSupport
import Testing

@testable import Warehouse

/// `--part attrition`: the funnel's steps in attrition.csv's order, up to any_criterion (what
/// the counts are on real rows is shown on the engines by `Tests/sql/check_sql.py`, step by
/// step against casefind's attrition.csv and the independent reference's).
@Suite struct AttritionSQLTests {
    static func steps(_ sql: String) -> [String] {
        sql.components(separatedBy: "\n").compactMap { line in
            guard line.hasPrefix("SELECT "), let at = line.range(of: " AS place, '") else { return nil }
            return String(line[at.upperBound...].prefix { $0 != "'" })
        }
    }

    @Test(arguments: Dialect.allCases)
    func theStepsAreAttritionCSVsUpToAnyCriterion(dialect: Dialect) throws {
        let sql = try RowCheckSQLTests.sql(dialect, .attrition)
        #expect(
            Self.steps(sql) == [
                "registered", "opted_out", "alive", "aged_65_plus", "frailty", "admissions", "care_home", "polypharmacy", "nomination",
                "any_criterion",
            ])
        #expect(sql.hasSuffix(") a\nORDER BY place;\n"))
        #expect(sql.contains("casefinder: the attrition for criteria set essex-2005"))
        // Each criterion counts the population's patients who meet it.
        #expect(sql.contains("'polypharmacy' AS step, CAST((SELECT count(*) FROM evaluated WHERE met_3 = 1) AS BIGINT) AS patients"))
        // The funnel needs no report columns and no risk score.
        #expect(!sql.contains("\nrisk AS (") && !sql.contains("\nmatched_codes AS ("))
        let castlefields = try RowCheckSQLTests.sql(dialect, .attrition, file: "castlefields.yaml")
        #expect(Self.steps(castlefields).first == "registered" && Self.steps(castlefields).last == "any_criterion")
    }

    /// The spine's opted-out patients count once each and are registered too; with the policy
    /// none nobody is, and opt_outs is not read.
    @Test func optedOutPatientsAreRegisteredAndCountedOnce() throws {
        let sql = try RowCheckSQLTests.sql(.duckdb, .attrition)
        #expect(
            sql.contains(
                "SELECT count(DISTINCT nhs_digits) AS n\n    FROM typed_patients\n    WHERE nhs_digits IN (SELECT nhs FROM opted_out)"))
        #expect(sql.contains("CAST((SELECT count(*) FROM patient_rows) + (SELECT n FROM spine_opted_out) AS BIGINT) AS patients"))
        let none = try RowCheckSQLTests.sql(.duckdb, .attrition, optOuts: OptOutPolicy([]))
        #expect(none.contains("spine_opted_out AS (\n    SELECT CAST(0 AS BIGINT) AS n\n)"))
        #expect(!none.contains("opt_outs") && !none.contains("\nopted_out AS ("))
    }
}
