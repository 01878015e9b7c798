import Foundation
import TestSupport
import Testing

/// warehouse/casefind_spark.py, the job a Databricks user schedules, in Spark's local mode:
/// over sample-extracts/ and Tests/sql/edges/ as a warehouse holds them (CSV, gzip CSV and
/// Parquet), the three parts it writes must be casefind's case list, attrition and rejects
/// (Tests/sql/check_job.py). Needs the venv `scripts/setup --tests` installs; fails without it.
@Suite struct SparkJobTests {
    @Test func theSparkJobReturnsWhatCasefindFinds() throws {
        guard let python = testVenvPython() else { return }
        let root = repositoryRoot()
        let (status, output) = try runProgram(
            python, [root + "/Tests/sql/check_job.py", "--casefind", CaseFind.binary, "--work", temporaryFolder("spark-job")], in: root)
        #expect(status == 0, "\(output.suffix(8_000))")
        #expect(output.contains("OK   sample:") && output.contains("OK   edges:") && output.contains("the Spark job matches casefind"))
    }
}
