import ArgumentParser
import CaseCore
import CaseFinderKit
import Foundation
import Monitoring
import Rules
import Stratify
import Synth
import Warehouse

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
            extracts contract's columns, all as text, holding only rows casefind accepts (see docs/warehouse-sql.md).
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
