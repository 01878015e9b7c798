import CaseCore
import Foundation
import Testing

@testable import Ingest

/// The longest record read: a longer one is handed on as too long, without its fields, and the
/// parser's memory does not grow with it; every record after it is read as if it were not there.
@Suite struct RecordLimitTests {
    struct Capped: Equatable, CustomStringConvertible {
        var line: Int
        var fields: [String]
        var tooLong: Bool
        var rawBytes: Int
        var description: String { "\(line): \(tooLong ? "too long" : "\(fields)") raw \(rawBytes)" }
    }

    static func parse(_ bytes: [UInt8], max: Int, fastPath: Bool = true, chunk: Int = 1 << 20, delimiter: UInt8 = 44) -> [Capped] {
        var out: [Capped] = []
        let parser = CSVStreamParser(delimiter: delimiter, plainLineFastPath: fastPath, maxRecordBytes: max) { record in
            var fields: [String] = []
            for i in 0..<record.count { fields.append(record.string(i)) }
            out.append(Capped(line: record.line, fields: fields, tooLong: record.tooLong, rawBytes: record.raw.count))
        }
        var i = 0
        while i < bytes.count {
            let end = Swift.min(bytes.count, i + chunk)
            bytes[i..<end].withUnsafeBytes { parser.feed($0) }
            i = end
        }
        parser.finish()
        return out
    }

    /// Records of every shape, some longer than 64 KiB: unquoted, quoted over many lines with
    /// doubled quotes and delimiters inside, a run of doubled quotes, spaces after a closing
    /// quote, a stray quote in an unquoted field, one left open to the end.
    static func input(seed: UInt64, delimiter: UInt8) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var out: [UInt8] = Array("a,b,c\n".utf8)
        func long() -> Int { 66_000 + Int(rng.next() % 100_000) }
        for _ in 0..<60 {
            switch rng.next() % 9 {
            case 0: out += Array(repeating: UInt8(ascii: "x"), count: long()) + [delimiter, 49, 10]
            case 1:
                out.append(34)
                for _ in 0..<long() / 8 { out += [97, 34, 34, delimiter, 10, 32, 98, 99] }
                out += [34, delimiter, 50, 10]
            case 2: out += [34] + Array(repeating: 34, count: 2 * (long() / 2)) + [34, 10]
            case 3: out += [34, 97, 34] + Array(repeating: 32, count: long()) + [delimiter, 51, 10]
            case 4: out += Array("ab\"cd".utf8) + Array(repeating: 34, count: long()) + [10]
            case 5: out += Array(repeating: delimiter, count: long()) + [10]
            default:
                let n = Int(rng.next() % 4)
                for f in 0...n { out += (f > 0 ? [delimiter] : []) + [34] + Array("f\(f) \"\" ,\n x".utf8) + [34] }
                out += rng.next() % 2 == 0 ? [13, 10] : [10]
            }
        }
        if seed % 3 == 0 { out += [34] + Array(repeating: 97, count: long()) }  // open to the end
        return out
    }

    @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: "|")])
    func aLongRecordIsToldAndTheRestAreAsWithoutTheLimit(delimiter: UInt8) {
        for seed in UInt64(1)...6 {
            let bytes = Self.input(seed: seed, delimiter: delimiter)
            let unlimited = Self.parse(bytes, max: 1 << 30, delimiter: delimiter)
            for chunk in [1 << 20, 4_099] {
                let capped = Self.parse(bytes, max: 65_536, chunk: chunk, delimiter: delimiter)
                #expect(capped == Self.parse(bytes, max: 65_536, fastPath: false, chunk: chunk, delimiter: delimiter), "seed \(seed)")
                #expect(capped.map(\.line) == unlimited.map(\.line), "seed \(seed) chunk \(chunk)")
                for (c, u) in zip(capped, unlimited) {
                    let size = u.fields.reduce(0) { $0 + $1.utf8.count }
                    if c.tooLong {
                        // Too long only when it was: its raw text fills the 64 KiB kept.
                        #expect(u.rawBytes == CSVStreamParser.rawCap, "seed \(seed) line \(c.line)")
                        #expect(c.rawBytes > 0)
                    } else {
                        #expect(c.fields == u.fields, "seed \(seed) line \(c.line)")
                        #expect(size <= 65_536, "seed \(seed) line \(c.line)")
                    }
                }
                #expect(capped.contains { $0.tooLong } && capped.contains { !$0.tooLong && $0.line > 1 }, "seed \(seed)")
            }
        }
    }

    /// 200 MB on one line (a drug name): told as too long, and the parser never holds more
    /// than a few MiB for it; the next line is read.
    @Test func aHugeLineDoesNotGrowTheParser() {
        var seen: [Capped] = []
        var most = 0
        let parser = CSVStreamParser { record in
            seen.append(
                Capped(
                    line: record.line, fields: (0..<record.count).map { record.string($0) }, tooLong: record.tooLong,
                    rawBytes: record.raw.count))
        }
        let piece = [UInt8](repeating: UInt8(ascii: "z"), count: 1 << 20)
        Array("nhs_number,drug\n9434765919,".utf8).withUnsafeBytes { parser.feed($0) }
        for _ in 0..<200 {
            piece.withUnsafeBytes { parser.feed($0) }
            most = max(most, parser.heldBytes)
        }
        Array("\n9434765919,aspirin\n".utf8).withUnsafeBytes { parser.feed($0) }
        parser.finish()
        #expect(seen.map(\.line) == [1, 2, 3])
        #expect(seen.map(\.tooLong) == [false, true, false])
        #expect(seen[2].fields == ["9434765919", "aspirin"])
        #expect(most < 4 << 20, "held \(most) bytes")
    }
}
