import ArgumentParser
import CaseCore
import CaseFinderKit
import Foundation

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
        guard !out.isEmpty else { throw ValidationError("--out must name a folder, not be empty") }
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
