import CaseCore

/// Where a contract column is in a file's records.
enum ColumnRef {
    /// The file has no such column (an optional column).
    case missing
    case single(Int)
    /// A key composed of several columns, joined with `:`.
    case composite([Int])
    /// One column holding a list of diagnosis codes.
    case list(Int)
}

/// A contract column and where it is: `name` is the contract's name, reported in rejects.csv.
struct Column {
    let name: String
    let ref: ColumnRef
    /// Values the mapping declares as "not recorded", read as blank; nil for most columns.
    var missing: MissingValues? = nil
}

/// A column's declared missing values (`missing_values:` in a mapping), compared with a
/// trimmed field byte by byte, ASCII letters in either case.
final class MissingValues {
    let values: [[UInt8]]

    init(_ values: [String]) { self.values = values.map { Array($0.utf8) } }

    func matches(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        for v in values where v.count == field.count {
            var same = true
            for i in 0..<v.count where v[i] != field[i] {
                // Letters differ only in the 0x20 bit.
                let a = v[i] | 0x20
                guard a == field[i] | 0x20, a >= 97 && a <= 122 else {
                    same = false
                    break
                }
            }
            if same { return true }
        }
        return false
    }
}

/// A file's header, resolved against the contract's columns through the mapping.
struct HeaderColumns {
    let kind: ExtractKind
    let mapping: ColumnMapping.FileMapping
    let fileName: String
    /// Header names, trimmed and lower-cased, in file order.
    let names: [String]

    init(record: borrowing CSVRecord, kind: ExtractKind, mapping: ColumnMapping.FileMapping, fileName: String) {
        var names: [String] = []
        for i in 0..<record.count { names.append(record.string(i).lowercased()) }
        self.init(names: names, kind: kind, mapping: mapping, fileName: fileName)
    }

    /// - Parameter names: the header's fields, trimmed and lower-cased.
    init(names: [String], kind: ExtractKind, mapping: ColumnMapping.FileMapping, fileName: String) {
        self.kind = kind
        self.mapping = mapping
        self.fileName = fileName
        self.names = names
    }

    /// Finds a contract column (`missing` when the header lacks it), with its declared missing
    /// values (but not gp_practice's, which mean "no registered practice", not blank).
    func index(_ column: String) -> Column {
        let sources = mapping.sources(for: column)
        var found: [Int] = []
        for s in sources {
            guard let i = names.firstIndex(of: s.lowercased()) else { return Column(name: column, ref: .missing) }
            found.append(i)
        }
        var c = Column(name: column, ref: found.count == 1 ? .single(found[0]) : .composite(found))
        if let values = mapping.missingValues[column], !values.isEmpty, !(kind == .patients && column == "gp_practice") {
            c.missing = MissingValues(values)
        }
        return c
    }

    /// Whether the header has a contract column.
    func has(_ column: String) -> Bool {
        if case .missing = index(column).ref { return false }
        return true
    }

    /// Refuses a header that lacks a required column: that stops the run before any output.
    func checkRequired() throws(ConfigurationError) {
        for (column, required) in kind.columns where required {
            if let other = kind.alternative(to: column), has(other) { continue }
            if case .missing = index(column).ref {
                let wanted = mapping.sources(for: column).joined(separator: " + ")
                let or = kind.alternative(to: column).map { " (nor \(mapping.sources(for: $0).joined(separator: " + ")) for \($0))" } ?? ""
                throw ConfigurationError(
                    "\(fileName) has no column '\(wanted)' for the required field \(column)\(or) (\(Shown.header(names)))",
                    at: SourceLocation(file: fileName, line: 1))
            }
        }
    }

    /// The diagnosis columns: a list column if the mapping names one, else every column named
    /// a diagnosis prefix followed by digits only (`diag_01`, `DIAG_4_12`), in file order.
    func diagnosisColumns() -> [Column] {
        if let list = mapping.diagnosisListColumn, let i = names.firstIndex(of: list.lowercased()) {
            return [Column(name: list, ref: .list(i))]
        }
        var out: [Column] = []
        for (i, name) in names.enumerated() {
            for prefix in mapping.diagnosisPrefixes {
                let p = prefix.lowercased()
                guard name.hasPrefix(p) else { continue }
                let rest = name.dropFirst(p.count)
                if !rest.isEmpty && rest.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    out.append(Column(name: name, ref: .single(i)))
                    break
                }
            }
        }
        return out
    }
}
