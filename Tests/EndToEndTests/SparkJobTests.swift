import Foundation
import TestSupport
import Testing

/// warehouse/casefind_spark.py, the job a Databricks user schedules, in Spark's local mode:
/// over sample-extracts/ and Tests/sql/edges/ as a warehouse holds them (CSV, gzip CSV and
/// Parquet), the three parts it writes must be casefind's case list, attrition and rejects
/// (Tests/sql/check_job.py). Needs the venv `scripts/setup --tests` installs; fails without it.
@Suite struct SparkJobTests {
    @Test func theSparkJobReturnsWhatCasefindFinds() throws {
        let root = repositoryRoot()
        let python = root + "/Tests/sql/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("\(python) is missing: run scripts/setup --tests (it calls Tests/sql/setup.sh) first")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root + "/Tests/sql/check_job.py", "--casefind", CaseFind.binary, "--work", temporaryFolder("spark-job")]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output.suffix(8_000))")
        #expect(output.contains("OK   sample:") && output.contains("OK   edges:") && output.contains("the Spark job matches casefind"))
    }
}
