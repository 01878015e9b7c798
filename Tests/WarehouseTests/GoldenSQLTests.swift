import CaseCore
import Foundation
import Rules
import Stratify
import TestSupport
import Testing

@testable import Warehouse

/// The rendered SQL, byte for byte. Each file in `Golden/` is what
/// `casefind sql --criteria criteria/<set>.yaml --dialect <dialect> --as-of 2026-11-22` prints
/// (20 diagnosis columns, the default); `evercare-no-risk` is evercare.yaml with its risk table
/// taken out, which renders neither the code readings nor the risk score; `essex-2005.rejects`
/// is `--part rejects --line-column line_number`, and `essex-2005.attrition` `--part attrition`
/// with it.
///
/// Any change to the script fails here, naming the first line that differs. When the change is
/// meant, rewrite the files with `CASEFIND_UPDATE_GOLDEN=1 swift test --filter GoldenSQLTests`,
/// run again without the variable, and review the diff of `Golden/` with the change.
@Suite struct GoldenSQLTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var criteria: String
        var withoutRisk: Bool
        var dialect: Dialect
        var part: WarehouseSQL.Part = .cases

        var golden: String {
            "\(criteria)\(withoutRisk ? "-no-risk" : "")\(part == .cases ? "" : "." + part.rawValue).\(dialect.rawValue).sql"
        }
        var testDescription: String { golden }
    }

    static let cases: [Case] = Dialect.allCases.flatMap { dialect in
        [("essex-2005", false), ("castlefields", false), ("evercare", false), ("evercare", true)].map {
            Case(criteria: $0.0, withoutRisk: $0.1, dialect: dialect)
        } + [.rejects, .attrition].map { Case(criteria: "essex-2005", withoutRisk: false, dialect: dialect, part: $0) }
    }

    static let riskBlock = "risk:\n  table: hfrs-gilbert-2018.yaml\n  window: 24 months\n"

    static func render(_ c: Case) throws -> String {
        let path = repositoryRoot() + "/criteria/" + c.criteria + ".yaml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        if c.withoutRisk {
            #expect(text.contains(riskBlock), "\(c.criteria).yaml has the risk block this test takes out")
            text = text.replacingOccurrences(of: riskBlock, with: "")
        }
        let set = try CriteriaSet.parse(text, path: path)
        let risk = try set.risk.map { r throws(ConfigurationError) in try RiskModel.load(path: r.tablePath, window: r.window) }
        return WarehouseSQL(
            criteria: set, risk: risk, dialect: c.dialect, asOf: try WarehouseSQLTests.asOf(),
            lineColumn: c.part == .cases ? nil : "line_number"
        ).render(c.part)
    }

    @Test(arguments: cases)
    func renderedSQLIsTheGoldenFile(_ c: Case) throws {
        let sql = try Self.render(c)
        if ProcessInfo.processInfo.environment["CASEFIND_UPDATE_GOLDEN"] == "1" {
            let path = repositoryRoot() + "/Tests/WarehouseTests/Golden/" + c.golden
            try Data(sql.utf8).write(to: URL(fileURLWithPath: path))
            Issue.record("rewrote \(path): run again without CASEFIND_UPDATE_GOLDEN")
            return
        }
        let url = try #require(Bundle.module.url(forResource: "Golden/" + c.golden, withExtension: nil), "no Golden/\(c.golden)")
        let golden = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        guard sql != golden else { return }
        let got = sql.components(separatedBy: "\n")
        let want = golden.components(separatedBy: "\n")
        let line = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
        Issue.record(
            """
            the SQL differs from Golden/\(c.golden) at line \(line + 1):
              rendered: \(line < got.count ? got[line] : "(end)")
              golden:   \(line < want.count ? want[line] : "(end)")
            """)
    }
}
