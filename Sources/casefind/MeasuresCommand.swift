import ArgumentParser
import CaseCore
import CaseFinderKit
import Foundation
import Monitoring

struct MeasuresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measures",
        abstract:
            "Monitoring measures and screening timeliness: measures.csv, case_management.csv, enrolment_outcomes.csv, timeliness.csv.",
        discussion: """
            Emergency admissions (ADMIMETH 21-25, 28, 2A-2D), bed days and mean length of stay per locality and month for the \
            registered population aged 65 and over, against the baseline months; patients actively case-managed and the coverage \
            of the case-found population; enrolled patients' emergency admissions in the 12 months before and after enrolment; \
            days from case-found to screening outcome in working days. Reads the state store's runs and screening outcomes.
            """)

    @OptionGroup var input: InputOptions

    @Option(help: "Output folder (files appear atomically, mode 0600).")
    var out: String = "out"

    @Option(help: "State store file (default: casefind-state.sqlite in the output folder).")
    var state: String?

    @Option(help: "Baseline months, FROM:TO as YYYY-MM:YYYY-MM.")
    var baseline: String

    @Option(help: "Screening timeliness target in working days after being case-found.")
    var targetWorkingDays: Int = 2

    @OptionGroup var disclosure: DisclosureOptions

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("--out must name a folder, not be empty") }
        guard state != "" else { throw ValidationError("--state must name a file, not be empty") }
    }

    func run() throws {
        let options = try input.searchOptions()
        let range = try parseBaseline(baseline)
        guard targetWorkingDays >= 0 else { throw ValidationError("--target-working-days must be 0 or more") }
        let result = try exiting {
            try Measures.run(
                options, out: out, statePath: state ?? Run.defaultStatePath(out: out),
                settings: Measures.Settings(baseline: range, targetWorkingDays: targetWorkingDays, disclosure: disclosure.policy))
        }
        let within = result.timeliness.filter { $0.caseManagerID == "ALL" }
        let outcomes = within.reduce(0) { $0 + $1.outcomes }
        print("casefind measures: baseline \(range.lowerBound) to \(range.upperBound), as of \(options.asOf)")
        print(
            "  \(result.months.count) locality-months, \(result.coverage.reduce(0) { $0 + $1.activelyCaseManaged }) actively case-managed")
        print("  screening outcomes \(outcomes), within \(targetWorkingDays) working days \(within.reduce(0) { $0 + $1.withinTarget })")
        print("  written to \(out)/")
    }
}

/// Reads `YYYY-MM:YYYY-MM`.
func parseBaseline(_ text: String) throws -> ClosedRange<Month> {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let a = Month(text: String(parts[0])), let b = Month(text: String(parts[1])), a <= b else {
        throw ValidationError("--baseline '\(text)' must be FROM:TO months, YYYY-MM:YYYY-MM, FROM not after TO")
    }
    return a...b
}
