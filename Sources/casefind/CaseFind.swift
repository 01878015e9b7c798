import ArgumentParser
import CaseCore
import CaseFinderKit
import Foundation
import Report
import Store

/// The command line: wiring only. Errors that describe themselves (`file:line: message`)
/// are printed as they are; exit codes follow sysexits: 64 usage, 65 bad input or
/// configuration, 73 cannot write output.
@main
struct CaseFind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casefind",
        abstract: "Find older patients with long-term conditions who need a case manager (Essex 2005 criteria).",
        version: casefindVersion,
        subcommands: [
            RunCommand.self, IncidenceCommand.self, ValidateCommand.self, ExplainCommand.self, ScreeningCommand.self, HistoryCommand.self,
            MeasuresCommand.self, OptOutRequestCommand.self, SynthCommand.self, SQLCommand.self,
        ]
    )
}

struct InputOptions: ParsableArguments {
    @Option(help: "Folder holding the extracts under their contract names (patients.csv, practices.csv, ...).")
    var extracts: String

    @Option(help: "Criteria file, e.g. criteria/essex-2005.yaml.")
    var criteria: String

    @Option(help: "Column mapping for the extracts' headers, e.g. mappings/hes-apc.yaml (default: the contract's names).")
    var mapping: String?

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
        var policy: OptOutPolicy?
        if let optOuts {
            guard let p = OptOutPolicy(parsing: optOuts) else {
                throw ValidationError("--opt-outs '\(optOuts)' must be type1,ndoo, type1, ndoo or none")
            }
            policy = p
        }
        return SearchOptions(
            extracts: extracts, criteriaPath: criteria, mappingPath: mapping, asOf: day, optOuts: policy, ndooClearedPath: ndooCleared)
    }
}

/// Today in the machine's time zone.
func today() -> Day {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = TimeZone.current
    let c = cal.dateComponents([.year, .month, .day], from: Date())
    return Day(year: c.year!, month: c.month!, day: c.day!)!
}

/// Maps the engine's errors to exit codes, printing their message on stderr.
func exiting<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as ConfigurationError {
        FileHandle.standardError.write(Data("casefind: \(e.description)\n".utf8))
        throw ExitCode(65)
    } catch let e as OutputError {
        FileHandle.standardError.write(Data("casefind: \(e.description)\n".utf8))
        throw ExitCode(73)
    } catch let e as StateError {
        FileHandle.standardError.write(Data("casefind: \(e.description)\n".utf8))
        throw ExitCode(e.isLocked ? 75 : 73)
    }
}

extension DisclosurePolicy.Mode: ExpressibleByArgument {}

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
        guard suppressUpTo >= 0 else { throw ValidationError("--suppress-up-to must be 0 or more, not \(suppressUpTo)") }
        guard roundTo >= 1 else { throw ValidationError("--round-to must be 1 or more, not \(roundTo)") }
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

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "The prevalence trawl: search, stratify, allocate, write the lists, record the run.")

    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions

    func run() throws { try output.run("run", input) }
}

struct IncidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidence",
        abstract: "For cron: list patients who newly qualify since the last recorded run and place them in the reserved capacity.")

    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions

    func run() throws { try output.run("incidence", input) }
}

/// Which state store a command uses.
struct StoreOptions: ParsableArguments {
    @Option(help: "State store file (default: casefind-state.sqlite in --out).")
    var state: String?

    @Option(help: "Output folder: its state store is used when --state is not given; screening rejects are written there.")
    var out: String = "out"

    var statePath: String { state ?? Run.defaultStatePath(out: out) }
}

struct ScreeningCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screening", abstract: "Case managers' screening outcomes.", subcommands: [ScreeningImportCommand.self])
}

struct ScreeningImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import outcomes (nhs_number, outcome = enrolled | declined | unsuitable | discharged, date, case_manager_id).")

    @Argument(help: "The outcomes file (CSV).")
    var file: String

    @Option(help: "A column mapping whose person_id says how patients are keyed (opaque: the run's pseudonymised keys).")
    var mapping: String?

    @OptionGroup var store: StoreOptions

    func run() throws {
        let report = try exiting {
            try Screening.importOutcomes(file: file, statePath: store.statePath, out: store.out, mappingPath: mapping)
        }
        print(report)
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "The recorded runs, newest first.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let text = try exiting { try HistoryTable.table(statePath: store.statePath) }
        print(text)
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Read everything, write nothing: report what would be rejected.")

    @OptionGroup var input: InputOptions

    @Flag(help: "Exit 65 when any row would be rejected (default: only for configuration errors).")
    var strict = false

    func run() throws {
        let options = try input.searchOptions()
        let report = try exiting { try Validate.validate(options) }
        print(ValidateText.text(report))
        if strict && report.stats.contains(where: { $0.rejected > 0 }) { throw ExitCode(65) }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Show, for one patient, each rule and why it did or did not hold.")

    @Argument(help: "The patient's NHS number (spaces allowed), or person id with an opaque mapping.")
    var nhsNumber: String

    @OptionGroup var input: InputOptions

    func run() throws {
        let options = try input.searchOptions()
        let text = try exiting { try Explain.explain(nhsNumber, options) }
        print(text)
    }
}
