import CaseCore

/// The record being read, with typed field accessors that record why a row is rejected or
/// which field produced a warning. One instance is reused for every record of a file.
final class RowContext {
    /// The file (or part of a delivery) being read, as messages name it.
    var file: String
    let kind: ExtractKind
    let reader: ExtractReader
    let dateFormat: DateFormat
    var headerCount = 0
    private(set) var record = CSVRecord(
        line: 0, fieldBytes: UnsafeBufferPointer(start: nil, count: 0), ends: UnsafeBufferPointer(start: nil, count: 0),
        raw: UnsafeBufferPointer(start: nil, count: 0))
    private(set) var rejected = false
    /// The row belongs to a patient excluded under the opt-out policy: it is dropped unread.
    private(set) var optedOut = false
    /// Set when the run excludes anyone: the register and where the file's person column is.
    var optOutGate: (register: OptOutRegister, column: Column)?
    private var warnings: [(reason: String, field: String, value: String)] = []
    /// The raw text is not shown: a record too long to read whose first bytes do not say whose it is.
    private var rawWithheld = false

    /// The reader's person keys, and whether this file adds to them (the spine, screening,
    /// opt-outs) or only looks them up: held here so that a row's person field is read without
    /// retaining anything.
    private let people: PersonKeys
    private let registers: Bool

    init(file: String, kind: ExtractKind, reader: ExtractReader, dateFormat: DateFormat) {
        self.file = file
        self.kind = kind
        self.reader = reader
        self.dateFormat = dateFormat
        people = reader.people
        registers = kind == .patients || kind == .screening || kind == .optOuts
    }

    func begin(_ record: borrowing CSVRecord) {
        self.record = copy record
        rejected = false
        optedOut = false
        rawWithheld = false
        // Checked first: emptying an empty array still went through the array's unique check.
        if !warnings.isEmpty { warnings.removeAll(keepingCapacity: true) }
    }

    /// Rejects the row (only the first reason is kept).
    func reject(_ reason: String, field: String, value: String) {
        guard !rejected else { return }
        rejected = true
        reader.sink.record(
            Diagnostic(
                location: SourceLocation(file: file, line: record.line), severity: .reject, reason: reason, field: field,
                value: value, record: shownRecord))
    }

    func warn(_ reason: String, field: String, value: String) {
        warnings.append((reason, field, value))
    }

    /// Reports the warnings of an accepted row; returns how many.
    func flushWarnings() -> Int {
        guard !warnings.isEmpty else { return 0 }
        let raw = shownRecord
        for w in warnings {
            reader.sink.record(
                Diagnostic(
                    location: SourceLocation(file: file, line: record.line), severity: .warning, reason: w.reason,
                    field: w.field, value: w.value, record: raw))
        }
        return warnings.count
    }

    /// The raw record for rejects.csv: withheld for opt_outs.csv, a list of people who objected.
    private var shownRecord: String { kind == .optOuts || rawWithheld ? "" : record.rawString }

    /// For a record too long to read while the run excludes anyone: whether its first bytes
    /// (the raw text kept, 64 KiB) name an excluded patient, read as the file's person field.
    /// When they do not hold that field whole, whose it is cannot be known, so its raw text is
    /// withheld from rejects.csv in case it is an excluded patient's.
    func tooLongRecordIsExcluded(delimiter: UInt8) -> Bool {
        guard let gate = optOutGate else { return false }
        let index: Int
        switch gate.column.ref {
        case .single(let i), .list(let i): index = i
        default: return false
        }
        var excluded: Bool?
        let parser = CSVStreamParser(delimiter: delimiter) { [self] prefix in
            // The first record of the kept bytes, its person field ended before the cut.
            guard excluded == nil else { return }
            guard prefix.count > index + 1 else {
                excluded = false
                rawWithheld = true
                return
            }
            let whole = record
            record = copy prefix
            excluded = isExcluded()
            record = whole
        }
        parser.feed(UnsafeRawBufferPointer(record.raw))
        parser.finish()
        if excluded == nil { rawWithheld = true }
        return excluded ?? false
    }

    /// Whether the record's person field (read as the file's person column, whatever the
    /// record's field count) names a patient excluded under the opt-out policy.
    func isExcluded() -> Bool {
        guard let gate = optOutGate else { return false }
        let b = bytes(gate.column)
        guard !b.isEmpty, let key = kind == .patients ? reader.people.key(b) : reader.people.find(b) else { return false }
        return kind == .patients ? gate.register.screenSpine(key) : gate.register.excludes(key)
    }

    /// The bytes of a single-column field (empty when the column is missing, the record short,
    /// or the value one the mapping declares missing).
    func bytes(_ column: Column) -> UnsafeBufferPointer<UInt8> {
        switch column.ref {
        case .single(let i), .list(let i):
            guard i < record.count else { return UnsafeBufferPointer(start: nil, count: 0) }
            let b = record[i]
            if let m = column.missing, m.matches(b) { return UnsafeBufferPointer(start: nil, count: 0) }
            return b
        default: return UnsafeBufferPointer(start: nil, count: 0)
        }
    }

    /// Rejects the row for a required field that is blank, or holds a declared missing value
    /// (then named, so the reject says why a field with text in it counts as missing).
    func rejectMissing(_ column: Column) {
        var ids: [Int] = []
        switch column.ref {
        case .single(let i), .list(let i): ids = [i]
        case .composite(let parts): ids = parts
        case .missing: break
        }
        let declared = column.missing.map { m in ids.contains { $0 < record.count && m.matches(record[$0]) } } ?? false
        guard declared else {
            reject("missing required field", field: column.name, value: "")
            return
        }
        let given = ids.map { $0 < record.count ? String(decoding: record[$0], as: UTF8.self) : "" }.joined(separator: ":")
        reject("missing required field (the mapping declares this value missing)", field: column.name, value: given)
    }

    /// A text field; nil when empty. A required empty field rejects the row.
    func text(_ column: Column, required: Bool = false) -> String? {
        let value: String
        switch column.ref {
        case .missing: value = ""
        case .single, .list: value = String(decoding: bytes(column), as: UTF8.self)
        case .composite(let ids):
            let parts = ids.map { i -> String in
                guard i < record.count, !(column.missing?.matches(record[i]) ?? false) else { return "" }
                return String(decoding: record[i], as: UTF8.self)
            }
            value = parts.contains(where: \.isEmpty) ? "" : parts.joined(separator: ":")
        }
        if value.isEmpty {
            if required { rejectMissing(column) }
            return nil
        }
        return value
    }

    /// A required field parsed from its bytes: an empty one rejects the row as missing, one
    /// that `parse` refuses rejects it with `reason`.
    private func required<T>(_ column: Column, invalid reason: String, _ parse: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        let b = bytes(column)
        if b.isEmpty {
            rejectMissing(column)
            return nil
        }
        guard let value = parse(b) else {
            reject(reason, field: column.name, value: String(decoding: b, as: UTF8.self))
            return nil
        }
        return value
    }

    /// A person identifier; an empty or invalid one rejects the row.
    /// A patient excluded under the opt-out policy gives nil and marks the row `optedOut`.
    func person(_ column: Column) -> UInt64? {
        // Read here rather than through `required` and a closure, which retained the person
        // keys on every row.
        let b = bytes(column)
        if b.isEmpty {
            rejectMissing(column)
            return nil
        }
        guard let key = registers ? people.key(b) : people.find(b) else {
            reject(
                "not a valid NHS number (10 digits with a Modulus 11 check digit)", field: column.name,
                value: String(decoding: b, as: UTF8.self))
            return nil
        }
        if let gate = optOutGate, kind == .patients ? gate.register.screenSpine(key) : gate.register.excludes(key) {
            optedOut = true
            return nil
        }
        return key
    }

    /// A date. Empty: nil (a required one rejects). Unreadable: rejects, optional or not.
    /// A sentinel (before the missing-before day): a required one rejects; an optional one is
    /// read as missing with a warning.
    func date(_ column: Column, required: Bool) -> Day? {
        let b = bytes(column)
        let field = column.name
        if b.isEmpty {
            if required { rejectMissing(column) }
            return nil
        }
        guard let day = dateFormat.parse(b) else {
            reject("unreadable date (expected \(dateFormat.rawValue))", field: field, value: String(decoding: b, as: UTF8.self))
            return nil
        }
        if day < reader.missingBefore {
            let value = String(decoding: b, as: UTF8.self)
            if required {
                reject(
                    "date before \(reader.missingBefore) is a sentinel for missing, and this field is required", field: field, value: value)
            } else {
                warn("date before \(reader.missingBefore) is a sentinel for missing: read as blank", field: field, value: value)
            }
            return nil
        }
        return day
    }

    /// A whole number. Optional: an unreadable one is a warning and read as blank.
    /// Outside `range` (when given) it is as unreadable: a reject or a warning saying the range.
    func int(_ column: Column, required: Bool = false, in range: ClosedRange<Int>? = nil) -> Int? {
        let b = bytes(column)
        let field = column.name
        if b.isEmpty {
            if required { rejectMissing(column) }
            return nil
        }
        let parsed = Int(String(decoding: b, as: UTF8.self))
        guard let v = parsed, range?.contains(v) ?? true else {
            let value = String(decoding: b, as: UTF8.self)
            var reason = "not a whole number"
            if let range, parsed != nil { reason = "out of range: a whole number from \(range.lowerBound) to \(range.upperBound)" }
            if required {
                reject(reason, field: field, value: value)
            } else {
                warn(reason + ": read as blank", field: field, value: value)
            }
            return nil
        }
        return v
    }

    /// A short HES code; one longer than four characters is a warning and read as blank.
    func code(_ column: Column) -> ShortCode? {
        let b = bytes(column)
        if b.isEmpty { return nil }
        guard let c = ShortCode.read(b) else {
            warn("not a HES code (at most 4 characters): read as blank", field: column.name, value: String(decoding: b, as: UTF8.self))
            return nil
        }
        return c
    }

    /// A BNF code's substance; a missing or malformed code rejects the row.
    func substance(_ column: Column) -> Substance? {
        required(column, invalid: "BNF code must be at least 9 characters, A-Z and 0-9 only", Substance.read)
    }

    /// A dm+d (SNOMED CT) product id; a missing or malformed one rejects the row.
    func dmdID(_ column: Column) -> UInt64? {
        required(column, invalid: "not a dm+d id (a SNOMED CT id: 6 to 18 digits)", BNFMap.id)
    }

    /// Appends the valid codes of a diagnosis field; a non-code is a warning.
    func diagnoses(_ column: Column, into codes: inout [ICD10Code]) {
        let b = bytes(column)
        let field = column.name
        guard !b.isEmpty else { return }
        if case .list = column.ref {
            // Codes separated by commas, `||` (episodes) or spaces.
            var start = 0
            for i in 0...b.count {
                let end = i == b.count || b[i] == 44 || b[i] == 124 || b[i] == 32 || b[i] == 59
                if end {
                    if i > start { readOne(UnsafeBufferPointer(rebasing: b[start..<i]), field: field, into: &codes) }
                    start = i + 1
                }
            }
        } else {
            readOne(b, field: field, into: &codes)
        }
    }

    private func readOne(_ b: UnsafeBufferPointer<UInt8>, field: String, into codes: inout [ICD10Code]) {
        switch ICD10Code.read(b) {
        case .empty: break
        case .code(let c): codes.append(c)
        case .invalid: warn("not an ICD-10 code: ignored", field: field, value: String(decoding: b, as: UTF8.self))
        }
    }
}
