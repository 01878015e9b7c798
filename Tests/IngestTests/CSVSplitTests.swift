import CaseCore
import Foundation
import Ingest
import TestSupport
import Testing

@Suite struct CSVSplitTests {
    /// Records as (line, fields) from reading `path` whole, or in the two parts.
    func records(_ text: String, parts: Bool, minimum: Int = 64) throws -> [String]? {
        let dir = extractsFolder(["nominations.csv": text])
        var out: [String] = []
        func read(_ part: FilePart?) throws {
            let reader = ExtractReader(directory: dir, sink: DiagnosticCollector())
            reader.part = part
            try reader.readNominations { row in
                out.append("\(row.line) \(row.nominatedOn) \(row.nominatedBy ?? "")")
                return .accepted
            }
        }
        if parts {
            guard let (a, b) = CSVSplit.halves(path: dir + "/nominations.csv", minimumBytes: minimum) else { return nil }
            #expect(a.end == b.start)
            try read(a)
            try read(b)
        } else {
            try read(nil)
        }
        return out
    }

    /// Quoted fields with line breaks and doubled quotes, CRLF, a BOM: the halves give the same
    /// records with the same physical line numbers as one pass, wherever the middle falls.
    @Test(arguments: 0..<12)
    func halvesGiveTheSameRecordsAndLines(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed))
        var text = "\u{FEFF}nhs_number,nominated_on,nominated_by,reason\r\n"
        for i in 0..<200 {
            let reason: String
            switch rng.next() % 4 {
            case 0: reason = "\"lives alone,\nfalls\""
            case 1: reason = "\"said \"\"help\"\"\""
            case 2: reason = "  \"quoted after spaces\""
            default: reason = "plain"
            }
            text += "\(nhs(i)),2026-01-\(String(format: "%02d", 1 + i % 28)),G\(i),\(reason)\r\n"
        }
        let whole = try records(text, parts: false)
        let halves = try #require(try records(text, parts: true))
        #expect(halves == whole)
        #expect(whole?.count == 200)
    }

    @Test func aStrayQuoteMeansNoCut() throws {
        var text = "nhs_number,nominated_on,nominated_by,reason\n"
        for i in 0..<100 { text += "\(nhs(i)),2026-01-01,G1,ab\"c\n" }
        #expect(try records(text, parts: true) == nil)
    }

    @Test func aSmallFileIsNotCut() throws {
        #expect(try records("nhs_number,nominated_on\n\(nhs(1)),2026-01-01\n", parts: true, minimum: 1 << 20) == nil)
    }
}
