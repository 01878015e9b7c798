import CaseCore
import Digest

#if canImport(Glibc)
    import Glibc
#endif

/// NHSBSA's BNF SNOMED mapping: the BNF code of each dm+d (SNOMED CT) product id, for
/// prescriptions that GP systems record by dm+d id rather than BNF code.
///
/// NHSBSA publishes it as a spreadsheet, one row per id ("Presentation / Pack Level",
/// "VMP / VMPP/ AMP / AMPP", "BNF Code", "BNF Name", "SNOMED Code"...): a VMP, its AMPs and
/// their packs each have their own id and the same BNF presentation. Saved as CSV (plain or
/// gzip), it is read here once, before the extracts, and every error in it is a configuration
/// error: a list must be traceable to one BNF version, read whole.
public final class BNFMap: Sendable {
    /// The map's header names for the two columns read (matched trimmed, case-insensitively).
    public struct Columns: Sendable, Equatable {
        public var snomed = "SNOMED Code"
        public var bnf = "BNF Code"
        public init() {}
    }

    /// The file's last path component, for summary.json.
    public let fileName: String
    /// SHA-256 of the file's bytes as delivered (compressed, for a gzip file).
    public let sha256: String
    public let bytes: Int
    /// Rows whose BNF code is blank (products outside the BNF): their ids map to nothing.
    public let rowsWithoutBNFCode: Int
    private let substances: [UInt64: Substance]

    /// Ids that map to a BNF code.
    public var ids: Int { substances.count }

    init(fileName: String, sha256: String, bytes: Int, rowsWithoutBNFCode: Int, substances: [UInt64: Substance]) {
        self.fileName = fileName
        self.sha256 = sha256
        self.bytes = bytes
        self.rowsWithoutBNFCode = rowsWithoutBNFCode
        self.substances = substances
    }

    /// The substance of a dm+d id's BNF code; nil when the map does not give one.
    @inline(__always) public func substance(_ id: UInt64) -> Substance? { substances[id] }

    /// A dm+d id: a SNOMED CT concept id, 6 to 18 ASCII digits. Nil for anything else.
    public static func id(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard bytes.count >= 6 && bytes.count <= 18 else { return nil }
        var v: UInt64 = 0
        for b in bytes {
            let d = b &- 48
            guard d < 10 else { return nil }
            v = v &* 10 &+ UInt64(d)
        }
        return v
    }

    /// Reads the map. A missing column, an id that is not 6 to 18 digits (such as `3.18E+16`,
    /// what a spreadsheet saves from a long number), a BNF code that is not one, or one id
    /// given two different BNF codes stops the run, naming the file, line and value.
    public static func load(path: String, columns: Columns = Columns()) throws(ConfigurationError) -> BNFMap {
        // Opened without waiting: a FIFO given as the map would otherwise block the open
        // itself until a writer came, holding the run (and its lock) for ever.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw ConfigurationError("cannot open the BNF map \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw ConfigurationError("the BNF map \(path) is not a regular file (a folder, FIFO or device)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var magic: (UInt8, UInt8) = (0, 0)
        let gzip = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 2, 0) } == 2 && magic == (0x1F, 0x8B)
        let reading = BNFMapReading(file: name, columns: columns)
        let parser = CSVStreamParser { reading.take($0) }
        let input = gzip ? try GzipInput(fd: fd, name: name) : nil
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while reading.error == nil {
            let n =
                try input.map { g throws(ConfigurationError) in try g.read(into: buffer) }
                ?? Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw ConfigurationError("cannot read the BNF map \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            parser.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        parser.finish()
        if let error = reading.error { throw error }
        guard reading.header != nil else {
            throw ConfigurationError("the BNF map \(name) is empty", at: SourceLocation(file: name, line: 1))
        }
        return BNFMap(
            fileName: name, sha256: SHA256Digest.hex(ofFile: path), bytes: Int(info.st_size), rowsWithoutBNFCode: reading.withoutCode,
            substances: reading.substances)
    }
}

/// The map's rows as they are parsed: the header's two columns, then each row's id and code.
private final class BNFMapReading {
    let file: String
    let columns: BNFMap.Columns
    var header: (snomed: Int, bnf: Int)?
    var substances: [UInt64: Substance] = [:]
    /// The first code each id was given, for the message when another row gives another.
    var codes: [UInt64: String] = [:]
    var withoutCode = 0
    var error: ConfigurationError?

    init(file: String, columns: BNFMap.Columns) {
        self.file = file
        self.columns = columns
    }

    func take(_ record: borrowing CSVRecord) {
        guard error == nil else { return }
        if record.tooLong {
            error = ConfigurationError(
                "a line longer than \(CSVStreamParser.defaultMaxRecordBytes) bytes: is this NHSBSA's map saved as CSV?",
                at: SourceLocation(file: file, line: record.line))
            return
        }
        guard let header else {
            readHeader(record)
            return
        }
        let at = SourceLocation(file: file, line: record.line)
        let fields = record.count
        // A blank line (one empty field) is not a row.
        if fields == 1, record[0].isEmpty { return }
        guard fields > max(header.snomed, header.bnf) else {
            error = ConfigurationError("record has \(fields) fields, too few for the \(columns.snomed) and \(columns.bnf) columns", at: at)
            return
        }
        let idBytes = record[header.snomed], codeBytes = record[header.bnf]
        guard let id = BNFMap.id(idBytes) else {
            let value = String(decoding: idBytes, as: UTF8.self)
            let hint =
                value.contains(where: { $0 == "E" || $0 == "e" || $0 == "." })
                ? " (a spreadsheet wrote it as a number: save the column as text)" : ""
            error = ConfigurationError(
                "\(columns.snomed) must be a SNOMED CT id, 6 to 18 digits, not '\(Shown.value(value))'\(hint)", at: at)
            return
        }
        if codeBytes.isEmpty {
            withoutCode += 1
            return
        }
        guard let substance = Substance.read(codeBytes) else {
            error = ConfigurationError(
                "\(columns.bnf) must be a BNF code (at least 9 characters, A-Z and 0-9 only), not '\(Shown.value(String(decoding: codeBytes, as: UTF8.self)))'",
                at: at)
            return
        }
        let code = String(decoding: codeBytes, as: UTF8.self).uppercased()
        if let earlier = codes[id] {
            if earlier != code {
                error = ConfigurationError("SNOMED id \(id) is mapped to \(earlier) and, here, to \(code)", at: at)
            }
            return
        }
        codes[id] = code
        substances[id] = substance
    }

    private func readHeader(_ record: borrowing CSVRecord) {
        var names: [String] = []
        for i in 0..<record.count { names.append(record.string(i).lowercased()) }
        let at = SourceLocation(file: file, line: record.line)
        guard let s = names.firstIndex(of: columns.snomed.lowercased()) else {
            error = ConfigurationError("the BNF map has no column '\(columns.snomed)' (\(Shown.header(names)))", at: at)
            return
        }
        guard let b = names.firstIndex(of: columns.bnf.lowercased()) else {
            error = ConfigurationError("the BNF map has no column '\(columns.bnf)' (\(Shown.header(names)))", at: at)
            return
        }
        header = (s, b)
    }
}
