// libFuzzer target: the readers of single values, on any bytes: dates in every format (and,
// for a date read, the month and day arithmetic the windows do, up to 100 years), NHS numbers,
// ICD-10 codes and patterns, BNF substances, dm+d ids, HES codes, and a value as a message
// shows it. None may crash; a date read must print back as a date that reads the same.
//
// Built by scripts/fuzz; without FUZZING, `fuzz-values FILE...` replays saved inputs.
import CaseCore
import Foundation
import FuzzDriver
import Ingest

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for format in DateFormat.allCases {
        guard let day = format.parse(bytes) else { continue }
        guard DateFormat.iso.parse(day.description) == day else { fatalError("\(day) does not read back") }
        for months in [1, 12, 24, 1_200] { _ = day.subtracting(months: months) }
        for days in [1, 84, 36_525] {
            _ = day.adding(days: -days)
            _ = day.adding(days: days)
        }
    }
    _ = NHSNumber.parse(bytes)
    _ = ICD10Code.read(bytes)
    _ = Substance.read(bytes)
    _ = BNFMap.id(bytes)
    _ = ShortCode.read(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = CodePattern.parse(text)
    let shown = Shown.value(text)
    guard !shown.contains(where: { $0 == "\n" || $0 == "\r" }) else { fatalError("a shown value spans lines") }
    _ = Shown.looksLikeData(text.split(separator: ",").map(String.init))
    return 0
}

@main struct Fuzz {
    static func main() { FuzzDriver.main(fuzzOne) }
}
