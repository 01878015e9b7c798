import ArgumentParser
import CaseFinderKit

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
