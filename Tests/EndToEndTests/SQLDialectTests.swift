import Foundation
import TestSupport
import Testing

/// `casefind sql` on three engines: the queries for every criteria file, run by DuckDB, a
/// private PostgreSQL server and Spark (local[2]) on the extracts as they came, must return
/// casefind's case list up to risk_band value for value, its rejects row for row and its
/// attrition step for step (Tests/sql/check_sql.py, two seeds at two dates, sample-extracts/
/// and Tests/sql/edges/); and DuckDB's Essex queries must match the independent Python
/// reference on freshly generated extracts (a new seed each run, printed for replay). Needs the venv and
/// packages that `scripts/setup --tests` installs (Tests/sql/setup.sh); it fails, not skips, without
/// them. CASEFIND_SQL_ENGINES=duckdb (say) leaves engines out explicitly.
@Suite struct SQLDialectTests {
    @Test func generatedSQLMatchesTheEngineOnEveryDialect() throws {
        let root = repositoryRoot()
        guard let python = testVenvPython() else { return }
        let work = temporaryFolder("sql-dialects")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            root + "/Tests/sql/check_sql.py", "--casefind", CaseFind.binary,
            "--seeds", "1,2", "--patients", "1200", "--work", work,
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let started = Date()
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = Int(Date().timeIntervalSince(started))
        if process.terminationStatus != 0 {
            print(output)  // the whole report, for the log
            let summary = output.range(of: "\nsummary:").map { String(output[$0.lowerBound...]) } ?? ""
            Issue.record(
                """
                Tests/sql/check_sql.py exited \(process.terminationStatus) after \(seconds) s \
                (work folder \(work)):
                \(output.prefix(8_000))
                \(output.count > 8_000 ? "...\n" + summary.suffix(4_000) : "")
                """)
        } else {
            #expect(output.contains(" passed, 0 failed"), "\(output.suffix(2000))")
        }
    }
}
