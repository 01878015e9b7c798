// libFuzzer target: the CSV parser's fast paths against libcsv.
//
// Built by scripts/fuzz-csv together with Sources/Ingest/CSVStreamParser.swift alone (it needs
// only libcsv). Each input is one CSV text, its first byte choosing the delimiter and the size
// of the chunks it is fed in. With the fast paths on, the records (fields, physical lines and
// raw bytes) must equal libcsv's with them off, fed the same chunks; and fed whole, the fields
// and lines must be the same again (a record that a lone carriage return ends mid-line keeps
// as raw bytes what had arrived when it ended, so its raw text may differ with the chunks).
// Anything else stops the fuzzer with the input saved.

/// Every record of one parse, flattened into three arrays (an array per field made the target
/// spend most of its time in the sanitizer's allocator): each record's line, field count and
/// field lengths in `shape`, the fields' bytes one after another in `fields`, the raw bytes
/// in `raw` with each record's raw length in `rawLengths`.
struct Parsed: Equatable {
    var shape: [Int] = []
    var fields: [UInt8] = []
    var raw: [UInt8] = []
    var rawLengths: [Int] = []
}

func records(_ input: UnsafeBufferPointer<UInt8>, delimiter: UInt8, fastPath: Bool, chunk: Int) -> Parsed {
    var out = Parsed()
    out.fields.reserveCapacity(input.count)
    out.raw.reserveCapacity(input.count)
    let parser = CSVStreamParser(delimiter: delimiter, plainLineFastPath: fastPath) { record in
        out.shape.append(record.line)
        out.shape.append(record.count)
        for i in 0..<record.count {
            let field = record[i]
            out.shape.append(field.count)
            out.fields.append(contentsOf: field)
        }
        out.raw.append(contentsOf: record.raw)
        out.rawLengths.append(record.raw.count)
    }
    var i = 0
    while i < input.count {
        let end = min(input.count, i + chunk)
        parser.feed(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(input)[i..<end]))
        i = end
    }
    parser.finish()
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let delimiters: [UInt8] = [44, 124, 9]
    let delimiter = delimiters[Int(data[0] % 3)]
    let chunk = 1 + Int(data[0] / 3)  // 1 to 86 bytes
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let fast = records(input, delimiter: delimiter, fastPath: true, chunk: chunk)
    let slow = records(input, delimiter: delimiter, fastPath: false, chunk: chunk)
    if fast != slow { fatalError("the fast paths and libcsv disagree (delimiter \(delimiter), chunks of \(chunk))") }
    let whole = records(input, delimiter: delimiter, fastPath: true, chunk: max(1, input.count))
    if fast.shape != whole.shape || fast.fields != whole.fields {
        fatalError("the chunks changed the records (delimiter \(delimiter), chunks of \(chunk))")
    }
    return 0
}
