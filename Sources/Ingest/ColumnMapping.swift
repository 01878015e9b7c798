import CaseCore
import ConfigFile

/// How a site's extract headers map onto the contract's columns, so HES APC, SUS or a GP
/// system's export can be read without editing the files.
///
/// Without a mapping every file uses the contract's own names, `YYYY-MM-DD` dates, commas,
/// Modulus 11 NHS numbers and `diag_NN` diagnosis columns.
public struct ColumnMapping: Sendable {
    /// How people are identified in every file (the spine must use the same key).
    public enum PersonID: String, Sendable {
        /// 10-digit NHS numbers with a Modulus 11 check digit.
        case nhsNumber = "nhs_number"
        /// An opaque person key (pseudonymised extracts): any non-empty text, no check digit.
        case opaque
    }

    /// How one file is read.
    public struct FileMapping: Sendable {
        /// The file name inside the extracts folder (or a glob of part files).
        public var fileName: String?
        /// A file in the extracts folder holding the header line of parts that have none (a HES
        /// delivery's `*_headers.txt`): each part is then read as that line and its own lines,
        /// numbered from 1.
        public var headerFile: String?
        public var delimiter: UInt8 = UInt8(ascii: ",")
        public var dateFormat: DateFormat = .iso
        /// Contract column -> source header names; two or more names make a composite key
        /// whose parts are joined with `:` (PROCODE3 + PROVSPNO -> `RXX:123`).
        public var columns: [String: [String]] = [:]
        /// Diagnosis columns are those named a prefix followed by digits only (`diag_01`).
        public var diagnosisPrefixes: [String] = ["diag_"]
        /// Or one column holding a list of codes (`DIAG_4_CONCAT`, SUS `Der_Diagnosis_All`),
        /// separated by commas, `||` or spaces.
        public var diagnosisListColumn: String?
        /// Contract column -> values that mean "not recorded" (SUS's `-1` spell id): such a
        /// value is read as blank. In patients' gp_practice they mean "no registered practice"
        /// (SUS and HES use V81997, V81998 and V81999, the default): the patient is kept, and
        /// is on no practice's list. Compared trimmed and case-insensitively.
        public var missingValues: [String: [String]] = [:]

        public init() {}

        /// How a file not named in the mapping is read: the contract's layout, with SUS's
        /// placeholder practices declared in patients.csv.
        public static func defaults(for kind: ExtractKind) -> FileMapping {
            var m = FileMapping()
            if kind == .patients { m.missingValues["gp_practice"] = PlaceholderPractice.codes.sorted() }
            return m
        }

        /// The source header names for a contract column.
        public func sources(for column: String) -> [String] { columns[column] ?? [column] }
    }

    public var name: String
    public var personID: PersonID = .nhsNumber
    public var files: [ExtractKind: FileMapping] = [:]
    /// NHSBSA's BNF SNOMED mapping for prescriptions coded by dm+d id (`bnf_map:` under
    /// prescriptions), its path resolved against the mapping file's folder; `--bnf-map`
    /// overrides the path.
    public var bnfMapPath: String?
    public var bnfMapColumns = BNFMap.Columns()
    /// The warehouse's table for each extract (`tables:`), for `casefind sql`: `run` reads files.
    public var tables: [ExtractKind: String] = [:]

    /// The contract's own layout.
    public static let contract = ColumnMapping(name: "contract")

    public init(name: String) { self.name = name }

    public func file(_ kind: ExtractKind) -> FileMapping { files[kind] ?? FileMapping.defaults(for: kind) }

    /// The practice codes that mean "no registered practice" (upper-cased): patients.csv's
    /// declared missing values of gp_practice.
    public var noRegisteredPractice: Set<String> { Set((file(.patients).missingValues["gp_practice"] ?? []).map { $0.uppercased() }) }

    /// Reads a mapping file (YAML). Unknown keys, unknown contract columns, files or date
    /// formats are refused with their line.
    public static func load(path: String) throws(ConfigurationError) -> ColumnMapping {
        try parse(try YAMLDocument.load(path: path))
    }

    /// Reads a mapping from its text, `path` naming it in messages.
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> ColumnMapping {
        try parse(try YAMLDocument.parse(text, path: path))
    }

    /// Reads a mapping from a parsed YAML document.
    public static func parse(_ doc: YAMLDocument) throws(ConfigurationError) -> ColumnMapping {
        let root = try doc.rootMap()
        var mapping = ColumnMapping(name: try root.string("mapping"))
        let version = try root.int("version")
        guard version == 1 else {
            throw root.error("mapping version \(version) is newer than this casefind understands (1)", at: root.optional("version"))
        }
        if let person = try root.optionalString("person_id") {
            guard let p = PersonID(rawValue: person) else {
                throw root.error("person_id must be nhs_number or opaque, not '\(person)'", at: root.optional("person_id"))
            }
            mapping.personID = p
        }
        let defaultFormat = try root.optionalString("date_format")
        let files = try root.map("files")
        for key in files.keys {
            guard let kind = ExtractKind(rawValue: key) else {
                throw files.error(
                    "unknown extract '\(key)' (known: \(ExtractKind.allCases.map(\.rawValue).joined(separator: ", ")))",
                    at: files.optional(key))
            }
            let f = try files.map(key)
            var fm = FileMapping.defaults(for: kind)
            fm.fileName = try f.optionalString("file")
            fm.headerFile = try f.optionalString("header_file")
            if let d = try f.optionalString("delimiter") {
                guard d.utf8.count == 1 else { throw f.error("delimiter must be one character, not '\(d)'", at: f.optional("delimiter")) }
                fm.delimiter = d.utf8.first!
            }
            if let fmt = try f.optionalString("date_format") ?? defaultFormat {
                guard let df = DateFormat(rawValue: fmt) else {
                    throw f.error(
                        "date_format must be one of \(DateFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(fmt)'",
                        at: f.optional("date_format") ?? root.optional("date_format"))
                }
                fm.dateFormat = df
            }
            if let cols = try f.optionalMap("columns") {
                let known = Set(kind.columns.map(\.name))
                for c in cols.keys {
                    guard known.contains(c) else {
                        throw cols.error(
                            "'\(c)' is not a column of \(kind.rawValue) (known: \(kind.columns.map(\.name).joined(separator: ", ")))",
                            at: cols.optional(c))
                    }
                    fm.columns[c] = try cols.strings(c).map(\.0)
                }
                try cols.finish()
            }
            if let missing = try f.optionalMap("missing_values") {
                let known = Set(kind.columns.map(\.name))
                for c in missing.keys {
                    guard known.contains(c) else {
                        throw missing.error("'\(c)' is not a column of \(kind.rawValue)", at: missing.optional(c))
                    }
                    let values = try missing.strings(c)
                    if let blank = values.first(where: { $0.0.trimmingCharacters().isEmpty }) {
                        throw missing.error("a missing value of \(c) must not be blank (a blank field is missing already)", at: blank.1)
                    }
                    fm.missingValues[c] = values.map { $0.0.trimmingCharacters() }
                }
                try missing.finish(allowing: Set(missing.keys))
            }
            if let map = try f.optionalMap("bnf_map") {
                guard kind == .prescriptions else { throw map.error("only prescriptions have a bnf_map", at: nil) }
                let file = try map.string("file")
                let folder = FilePath.folder(of: doc.path)
                mapping.bnfMapPath = file.hasPrefix("/") ? file : FilePath.join(folder, file)
                if let s = try map.optionalString("snomed_column") { mapping.bnfMapColumns.snomed = s }
                if let b = try map.optionalString("bnf_column") { mapping.bnfMapColumns.bnf = b }
                try map.finish()
            }
            if let diag = try f.optionalMap("diagnoses") {
                guard kind == .admissions else { throw diag.error("only admissions have diagnoses", at: nil) }
                if let prefixes = try diag.optionalStrings("prefix") { fm.diagnosisPrefixes = prefixes.map(\.0) }
                fm.diagnosisListColumn = try diag.optionalString("list")
                try diag.finish()
            }
            try f.finish()
            mapping.files[kind] = fm
        }
        try files.finish(allowing: Set(files.keys))
        if let tables = try root.optionalMap("tables") {
            for key in tables.keys {
                guard let kind = ExtractKind(rawValue: key), ExtractKind.warehouseTables.contains(kind) else {
                    throw tables.error("unknown extract '\(key)' in tables", at: tables.optional(key))
                }
                let name = try tables.string(key)
                guard Self.isTableName(name) else {
                    throw tables.error(
                        "table name '\(name)' must be plain: letters, digits and _, with schema.table allowed", at: tables.optional(key))
                }
                mapping.tables[kind] = name
            }
            try tables.finish(allowing: Set(tables.keys))
        }
        try root.finish()
        return mapping
    }
}

/// Turns the person identifiers of every file into one integer key space.
///
/// With NHS numbers the key is the number itself. With opaque ids each distinct id gets the
/// next integer, and the text is kept for output. Ids are added while the spine is read, on
/// one thread; afterwards `find` only reads, so activity files can be read concurrently.
public final class PersonKeys: @unchecked Sendable {
    /// The key `find` gives a valid opaque id that is not on the spine (never a spine key).
    public static let unknown = UInt64.max

    public let kind: ColumnMapping.PersonID
    private var ids: [String: UInt64] = [:]
    private var texts: [String] = []

    public init(kind: ColumnMapping.PersonID) { self.kind = kind }

    /// The key for a trimmed identifier field, or nil when it is not a valid identifier.
    public func key(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        switch kind {
        case .nhsNumber:
            return NHSNumber.parse(bytes)
        case .opaque:
            guard !bytes.isEmpty else { return nil }
            let s = String(decoding: bytes, as: UTF8.self)
            if let k = ids[s] { return k }
            let k = UInt64(texts.count)
            ids[s] = k
            texts.append(s)
            return k
        }
    }

    /// The key for a trimmed identifier field without adding it: `unknown` for an opaque id
    /// not seen on the spine, nil when the field is not a valid identifier.
    public func find(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        switch kind {
        case .nhsNumber:
            return NHSNumber.parse(bytes)
        case .opaque:
            guard !bytes.isEmpty else { return nil }
            return ids[String(decoding: bytes, as: UTF8.self)] ?? PersonKeys.unknown
        }
    }

    /// The identifier as written to output files (NHS numbers as 10 digits, no spaces).
    public func display(_ key: UInt64) -> String {
        switch kind {
        case .nhsNumber: return NHSNumber.format(key)
        case .opaque: return texts[Int(key)]
        }
    }

    /// The key for an identifier typed by a user (`explain`).
    public func lookup(_ text: String) -> UInt64? {
        switch kind {
        case .nhsNumber: return NHSNumber.parse(text)
        case .opaque: return ids[text.trimmingCharacters()]
        }
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

extension ColumnMapping {
    /// A table name the SQL may use unquoted: one to three plain names joined by `.`.
    public static func isTableName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return (1...3).contains(parts.count) && parts.allSatisfy { isPlainName($0) }
    }

    /// A name the SQL may use unquoted: letters, digits and `_`, not starting with a digit.
    public static func isPlainName(_ name: some StringProtocol) -> Bool {
        name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
