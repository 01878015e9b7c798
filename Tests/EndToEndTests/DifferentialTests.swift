import Foundation
import TestSupport
import Testing

/// The engine against an independent Python implementation of the contract
/// (Tests/differential/), on randomly generated extracts full of edge cases: two seeds, three
/// as-of dates (an ordinary one, 29 February 2028, 28 February 2027), LF and CRLF with a BOM;
/// cases, risk, allocation, rejects, attrition and counts compared field by field.
/// Python 3 is part of the machine; if it is missing these tests fail, they do not skip.
///
/// compare.py's report (Tests/differential/README.md) is read, not only its exit status: one
/// line `== TAG: N difference(s)...` per run, in order, then `== N run(s) compared; ...` and
/// `   none`. So a run that was skipped, or never made, fails the test as a difference does.
@Suite struct DifferentialTests {
    static let dates = ["2026-11-22", "2028-02-29", "2027-02-28"]
    static let encodings = ["lf", "crlf-bom"]
    static let pairs = [("2026-10-22", "2026-11-22"), ("2028-01-29", "2028-02-29")]

    @Test func engineMatchesTheIndependentReference() throws {
        let output = try compare([
            "--seeds", "1-2", "--patients", "800", "--dates", Self.dates.joined(separator: ","), "--encodings",
            Self.encodings.joined(separator: ","),
        ])
        let runs = try reportedRuns(output, closing: "run(s) compared")
        let tags = [1, 2].flatMap { seed in Self.dates.flatMap { date in Self.encodings.map { "seed \(seed) as-of \(date) \($0)" } } }
        #expect(runs.map(\.tag) == tags, "one report per seed, date and encoding, in order: \(output.suffix(3000))")
        for run in runs { #expect(run.differences == 0, "\(run.tag)") }
    }

    /// A run at one date, then `incidence` a month later: the incident patients with their
    /// triggers, and the lapsed ones, as the reference finds them at both dates. At each pair of
    /// dates the reference finds some of both, so that agreeing is not agreeing on nothing.
    @Test func incidenceMatchesTheIndependentReference() throws {
        let output = try compare([
            "--incidence", "--seeds", "1", "--patients", "1500", "--pairs", Self.pairs.map { "\($0.0):\($0.1)" }.joined(separator: ","),
            "--encodings", "lf",
        ])
        let runs = try reportedRuns(output, closing: "incidence run(s) compared")
        #expect(runs.map(\.tag) == Self.pairs.map { "seed 1 incidence \($0.0) -> \($0.1) lf" }, "\(output.suffix(3000))")
        for run in runs {
            #expect(run.differences == 0, "\(run.tag)")
            let found = try #require(
                run.rest.wholeMatch(of: /; reference: ([0-9]+) incident \([^)]*\), ([0-9]+) lapsed \([^)]*\); extracts .+/),
                "\(run.tag)\(run.rest)")
            #expect((Int(found.output.1) ?? 0) > 0, "\(run.tag): the reference finds no incident patient")
            #expect((Int(found.output.2) ?? 0) > 0, "\(run.tag): the reference finds no lapsed patient")
        }
    }

    /// Runs compare.py and expects it to exit 0.
    func compare(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let (status, output) = try runProgram(
            "/usr/bin/env",
            [
                "python3", repositoryRoot() + "/Tests/differential/compare.py", "--engine", CaseFind.binary,
                "--criteria", repositoryRoot() + "/criteria/essex-2005.yaml", "--work", temporaryFolder("differential"),
            ] + arguments)
        #expect(status == 0, "\(output.suffix(3000))", sourceLocation: sourceLocation)
        return output
    }

    struct Run {
        var tag: String
        var differences: Int
        /// What follows `N difference(s)` on the run's line.
        var rest: String
    }

    /// The runs compare.py reports, from its lines `== TAG: N difference(s)REST`, once its report
    /// is seen to end with `== N CLOSING; differences by kind over all runs:` and `   none` (N
    /// being the number of runs reported) and to have used the criteria file it was given.
    func reportedRuns(_ output: String, closing: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [Run] {
        let lines = output.split(separator: "\n").map(String.init)
        let runs = lines.compactMap { line in
            line.wholeMatch(of: /== (.+): ([0-9]+) difference\(s\)(.*)/).map {
                Run(tag: String($0.output.1), differences: Int($0.output.2) ?? -1, rest: String($0.output.3))
            }
        }
        try #require(
            lines.suffix(2) == ["== \(runs.count) \(closing); differences by kind over all runs:", "   none"],
            "compare.py's closing lines: \(output.suffix(3000))", sourceLocation: sourceLocation)
        #expect(
            !output.contains("note: the engine refuses"), "the engine refused the working-tree criteria file",
            sourceLocation: sourceLocation)
        return runs
    }
}
