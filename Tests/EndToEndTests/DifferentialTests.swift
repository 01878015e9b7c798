import Foundation
import TestSupport
import Testing

/// The engine against an independent Python implementation of the contract
/// (Tests/differential/), on randomly generated extracts full of edge cases: two seeds, three
/// as-of dates (an ordinary one, 29 February 2028, 28 February 2027), LF and CRLF with a BOM.
/// Python 3 is part of the machine; if it is missing this test fails, it does not skip.
@Suite struct DifferentialTests {
    @Test func engineMatchesTheIndependentReference() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", repositoryRoot() + "/Tests/differential/compare.py", "--seeds", "1-2", "--patients", "800", "--engine",
            CaseFind.binary,
            "--criteria", repositoryRoot() + "/criteria/essex-2005.yaml", "--work", temporaryFolder("differential"),
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output.suffix(3000))")
        #expect(output.contains("12 run(s) compared"), "\(output.suffix(3000))")
    }
}
