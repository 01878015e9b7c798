import CaseCore
import Foundation
import Ingest
import Testing

/// A record as the tests see it.
struct ParsedRecord: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    var raw: String
    var description: String { "\(line): \(fields) raw=\(raw.debugDescription)" }
}

/// How the input is cut before it is fed.
enum Feeding: String, CaseIterable {
    case whole, byteByByte, randomChunks
}

/// Parses `bytes` fed in the given way; random chunks come from a fixed seed and include empty ones.
func parse(
    _ bytes: [UInt8], _ feeding: Feeding, seed: UInt64 = 42, delimiter: UInt8 = UInt8(ascii: ","), fastPath: Bool = true
) -> [ParsedRecord] {
    var out: [ParsedRecord] = []
    let parser = CSVStreamParser(delimiter: delimiter, plainLineFastPath: fastPath) { record in
        var fields: [String] = []
        for i in 0..<record.count { fields.append(record.string(i)) }
        out.append(ParsedRecord(line: record.line, fields: fields, raw: record.rawString))
    }
    switch feeding {
    case .whole:
        bytes.withUnsafeBytes { parser.feed($0) }
    case .byteByByte:
        for b in bytes { [b].withUnsafeBytes { parser.feed($0) } }
    case .randomChunks:
        var rng = SplitMix64(seed: seed)
        var i = 0
        while i < bytes.count {
            let n = Int(rng.next() % 7)  // 0...6, so some chunks are empty
            let end = min(bytes.count, i + n)
            Array(bytes[i..<end]).withUnsafeBytes { parser.feed($0) }
            i = end
        }
    }
    parser.finish()
    return out
}

@Suite struct CSVSpectrumTests {
    static let names = [
        "comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "location_coordinates", "newlines", "newlines_crlf",
        "quotes_and_newlines", "simple", "simple_crlf", "utf8",
    ]

    /// Every csv-spectrum file gives exactly its expected records, however it is fed.
    @Test(arguments: names, Feeding.allCases)
    func spectrum(name: String, feeding: Feeding) throws {
        let base = try #require(Bundle.module.url(forResource: "Fixtures/csv-spectrum", withExtension: nil))
        let csv = try Data(contentsOf: base.appendingPathComponent("csvs/\(name).csv"))
        let json = try Data(contentsOf: base.appendingPathComponent("json/\(name).json"))
        let object = try JSONSerialization.jsonObject(with: json)
        let expected = try #require((object as? [[String: String]]) ?? (object as? [String: String]).map { [$0] })
        let records = parse(Array(csv), feeding)
        let header = try #require(records.first).fields
        try #require(Set(header).count == header.count, "a header field read twice: \(header)")
        let rows = records.dropFirst().map { Dictionary(zip(header, $0.fields).map { ($0, $1) }, uniquingKeysWith: { a, _ in a }) }
        #expect(rows == expected, "\(name) fed \(feeding)")
        for r in records.dropFirst() { #expect(r.fields.count == header.count) }
    }

    /// The chunked feeding is exercised with many seeds on the hardest file.
    @Test func quotesAndNewlinesManySeeds() throws {
        let text = "a,b\r\n1,\"ha \r\n\"\"ha\"\" \r\nha\"\r\n3,4\r\n"
        let whole = parse(Array(text.utf8), .whole)
        for seed in 0..<200 as Range<UInt64> {
            #expect(parse(Array(text.utf8), .randomChunks, seed: seed) == whole, "seed \(seed)")
        }
    }
}

@Suite struct LineNumberTests {
    static let text = "h1,h2\n1,\"two\nlines\"\n\n3,\"x, y\"\r\n4,\"three\n\nlines\"\n5,\"he said \"\"hi\"\"\"\n6,7\n\n\n"

    /// Physical lines: the header is 1, a quoted line break moves later records down, blank
    /// lines are not records.
    @Test(arguments: Feeding.allCases)
    func recordStartLines(feeding: Feeding) throws {
        let records = parse(Array(LineNumberTests.text.utf8), feeding)
        try #require(records.map(\.line) == [1, 2, 5, 6, 9, 10])
        #expect(records[1].fields == ["1", "two\nlines"])
        #expect(records[1].raw == "1,\"two\nlines\"")
        #expect(records[2].fields == ["3", "x, y"])
        #expect(records[2].raw == "3,\"x, y\"")
        #expect(records[3].fields == ["4", "three\n\nlines"])
        #expect(records[4].fields == ["5", "he said \"hi\""])
    }

    @Test(arguments: Feeding.allCases)
    func byteOrderMarkIsDropped(feeding: Feeding) {
        let records = parse([0xEF, 0xBB, 0xBF] + Array("nhs_number,x\r\n1,2\r\n".utf8), feeding)
        #expect(records.map(\.fields) == [["nhs_number", "x"], ["1", "2"]])
        #expect(records.map(\.line) == [1, 2])
    }

    @Test func aPartialByteOrderMarkIsData() {
        let records = parse([0xEF, 0xBB] + Array("a\n".utf8), .byteByByte)
        #expect(records.count == 1)
        #expect(records.first?.fields == ["\u{FFFD}a"])  // EF BB then 'a': not a BOM, kept as (invalid) data
    }

    @Test func lastRecordWithoutLineBreak() {
        #expect(parse(Array("a,b\n1,2".utf8), .whole).map(\.fields) == [["a", "b"], ["1", "2"]])
    }

    @Test func fieldsAreTrimmedOfSpaces() {
        #expect(parse(Array("a,b\n  1 ,\" 2 \"\n".utf8), .whole).map(\.fields) == [["a", "b"], ["1", "2"]])
    }

    @Test func emptyInput() {
        #expect(parse([], .whole).isEmpty)
        #expect(parse(Array("\n\n".utf8), .whole).isEmpty)
    }

    @Test func unterminatedQuoteSwallowsTheRestIntoOneRecord() throws {
        let records = parse(Array("a,b\n1,\"oops\n2,3\n".utf8), .whole)
        try #require(records.count == 2)
        #expect(records[1].line == 2)
        #expect(records[1].fields.count == 2)
    }
}

/// The quote-free fast path must hand on exactly what libcsv would: same records, fields,
/// line numbers and raw text, on input full of the characters that make the two differ.
@Suite struct PlainLineFastPathTests {
    static func randomCSV(seed: UInt64, delimiter: UInt8) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        let alphabet: [UInt8] = Array("ab9 \t\"\r\n\n\n".utf8) + [delimiter, delimiter, delimiter, 0xC3, 0xA9]
        var out: [UInt8] = []
        for _ in 0..<400 {
            // Mostly plain lines, some with quotes, carriage returns, blanks and spaces.
            let kind = rng.next() % 10
            let n = Int(rng.next() % 12)
            for _ in 0..<n {
                var b = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                if kind < 6 && (b == 34 || b == 13 || b == 10) { b = UInt8(ascii: "x") }
                out.append(b)
            }
            if rng.next() % 3 == 0 { out.append(13) }
            out.append(10)
        }
        return out
    }

    /// Both paths over 40 inputs from `input(seed, delimiter)`: the same records, each input
    /// giving more than `atLeast` of them (so the comparison is not of nothing).
    static func expectFastPathIsLibcsv(
        _ input: (UInt64, UInt8) -> [UInt8], delimiter: UInt8, feeding: Feeding, atLeast: Int,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        for seed in UInt64(1)...40 {
            let bytes = input(seed, delimiter)
            let fast = parse(bytes, feeding, seed: seed, delimiter: delimiter, fastPath: true)
            let slow = parse(bytes, feeding, seed: seed, delimiter: delimiter, fastPath: false)
            #expect(fast == slow, "seed \(seed)", sourceLocation: sourceLocation)
            #expect(fast.count > atLeast, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: "|"), 9], Feeding.allCases)
    func sameRecordsAsLibcsv(delimiter: UInt8, feeding: Feeding) {
        Self.expectFastPathIsLibcsv(Self.randomCSV, delimiter: delimiter, feeding: feeding, atLeast: 100)
    }

    /// Lines of quoted fields, mostly well formed (what a "quote all" export writes: doubled
    /// quotes, delimiters and spaces inside), some not: a quote inside an unquoted field, a space
    /// before an opening quote or after a closing one, a field left open across lines, a lone CR.
    static func quotedCSV(seed: UInt64, delimiter: UInt8) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        let inside: [UInt8] = Array("ab9 \t\"\"".utf8) + [delimiter, 0xC3, 0xA9]
        var out: [UInt8] = []
        for _ in 0..<300 {
            let fields = 1 + Int(rng.next() % 6)
            let crlf = rng.next() % 2 == 0
            for f in 0..<fields {
                if f > 0 { out.append(delimiter) }
                let irregular = rng.next() % 25
                let quoted = rng.next() % 4 != 0
                if irregular == 0 { out.append(32) }  // a space before the opening quote
                if quoted { out.append(34) }
                for _ in 0..<Int(rng.next() % 8) {
                    let b = inside[Int(rng.next() % UInt64(inside.count))]
                    if b == 34 {
                        if quoted { out += [34, 34] } else if irregular == 1 { out.append(34) }  // a stray quote
                    } else if !quoted && b == delimiter {
                        out.append(UInt8(ascii: "x"))
                    } else {
                        out.append(b)
                    }
                }
                if irregular == 2 && quoted { out += [10, 99] }  // a line break inside the quotes
                if irregular == 3 { out.append(13) }  // a lone carriage return
                if quoted && irregular != 4 { out.append(34) }  // 4: left open to the line's end
                if irregular == 5 { out.append(32) }  // a space after the closing quote
            }
            out += crlf ? [13, 10] : [10]
        }
        return out
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: "|"), 9], Feeding.allCases)
    func quotedLinesSameAsLibcsv(delimiter: UInt8, feeding: Feeding) {
        Self.expectFastPathIsLibcsv(Self.quotedCSV, delimiter: delimiter, feeding: feeding, atLeast: 20)
    }

    /// Records whose quoted fields hold line breaks (free text over several lines), mostly
    /// well formed, some not: a CR inside the quotes, a stray quote, a field never closed, a
    /// record longer than the raw text kept.
    static func multiLineCSV(seed: UInt64, delimiter: UInt8) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        let inside: [UInt8] = Array("ab9 \n\n\"".utf8) + [delimiter, 0xC3, 0xA9]
        var out: [UInt8] = []
        // One record of an input in eight is longer than the raw text kept (64 KiB).
        var long = seed % 8 == 0
        for _ in 0..<200 {
            let fields = 1 + Int(rng.next() % 5)
            for f in 0..<fields {
                if f > 0 { out.append(delimiter) }
                let irregular = rng.next() % 40
                let quoted = rng.next() % 3 != 0
                if quoted { out.append(34) }
                for _ in 0..<Int(rng.next() % 10) {
                    let b = inside[Int(rng.next() % UInt64(inside.count))]
                    if b == 34 {
                        if quoted { out += [34, 34] } else if irregular == 1 { out.append(34) }
                    } else if !quoted && (b == delimiter || b == 10) {
                        out.append(UInt8(ascii: "x"))
                    } else {
                        out.append(b)
                    }
                }
                if irregular == 2 && quoted { out.append(13) }  // a CR inside the quotes
                if irregular == 3 && quoted && long {
                    out += Array(repeating: 10, count: 3) + Array(repeating: 97, count: 70_000)
                    long = false
                }
                if quoted && irregular != 4 { out.append(34) }  // 4: left open
            }
            out += rng.next() % 2 == 0 ? [13, 10] : [10]
        }
        return out
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: "|"), 9], [Feeding.whole, .randomChunks])
    func multiLineRecordsSameAsLibcsv(delimiter: UInt8, feeding: Feeding) {
        Self.expectFastPathIsLibcsv(Self.multiLineCSV, delimiter: delimiter, feeding: feeding, atLeast: 5)
    }

    @Test func aRecordOverSeveralLinesGivesItsFieldsAndFirstLine() {
        let bytes = Array("h,n\r\n1,\"two\nlines, \"\"quoted\"\"\"\r\n2,\"\n\n\"\n3,x\n".utf8)
        let records = parse(bytes, .whole)
        #expect(
            records == [
                ParsedRecord(line: 1, fields: ["h", "n"], raw: "h,n"),
                ParsedRecord(line: 2, fields: ["1", "two\nlines, \"quoted\""], raw: "1,\"two\nlines, \"\"quoted\"\"\""),
                ParsedRecord(line: 4, fields: ["2", "\n\n"], raw: "2,\"\n\n\""),
                ParsedRecord(line: 7, fields: ["3", "x"], raw: "3,x"),
            ])
        #expect(records == parse(bytes, .whole, fastPath: false))
    }

    @Test func quotedLinesGiveTheirFields() {
        let bytes = Array("\"a\",\"b,\"\"c\"\"\",\"\"\r\n\"\"\n\"x\",,\"\",y\n\"1\" ,2\n\"3\"\"4\",5\n".utf8)
        let records = parse(bytes, .whole)
        #expect(
            records == [
                ParsedRecord(line: 1, fields: ["a", "b,\"c\"", ""], raw: "\"a\",\"b,\"\"c\"\"\",\"\""),
                ParsedRecord(line: 3, fields: ["x", "", "", "y"], raw: "\"x\",,\"\",y"),
                ParsedRecord(line: 4, fields: ["1", "2"], raw: "\"1\" ,2"),
                ParsedRecord(line: 5, fields: ["3\"4", "5"], raw: "\"3\"\"4\",5"),
            ])
    }

    @Test func plainLinesGiveTheirFields() {
        let bytes = Array("a, b ,c\r\n\r\n  \n1,,3\n\"q\",2\n".utf8)
        let records = parse(bytes, .whole)
        #expect(
            records == [
                ParsedRecord(line: 1, fields: ["a", "b", "c"], raw: "a, b ,c"),
                ParsedRecord(line: 4, fields: ["1", "", "3"], raw: "1,,3"),
                ParsedRecord(line: 5, fields: ["q", "2"], raw: "\"q\",2"),
            ])
    }
}
