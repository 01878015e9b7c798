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

    /// A file-size limit (`ulimit -f`) that a write passes is an error the run reports (73,
    /// nothing committed, the staging folder removed), not SIGXFSZ killing it half-way.
    ///
    /// A usage error quotes the value given (`--disclosure` with 100 kB of text was echoed
    /// whole into the cron log): a line of it longer than 1,000 bytes keeps its start and end.
    static func main() {
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot(nil)
            try command.run()
        } catch {
            let message = fullMessage(for: error)
            guard message.split(separator: "\n").contains(where: { $0.utf8.count > 1_000 }) else { exit(withError: error) }
            // The line's start and end say what was wrong; the middle is the value.
            let cut = message.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                guard line.utf8.count > 1_000 else { return String(line) }
                return Shown.value(String(line.prefix(300)), limit: 600) + " ... (\(line.utf8.count) bytes; cut) ... "
                    + Shown.value(String(line.suffix(200)), limit: 400)
            }
            FileHandle.standardError.write(Data((cut.joined(separator: "\n") + "\n").utf8))
            Foundation.exit(exitCode(for: error).rawValue)
        }
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
