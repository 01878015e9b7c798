import CaseCore
import Foundation
import TestSupport
import Testing

@testable import Ingest

@Suite struct CSVSplitTests {
    /// Records as (line, fields) from reading `path` whole, or in the two parts.
    func records(_ text: String, parts: Bool, minimum: Int = 64, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
        -> [String]?
    {
        let dir = extractsFolder(["nominations.csv": text], sourceLocation: sourceLocation)
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
            #expect(a.end == b.start, sourceLocation: sourceLocation)
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

    /// The word-at-a-time count of line feeds against a byte-at-a-time one, over every start
    /// and end in buffers of bytes that differ from a line feed in one bit (and LF itself).
    @Test func lineBreaksAreCountedExactly() {
        var random = SplitMix64(seed: 7)
        let alphabet: [UInt8] = [10, 10, 11, 8, 0x8A, 0x0A | 0x40, 0, 0xFF, 0x7F, 44, 34, 13]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200] {
            let bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            bytes.withUnsafeBufferPointer { b in
                for from in 0...length {
                    for to in from...length {
                        #expect(CSVSplit.lineBreaks(in: b, from: from, to: to) == b[from..<to].count(where: { $0 == 10 }))
                    }
                }
            }
        }
    }

    @Test func aStrayQuoteMeansNoCut() throws {
        var text = "nhs_number,nominated_on,nominated_by,reason\n"
        for i in 0..<100 { text += "\(nhs(i)),2026-01-01,G1,ab\"c\n" }
        #expect(try records(text, parts: true) == nil)
    }

    @Test func aSmallFileIsNotCut() throws {
        #expect(try records("nhs_number,nominated_on\n\(nhs(1)),2026-01-01\n", parts: true, minimum: 1 << 20) == nil)
    }

    /// The scanner jumps from quote to quote; this is the byte-at-a-time state machine it
    /// replaced, kept as the reference: (cut, line at the cut, header) or nil.
    static func reference(_ data: [UInt8], delimiter: UInt8 = 44) -> (Int, Int, [UInt8])? {
        enum State { case outside, inQuotes, quoteInQuotes }
        var state = State.outside
        var fieldStart = true
        var line = 1
        var header: [UInt8] = []
        var headerDone = false
        let middle = data.count / 2
        for (i, b) in data.enumerated() {
            if !headerDone { header.append(b) }
            if state == .quoteInQuotes {
                if b == 34 {
                    state = .inQuotes
                    continue
                }
                guard b == delimiter || b == 10 || b == 13 else { return nil }
                state = .outside
                fieldStart = false
            }
            switch state {
            case .inQuotes:
                if b == 34 { state = .quoteInQuotes } else if b == 10 { line += 1 }
            case .outside:
                if b == 10 {
                    line += 1
                    fieldStart = true
                    if !headerDone {
                        headerDone = true
                    } else if i + 1 >= middle {
                        guard i + 1 < data.count else { return nil }
                        return (i + 1, line, header)
                    }
                } else if b == delimiter || b == 13 {
                    fieldStart = true
                } else if b == 34 {
                    guard fieldStart else { return nil }
                    state = .inQuotes
                    fieldStart = false
                } else if b != 32 && b != 9 {
                    fieldStart = false
                }
            case .quoteInQuotes:
                break
            }
        }
        return nil
    }

    /// Random bytes dense in quotes, delimiters, spaces, tabs, CR and LF, read in chunks of 1 to
    /// 1 MiB bytes: the quote-to-quote scanner finds the same cut, line and header as the
    /// reference, or, like it, no cut.
    @Test(arguments: 0..<40)
    func theScannerMatchesTheByteStateMachine(seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &+ 1000)
        let alphabet: [UInt8] = Array("\"\"\",,;  \t\r\n\n\nab1".utf8)
        let dir = temporaryFolder("split-scan")
        var cuts = 0
        var checked = 0
        for round in 0..<60 {
            let length = 20 + Int(rng.next() % 400)
            var data: [UInt8] = []
            // Mostly well-formed quoting, so that cuts are found; sometimes any bytes at all.
            let wild = round % 4 == 0
            while data.count < length {
                if wild {
                    data.append(alphabet[Int(rng.next() % UInt64(alphabet.count))])
                } else {
                    // A record of well-quoted fields: plain, quoted (with doubled quotes, a
                    // delimiter, line breaks inside), or quoted after spaces and tabs.
                    for f in 0..<(1 + Int(rng.next() % 4)) {
                        if f > 0 { data.append(44) }
                        switch rng.next() % 5 {
                        case 0: data += Array("\"a,\nb\"\"c\r\n\"".utf8)
                        case 1: data += Array(" \t\"q\"".utf8)
                        case 2: data += Array("\"\"".utf8)
                        case 3: data += Array("x y".utf8)
                        default: break
                        }
                    }
                    data += Array(rng.next() % 2 == 0 ? "\n".utf8 : "\r\n".utf8)
                }
            }
            let path = dir + "/f\(round).csv"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(data)))
            let expected = Self.reference(data)
            for chunk in [1, 2, 3, 7, 64, 1 << 20] {
                let got = CSVSplit.halves(path: path, minimumBytes: 1, chunkBytes: chunk)
                checked += 1
                #expect(got?.0.end == expected?.0, "round \(round) chunk \(chunk)")
                #expect(got?.1.start == expected?.0, "round \(round) chunk \(chunk)")
                #expect(got?.1.firstLine == expected?.1, "round \(round) chunk \(chunk)")
                #expect(got?.1.header == expected?.2, "round \(round) chunk \(chunk)")
                #expect(got?.1.end == (expected == nil ? nil : data.count))
            }
            if expected != nil { cuts += 1 }
        }
        #expect(checked == 360)
        // Both outcomes are exercised.
        #expect(cuts > 5 && cuts < 60)
    }
}
