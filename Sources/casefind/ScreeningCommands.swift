import ArgumentParser
import CaseCore
import CaseFinderKit

struct ScreeningCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screening", abstract: "Case managers' screening outcomes.", subcommands: [ScreeningImportCommand.self])
}

struct ScreeningImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import outcomes (nhs_number, outcome = \(outcomes), date, case_manager_id).")

    static let outcomes = ScreeningOutcomeKind.allCases.map(\.rawValue).joined(separator: " | ")

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
