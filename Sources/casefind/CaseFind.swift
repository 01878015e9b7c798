import ArgumentParser
import CaseCore
import CaseFinderKit
import Foundation
import Report
import Rules
import Store
import Stratify
import Synth
import Warehouse

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
        print(Run.describe(outcome))
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
        let text = try exiting { try Screening.history(statePath: store.statePath) }
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
        print(report.text)
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

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth", abstract: "Write a deterministic synthetic set of extracts (for benchmarks and scale tests).")

    @Option(help: "Registered patients to generate.")
    var patients: Int = 30000

    @Option(help: "Random seed: the same seed gives the same files.")
    var seed: UInt64 = 1

    @Option(name: .customLong("as-of"), help: "The date the extracts run up to, YYYY-MM-DD.")
    var asOf: String = "2026-11-22"

    @Option(help: "Folder to write the extracts into.")
    var out: String

    func run() throws {
        guard let day = DateFormat.iso.parse(asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
        guard patients > 0 else { throw ValidationError("--patients must be positive") }
        let counts = try Synth.write(SynthOptions(patients: patients, seed: seed, asOf: day), to: out)
        for (name, rows) in counts.sorted(by: { $0.key < $1.key }) { print("\(name): \(rows) rows") }
    }
}

extension Dialect: ExpressibleByArgument {}

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Write the criteria as one SQL query for DuckDB, PostgreSQL or Spark (the case list up to risk_band).",
        discussion: """
            The query reads tables patients, practices, admissions, prescriptions, residence and nominations with the \
            extracts contract's columns, all as text, holding only rows casefind accepts (see the README, "The criteria \
            on a warehouse").
            """)

    @Option(help: "Criteria file, e.g. criteria/essex-2005.yaml.")
    var criteria: String

    @Option(help: "SQL dialect: duckdb, postgres or spark.")
    var dialect: Dialect

    @Option(name: .customLong("as-of"), help: "Evaluate at this date, YYYY-MM-DD (default: the engine's CURRENT_DATE when the query runs).")
    var asOf: String?

    @Option(help: "Diagnosis columns in the admissions table: diag_01 ... diag_NN.")
    var diagnosisColumns: Int = 20

    @Option(help: "Write the query to this file instead of standard output.")
    var out: String?

    func run() throws {
        var day: Day? = nil
        if let asOf {
            guard let d = DateFormat.iso.parse(asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
            day = d
        }
        guard (1...99).contains(diagnosisColumns) else { throw ValidationError("--diagnosis-columns must be 1 to 99") }
        let text = try exiting { () throws -> String in
            let set = try CriteriaSet.load(path: criteria)
            let risk = try set.risk.map { r throws(ConfigurationError) in try RiskModel.load(path: r.tablePath, window: r.window) }
            return WarehouseSQL(criteria: set, risk: risk, dialect: dialect, asOf: day, diagnosisColumns: diagnosisColumns).render()
        }
        if let out {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                FileHandle.standardError.write(Data("casefind: cannot write \(out): \(error.localizedDescription)\n".utf8))
                throw ExitCode(73)
            }
        } else {
            print(text, terminator: "")
        }
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

struct OptOutRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opt-out-request",
        abstract: "Write the file the national Check for National Data Opt-outs service takes over MESH: the spine's NHS numbers.",
        discussion: """
            One NHS number a line with a trailing comma, LF line ends, named MAILBOX-DDMMYY-NNNN.dat (the next sequence number \
            when one exists for that day). Send it through MESH; pass the file the service returns to run or incidence as \
            --ndoo-cleared.
            """)

    @Option(help: "Folder holding patients.csv (the spine).")
    var extracts: String

    @Option(help: "Your MESH mailbox id, e.g. X26HC001 (letters and digits).")
    var mailbox: String

    @Option(help: "Column mapping for the spine's headers.")
    var mapping: String?

    @Option(name: .customLong("date"), help: "The date in the file name, YYYY-MM-DD (default: today).")
    var date: String?

    @Option(help: "Folder to write the .dat file into (created if needed, mode 0700; the file is 0600).")
    var out: String = "out"

    func validate() throws {
        guard !mailbox.isEmpty, mailbox.count <= 20, mailbox.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw ValidationError("--mailbox '\(mailbox)' must be a MESH mailbox id: letters and digits only")
        }
    }

    func run() throws {
        var day = today()
        if let date {
            guard let d = DateFormat.iso.parse(date) else { throw ValidationError("--date '\(date)' is not a date YYYY-MM-DD") }
            day = d
        }
        let request = try exiting {
            try OptOutRequest.write(extracts: extracts, mappingPath: mapping, mailbox: mailbox, day: day, out: out)
        }
        print(request.description)
    }
}
