import ArgumentParser
import CaseCore
import CaseFinderKit
import Foundation
import Ingest
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

    @Option(
        help: """
            Row layout, the same records in each: sorted (by patient, fields quoted only where needed), shuffled (each \
            file's data rows in a pseudo-random order from --seed; holds the extracts in memory until written, about \
            their size and 12 bytes a row: 330 MB at 300,000 patients) or quote-all (sorted, every field quoted).
            """)
    var layout: SynthLayout = .sorted

    @Flag(help: "CRLF line ends (line breaks inside quoted fields stay LF).")
    var crlf = false

    @Flag(help: "A UTF-8 byte-order mark at the start of every file.")
    var bom = false

    @Flag(
        name: .customLong("messy-names"),
        help: "A quarter of the drug names hold a comma, quotes and a line break (only drug_name changes).")
    var messyNames = false

    func run() throws {
        guard let day = DateFormat.iso.parse(asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
        guard patients > 0 else { throw ValidationError("--patients must be positive") }
        let options = SynthOptions(
            patients: patients, seed: seed, asOf: day, layout: layout, crlf: crlf, bom: bom, messyNames: messyNames)
        let counts = try Synth.write(options, to: out)
        for (name, rows) in counts.sorted(by: { $0.key < $1.key }) { print("\(name): \(rows) rows") }
    }
}

extension Dialect: ExpressibleByArgument {}
extension WarehouseSQL.Part: ExpressibleByArgument {}
extension SynthLayout: ExpressibleByArgument {}

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Write the criteria as one SQL query for DuckDB, PostgreSQL or Spark (the case list, or the rejects).",
        discussion: """
            The query reads tables patients, practices, admissions, prescriptions, residence and nominations with the \
            extracts contract's columns, as text, and checks every row as casefind does: a row casefind would reject \
            plays no part in the cases, and --part rejects lists them (see docs/warehouse-sql.md).
            """)

    @Option(help: "Criteria file, e.g. criteria/essex-2005.yaml.")
    var criteria: String

    @Option(help: "SQL dialect: duckdb, postgres or spark.")
    var dialect: Dialect

    @Option(name: .customLong("as-of"), help: "Evaluate at this date, YYYY-MM-DD (default: the engine's CURRENT_DATE when the query runs).")
    var asOf: String?

    @Option(help: "Diagnosis columns in the admissions table: diag_01 ... diag_NN.")
    var diagnosisColumns: Int = 20

    @Option(
        help:
            "What the query returns: cases (the case list up to risk_band), attrition (attrition.csv's steps to any_criterion) or rejects (as rejects.csv)."
    )
    var part: WarehouseSQL.Part = .cases

    @Option(
        name: .customLong("line-column"),
        help: "A column of every table giving the row's line in its file: duplicates keep the first by it, rejects name it.")
    var lineColumn: String?

    @Option(
        name: .customLong("opt-outs"),
        help:
            "Which opt-outs in the opt_outs table exclude a patient: type1,ndoo | type1 | ndoo | none (default: the criteria file's opt_outs, else type1,ndoo)."
    )
    var optOuts: String?

    @Option(
        name: .customLong("ndoo-cleared"),
        help:
            "A table holding the national data opt-out service's cleared list (a column nhs_number): under a policy naming ndoo, spine patients it does not hold are excluded, as run's --ndoo-cleared."
    )
    var ndooCleared: String?

    @Option(help: "A column mapping (as run's --mapping): the tables' column names, date formats, missing values, person keys.")
    var mapping: String?

    @Option(
        name: .customLong("table"),
        help: "The warehouse's table for an extract, EXTRACT=TABLE (admissions=sus.apcs); repeat for each; overrides the mapping's tables:."
    )
    var table: [String] = []

    @Option(help: "Write the query to this file instead of standard output.")
    var out: String?

    func run() throws {
        let policy = try optOutPolicy(optOuts)
        var day: Day? = nil
        if let asOf {
            guard let d = DateFormat.iso.parse(asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date YYYY-MM-DD") }
            day = d
        }
        guard (1...99).contains(diagnosisColumns) else { throw ValidationError("--diagnosis-columns must be 1 to 99") }
        if let lineColumn {
            guard ColumnMapping.isPlainName(lineColumn) else {
                throw ValidationError("--line-column '\(lineColumn)' must be a plain column name (letters, digits, _)")
            }
        }
        if let ndooCleared, !ColumnMapping.isTableName(ndooCleared) {
            throw ValidationError("--ndoo-cleared '\(ndooCleared)' must be a plain table name (letters, digits, _; schema.table allowed)")
        }
        var tables: [ExtractKind: String] = [:]
        for t in table {
            let pair = t.split(separator: "=", maxSplits: 1).map(String.init)
            let sqlTables = ExtractKind.warehouseTables
            guard pair.count == 2, let kind = ExtractKind(rawValue: pair[0]), sqlTables.contains(kind) else {
                throw ValidationError(
                    "--table '\(t)' must be EXTRACT=TABLE, EXTRACT one of \(sqlTables.map(\.rawValue).joined(separator: ", "))")
            }
            guard ColumnMapping.isTableName(pair[1]) else {
                throw ValidationError("--table '\(t)': '\(pair[1])' must be a plain table name (letters, digits, _; schema.table allowed)")
            }
            tables[kind] = pair[1]
        }
        let text = try exiting { () throws -> String in
            let set = try CriteriaSet.load(path: criteria)
            let risk = try set.risk.map { r throws(ConfigurationError) in try RiskModel.load(path: r.tablePath, window: r.window) }
            let columns = try mapping.map { m throws(ConfigurationError) in try ColumnMapping.load(path: m) } ?? .contract
            let sql = WarehouseSQL(
                criteria: set, risk: risk, dialect: dialect, asOf: day, diagnosisColumns: diagnosisColumns, lineColumn: lineColumn,
                optOuts: policy, ndooCleared: ndooCleared, mapping: columns, tables: tables)
            if let unsupported = sql.unsupported { throw ConfigurationError(unsupported) }
            return sql.render(part)
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
