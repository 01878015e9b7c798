import CaseCore
import Foundation
import Testing
import Warehouse

/// The query's case list has cases.csv's columns, by the one definition (`CaseRecord.columns`),
/// in order, up to `risk_band`.
@Suite struct CaseColumnsTests {
    @Test(arguments: [Dialect.duckdb, .postgres, .spark], ["essex-2005.yaml", "castlefields.yaml"])
    func theFinalSelectNamesTheCasesColumns(dialect: Dialect, file: String) throws {
        let sql = try WarehouseSQLTests.render(dialect, file: file)
        let start = try #require(sql.range(of: "SELECT e.nhs AS nhs_number"), "the final select")
        let end = try #require(sql.range(of: "\nFROM ", range: start.upperBound..<sql.endIndex), "its FROM")
        let select = String(sql[start.lowerBound..<end.lowerBound])
        let aliases = try NSRegularExpression(pattern: #"\bAS ([a-z_]+)(?=,|\s*$)"#, options: [.anchorsMatchLines])
            .matches(in: select, range: NSRange(select.startIndex..., in: select))
            .compactMap { Range($0.range(at: 1), in: select).map { String(select[$0]) } }
        let upToRisk = try #require(CaseRecord.columns.firstIndex(of: "risk_band"))
        #expect(aliases == Array(CaseRecord.columns[...upToRisk]))
    }
}
