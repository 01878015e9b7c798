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
    static func main() {
        signal(SIGXFSZ, SIG_IGN)
        main(nil)
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
