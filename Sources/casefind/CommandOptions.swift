import ArgumentParser
import CaseCore
import CaseFinderKit
import Foundation
import Ingest

extension DisclosurePolicy.Mode: ExpressibleByArgument {}

struct InputOptions: ParsableArguments {
    @Option(help: "Folder holding the extracts under their contract names (patients.csv, practices.csv, ...).")
    var extracts: String

    @Option(help: "Criteria file, e.g. criteria/essex-2005.yaml.")
    var criteria: String

    @Option(help: "Column mapping for the extracts' headers, e.g. mappings/hes-apc.yaml (default: the contract's names).")
    var mapping: String?

    @Option(
        name: .customLong("bnf-map"),
        help:
            "NHSBSA's BNF SNOMED mapping saved as CSV (or .csv.gz), for prescriptions coded by dm+d id in dmd_code (overrides the mapping's bnf_map file)."
    )
    var bnfMap: String?

    @Option(
        name: .customLong("max-record-bytes"),
        help: "The longest record read, in bytes (65536 to 1073741824): a longer one is rejected unread, so memory does not grow with it.")
    var maxRecordBytes: Int = CSVStreamParser.defaultMaxRecordBytes

    @Option(name: .customLong("as-of"), help: "Evaluate at this date, YYYY-MM-DD (default: today).")
    var asOf: String?

    @Option(
        name: .customLong("opt-outs"),
        help:
            "Which opt-outs in opt_outs.csv exclude a patient: type1,ndoo | type1 | ndoo | none (default: the criteria file's opt_outs, else type1,ndoo)."
    )
    var optOuts: String?

    @Option(
        name: .customLong("ndoo-cleared"),
        help:
            "The national data opt-out service's list of NHS numbers that may be processed: spine patients missing from it are excluded as ndoo."
    )
    var ndooCleared: String?

    func searchOptions() throws -> SearchOptions {
        var day: Day
        if let asOf {
            guard let d = DateFormat.iso.parse(asOf) else {
                throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD")
            }
            day = d
        } else {
            day = today()
        }
        let policy = try optOutPolicy(optOuts)
        var options = SearchOptions(
            extracts: extracts, criteriaPath: criteria, mappingPath: mapping, asOf: day, optOuts: policy, ndooClearedPath: ndooCleared)
        options.bnfMapPath = bnfMap
        guard CSVStreamParser.maxRecordRange.contains(maxRecordBytes) else {
            throw ValidationError("--max-record-bytes must be from 65536 to 1073741824, not \(maxRecordBytes)")
        }
        options.maxRecordBytes = maxRecordBytes
        return options
    }
}

/// Small-number suppression of the aggregates (report.html, scoping.csv, the measures files).
struct DisclosureOptions: ParsableArguments {
    @Option(help: "suppress: counts of 1 to --suppress-up-to as *, the rest rounded to --round-to; none: exact, for direct care only.")
    var disclosure: DisclosurePolicy.Mode = .suppress

    @Option(name: .customLong("suppress-up-to"), help: "Counts from 1 up to this are shown as * (NHS Digital's HES rule: 7).")
    var suppressUpTo: Int = 7

    @Option(name: .customLong("round-to"), help: "Other counts are rounded to the nearest multiple of this, halves up (1: not rounded).")
    var roundTo: Int = 5

    @Flag(name: .customLong("suppress-zero"), help: "Show 0 as * too (UK LLC's rule, with --suppress-up-to 10).")
    var suppressZero = false

    func validate() throws {
        guard (0...1_000_000).contains(suppressUpTo) else {
            throw ValidationError("--suppress-up-to must be 0 to 1000000, not \(suppressUpTo)")
        }
        guard (1...1_000_000).contains(roundTo) else { throw ValidationError("--round-to must be 1 to 1000000, not \(roundTo)") }
    }

    var policy: DisclosurePolicy {
        DisclosurePolicy(mode: disclosure, threshold: suppressUpTo, roundingBase: roundTo, suppressZero: suppressZero)
    }
}

/// The options `run` and `incidence` share.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output folder (created if needed; files appear atomically, mode 0600).")
    var out: String = "out"

    @Option(help: "State store file (default: casefind-state.sqlite in the output folder).")
    var state: String?

    @Option(help: "Percent of each caseload kept for patients who newly qualify, 0-100 (default: the criteria file's, else 10).")
    var reserve: Int?

    @Option(help: "Write only this locality's lists (the allocation is per locality, so it does not change).")
    var locality: String?

    @Option(help: "Write the wall-clock seconds per stage to this JSON file (kept out of summary.json, which is identical on a re-run).")
    var timings: String?

    @Option(help: "Threads for reading the extracts: 1, or 2 to read prescriptions beside the other files (the result is the same).")
    var threads: Int = 2

    @Option(help: "Baseline months for report.html's monitoring measures, FROM:TO as YYYY-MM:YYYY-MM (default: no measures).")
    var baseline: String?

    @Option(help: "Screening timeliness target in working days after being case-found (England's bank holidays aware).")
    var targetWorkingDays: Int = 2

    @Flag(help: "Show NHS numbers in report.html's incident list (needs --disclosure none); otherwise they are numbered #1, #2, ...")
    var identifiable = false

    @OptionGroup var disclosure: DisclosureOptions

    @Flag(help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("--out must name a folder, not be empty") }
        guard state != "" else { throw ValidationError("--state must name a file, not be empty") }
        guard threads >= 1 else { throw ValidationError("--threads must be 1 or more") }
        if let reserve, !(0...100).contains(reserve) { throw ValidationError("--reserve must be a percent from 0 to 100, not \(reserve)") }
        if identifiable && disclosure.disclosure != .none {
            throw ValidationError(
                "--identifiable puts NHS numbers in report.html: it needs --disclosure none (the default suppresses small numbers)")
        }
    }

    func run(_ command: String, _ input: InputOptions) throws {
        let options = try input.searchOptions()
        let quiet = self.quiet
        var settings = Run.Settings(reservePercent: reserve, locality: locality, threads: threads, timingsPath: timings)
        settings.identifiable = identifiable
        settings.disclosure = disclosure.policy
        settings.targetWorkingDays = targetWorkingDays
        settings.baseline = try baseline.map(parseBaseline)
        settings.keepFactsUntilExit = true
        let progress = Progress.forStandardError(quiet: quiet)
        let outcome = try exiting {
            try Run.run(options, out: out, settings: settings, command: command, statePath: state, progress: progress)
        }
        progress.finish()
        print(RunDescription.describe(outcome))
    }
}

/// Which state store a command uses.
struct StoreOptions: ParsableArguments {
    @Option(help: "State store file (default: casefind-state.sqlite in --out).")
    var state: String?

    @Option(help: "Output folder: its state store is used when --state is not given; screening rejects are written there.")
    var out: String = "out"

    var statePath: String { state ?? Run.defaultStatePath(out: out) }

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("--out must name a folder, not be empty") }
        guard state != "" else { throw ValidationError("--state must name a file, not be empty") }
    }
}

/// `--opt-outs` read: nil when not given.
func optOutPolicy(_ text: String?) throws(ValidationError) -> OptOutPolicy? {
    guard let text else { return nil }
    guard let policy = OptOutPolicy(parsing: text) else {
        throw ValidationError("--opt-outs '\(Shown.value(text, limit: 40))' must be type1,ndoo, type1, ndoo or none")
    }
    return policy
}
