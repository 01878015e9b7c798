import CaseCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the contract's extracts from a folder as typed rows, streaming, with every row
/// either handed on or reported: read = accepted + rejected for every file.
public final class ExtractReader {
    public let directory: String
    public let mapping: ColumnMapping
    /// Dates before this day are sentinels for "missing" (1890-01-01 by default).
    public let missingBefore: Day
    public let sink: DiagnosticSink
    public let people: PersonKeys
    /// Allowed caseload_max values.
    public let caseloadLimits: ClosedRange<Int>
    public internal(set) var stats: [ExtractKind: FileStats] = [:]
    /// When set, the next file is read only in this byte range (see `CSVSplit`); a part that
    /// does not start at 0 leaves the file's SHA-256 to the part that does.
    public var part: FilePart?
    /// When set, only these parts of a delivery of several files are read (the rest on another
    /// thread); the extract's digest over all its parts is then left to whoever joins them.
    public var partRange: Range<Int>?
    /// SHA-256 digests already under way (`FileDigest.sequence`), used instead of starting one
    /// when the file is read.
    public var startedDigests: [ExtractKind: FileDigest] = [:]
    /// Called after each chunk read: kind, bytes read so far, file size, rows so far.
    public var onChunk: ((ExtractKind, Int, Int, Int) -> Void)?
    /// Who is excluded under the opt-out policy: their rows are dropped and counted, never
    /// used or rejected. Shared by every reader of a run.
    public let optOuts: OptOutRegister?
    /// NHSBSA's BNF SNOMED mapping, for prescriptions coded by dm+d id.
    public var bnfMap: BNFMap?
    /// The longest record read (`--max-record-bytes`): a longer one is rejected unread.
    public var maxRecordBytes = CSVStreamParser.defaultMaxRecordBytes

    /// Takes over another reader's file statistics (after a concurrent read).
    public func adopt(_ other: ExtractReader) {
        for (k, v) in other.stats { stats[k] = v }
    }

    /// Adds the statistics of another part of the same file (read on another thread).
    public func absorb(_ other: FileStats) {
        guard var s = stats[other.kind] else {
            stats[other.kind] = other
            return
        }
        s.bytes += other.bytes
        s.read += other.read
        s.accepted += other.accepted
        s.rejected += other.rejected
        s.unregistered += other.unregistered
        s.warnings += other.warnings
        s.optedOut += other.optedOut
        s.parts += other.parts
        s.dmdRows += other.dmdRows
        for (id, n) in other.unmappedDMD { s.unmappedDMD[id, default: 0] += n }
        if s.sha256.isEmpty { s.sha256 = other.sha256 }
        stats[other.kind] = s
    }
    /// Bytes read per chunk (1 MiB). A file's first chunk is the one checked for bare-CR line
    /// ends. The extract fuzzer reads in small chunks, so that its short inputs cross chunk
    /// boundaries and no input costs a megabyte of buffers.
    public var chunkBytes = 1 << 20

    /// - Parameter people: the person key space to share with other readers of the same
    ///   extracts (a new one when nil). Only the reader of the spine and of screening outcomes
    ///   adds opaque ids to it; activity readers look ids up, so they may run concurrently.
    public init(
        directory: String, mapping: ColumnMapping = .contract, missingBefore: Day = Day(year: 1890, month: 1, day: 1)!,
        caseloadLimits: ClosedRange<Int> = 50...80, sink: DiagnosticSink, people: PersonKeys? = nil,
        optOuts: OptOutRegister? = nil
    ) {
        self.optOuts = optOuts
        self.directory = directory
        self.mapping = mapping
        self.missingBefore = missingBefore
        self.caseloadLimits = caseloadLimits
        self.sink = sink
        self.people = people ?? PersonKeys(kind: mapping.personID)
    }

    public func path(of kind: ExtractKind) -> String { Self.path(of: kind, in: directory, mapping: mapping) }

    /// Whether the extract is there to read, as one file, a gzip file or parts.
    public func exists(_ kind: ExtractKind) -> Bool { ((try? delivery(of: kind)) ?? nil) != nil }

    /// How the extract was delivered (`ExtractDelivery`); nil when it is not there.
    public func delivery(of kind: ExtractKind) throws(ConfigurationError) -> ExtractDelivery? {
        if namedFileOnly {
            let name = mapping.file(kind).fileName ?? kind.defaultFileName
            let path = Self.path(of: kind, in: directory, mapping: mapping)
            guard ExtractDelivery.isFile(path) else { return nil }
            return ExtractDelivery(parts: [.init(path: path, name: name, gzip: name.hasSuffix(".gz"))], name: name)
        }
        return try ExtractDelivery.find(kind, in: directory, mapping: mapping)
    }

    /// Read the file the mapping names and nothing else: no `.gz` beside it, no folder of parts
    /// (a file given on the command line, such as `screening import`'s, whose folder may hold
    /// anything).
    public var namedFileOnly = false

    /// Where an extract is read from: its mapped file name, else the contract's, in `directory`.
    public static func path(of kind: ExtractKind, in directory: String, mapping: ColumnMapping) -> String {
        let name = mapping.file(kind).fileName ?? kind.defaultFileName
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    // MARK: - typed readers

    public func readPatients(_ body: @escaping (PatientRow) -> RowOutcome) throws(ConfigurationError) {
        try read(.patients) { cols in
            let nhs = cols.index("nhs_number"), dob = cols.index("date_of_birth")
            let sex = cols.index("sex"), practice = cols.index("gp_practice"), dod = cols.index("date_of_death")
            return { row in
                guard let person = row.person(nhs), let birth = row.date(dob, required: true),
                    let code = row.text(practice, required: true)
                else { return nil }
                let death = row.date(dod, required: false)
                guard !row.rejected else { return nil }
                return body(
                    PatientRow(
                        line: row.record.line, person: person, dateOfBirth: birth, sex: row.text(sex), practice: code.uppercased(),
                        dateOfDeath: death))
            }
        }
    }

    public func readAdmissions(_ body: @escaping (EpisodeRow) -> RowOutcome) throws(ConfigurationError) {
        var diagnoses: [ICD10Code] = []
        try read(.admissions) { cols in
            let nhs = cols.index("nhs_number"), spell = cols.index("spell_id")
            let episode = cols.index("episode_number"), admitted = cols.index("admission_date")
            let discharged = cols.index("discharge_date"), method = cols.index("admission_method")
            let classification = cols.index("patient_classification"), source = cols.index("admission_source")
            let destination = cols.index("discharge_destination"), dismeth = cols.index("discharge_method")
            let diagColumns = cols.diagnosisColumns()
            return { row in
                guard let person = row.person(nhs), let spellID = row.text(spell, required: true),
                    let admission = row.date(admitted, required: true)
                else { return nil }
                let discharge = row.date(discharged, required: false)
                guard !row.rejected else { return nil }
                diagnoses.removeAll(keepingCapacity: true)
                for column in diagColumns { row.diagnoses(column, into: &diagnoses) }
                return body(
                    EpisodeRow(
                        line: row.record.line, person: person, spellID: spellID, episodeNumber: row.int(episode), admissionDate: admission,
                        dischargeDate: discharge, admissionMethod: row.code(method), patientClassification: row.code(classification),
                        admissionSource: row.code(source), dischargeDestination: row.code(destination),
                        dischargeMethod: row.code(dismeth), diagnoses: diagnoses))
            }
        }
    }

    /// Reads prescriptions.csv, handing on its good rows in file order a batch at a time
    /// (`PrescriptionBatch`): `body` returns how many of a batch's rows were for patients not
    /// on the spine. A prescription is never rejected by whoever takes it.
    ///
    /// A row is read by its bnf_code; with a `dmd_code` column and a BNF map, a row whose
    /// bnf_code is blank (or absent) is read by its dm+d id through the map. An id the map does
    /// not give a BNF code is kept as no substance and counted (`FileStats.unmappedDMD`).
    public func readPrescriptions(_ body: @escaping (UnsafeBufferPointer<PrescriptionRow>) -> Int) throws(ConfigurationError) {
        let batch = PrescriptionBatch(body)
        let map = bnfMap
        var coded = DMDCounts()
        try read(.prescriptions, finish: batch.finish) { cols throws(ConfigurationError) in
            let nhs = cols.index("nhs_number"), issued = cols.index("issue_date"), bnf = cols.index("bnf_code")
            guard cols.has("dmd_code") else { return Self.byBNFCode(nhs, issued, bnf, batch) }
            let dmd = cols.index("dmd_code")
            guard let map else {
                if cols.has("bnf_code") { return Self.byBNFCode(nhs, issued, bnf, batch, unreadDMD: dmd) }
                throw Self.dmdWithoutMap(cols.fileName)
            }
            return { row in
                guard let person = row.person(nhs), let day = row.date(issued, required: true) else { return nil }
                let substance: Substance
                if !row.bytes(bnf).isEmpty {
                    guard let s = row.substance(bnf) else { return nil }
                    substance = s
                } else {
                    guard let id = row.dmdID(dmd) else { return nil }
                    coded.rows += 1
                    if let s = map.substance(id) {
                        substance = s
                    } else {
                        coded.unmapped[id, default: 0] += 1
                        substance = .none
                    }
                }
                batch.append(PrescriptionRow(person: person, issueDate: day, substance: substance))
                return .accepted
            }
        }
        stats[.prescriptions]?.dmdRows += coded.rows
        for (id, n) in coded.unmapped { stats[.prescriptions]?.unmappedDMD[id, default: 0] += n }
    }

    /// Prescriptions coded by dm+d id alone, and no map to read them with.
    static func dmdWithoutMap(_ file: String) -> ConfigurationError {
        ConfigurationError(
            "\(file) gives dm+d ids (dmd_code) and no bnf_code: name NHSBSA's BNF SNOMED mapping with --bnf-map FILE or bnf_map: in the mapping",
            at: SourceLocation(file: file, line: 1))
    }

    /// Checks the header of an extract's first part before anything is read or written: a
    /// required column missing, or dm+d ids alone without a map, stops the run here. (Every
    /// part's header is checked again as it is read.)
    public func checkHeader(_ kind: ExtractKind) throws(ConfigurationError) {
        guard let delivery = try delivery(of: kind) else { return }
        let file = mapping.file(kind)
        let first = try Self.headerFields(of: delivery.parts[0], file, in: directory, maxRecordBytes: maxRecordBytes)
        guard !first.fields.isEmpty else { return }  // an empty file: reported when it is read
        let header = HeaderColumns(names: first.fields, kind: kind, mapping: file, fileName: first.part)
        try header.checkRequired()
        if kind == .prescriptions && bnfMap == nil && header.has("dmd_code") && !header.has("bnf_code") {
            throw Self.dmdWithoutMap(first.part)
        }
    }

    /// The row function of a file read by bnf_code alone; `unreadDMD`, a dmd_code column read
    /// only to say why a row with a dm+d id and no BNF code is rejected (no map was given).
    private static func byBNFCode(
        _ nhs: Column, _ issued: Column, _ bnf: Column, _ batch: PrescriptionBatch, unreadDMD: Column? = nil
    ) -> (RowContext) -> RowOutcome? {
        { row in
            guard let person = row.person(nhs), let day = row.date(issued, required: true) else { return nil }
            if let unreadDMD, row.bytes(bnf).isEmpty, !row.bytes(unreadDMD).isEmpty {
                row.reject(
                    "missing required field (the row has a dmd_code, but no --bnf-map was given to read it)", field: bnf.name, value: "")
                return nil
            }
            guard let substance = row.substance(bnf) else { return nil }
            batch.append(PrescriptionRow(person: person, issueDate: day, substance: substance))
            return .accepted
        }
    }

    public func readResidence(_ body: @escaping (ResidenceRow) -> RowOutcome) throws(ConfigurationError) {
        try read(.residence) { cols in
            let nhs = cols.index("nhs_number"), home = cols.index("care_home_code"), type = cols.index("care_home_type")
            let from = cols.index("from_date"), to = cols.index("to_date")
            return { row in
                guard let person = row.person(nhs), let code = row.text(home, required: true), let start = row.date(from, required: true)
                else { return nil }
                let end = row.date(to, required: false)
                guard !row.rejected else { return nil }
                return body(
                    ResidenceRow(
                        line: row.record.line, person: person, careHomeCode: code, careHomeType: row.text(type), fromDate: start,
                        toDate: end))
            }
        }
    }

    public func readNominations(_ body: @escaping (NominationRow) -> RowOutcome) throws(ConfigurationError) {
        try read(.nominations) { cols in
            let nhs = cols.index("nhs_number"), on = cols.index("nominated_on"), by = cols.index("nominated_by")
            return { row in
                guard let person = row.person(nhs), let day = row.date(on, required: true) else { return nil }
                return body(NominationRow(line: row.record.line, person: person, nominatedOn: day, nominatedBy: row.text(by)))
            }
        }
    }

    public func readScreening(_ body: @escaping (ScreeningRow) -> RowOutcome) throws(ConfigurationError) {
        try read(.screening) { cols in
            let nhs = cols.index("nhs_number"), outcome = cols.index("outcome"), date = cols.index("date")
            let cm = cols.index("case_manager_id")
            return { row in
                guard let person = row.person(nhs), let o = row.text(outcome, required: true), let day = row.date(date, required: true)
                else { return nil }
                guard let kind = ScreeningOutcomeKind(rawValue: o.lowercased()) else {
                    return .reject(reason: "outcome must be \(ScreeningOutcomeKind.spelledOut)", field: "outcome", value: o.lowercased())
                }
                let manager = row.text(cm)
                if kind == .enrolled && (manager ?? "").isEmpty {
                    return .reject(reason: "an \(kind.rawValue) patient needs the case_manager_id", field: "case_manager_id", value: "")
                }
                return body(ScreeningRow(line: row.record.line, person: person, outcome: kind, date: day, caseManagerID: manager))
            }
        }
    }

    /// Reads opt_outs.csv into `register`. A row with a valid NHS number is honoured even when
    /// its type is missing or unreadable (under every policy but `none`) or its date unreadable;
    /// such a row is still reported, without its raw record.
    public func readOptOuts(into register: OptOutRegister) throws(ConfigurationError) {
        try read(.optOuts) { cols in
            let nhs = cols.index("nhs_number"), type = cols.index("type"), recorded = cols.index("recorded_date")
            return { row in
                guard let person = row.person(nhs) else { return nil }
                let text = row.text(type)?.trimmingCharacters().lowercased()
                let parsed = text.flatMap(OptOutType.init(rawValue:))
                register.add(person, type: parsed)
                _ = row.date(recorded, required: false)
                guard !row.rejected else { return nil }
                guard let text else { return .reject(reason: "missing required field", field: "type", value: "") }
                guard parsed != nil else {
                    return .reject(
                        reason: "type must be type1 or ndoo (the opt-out is honoured under every policy but none)", field: "type",
                        value: text)
                }
                return .accepted
            }
        }
    }

    public func readPractices(_ body: @escaping (PracticeRow) -> RowOutcome) throws(ConfigurationError) {
        try read(.practices) { cols in
            let code = cols.index("practice_code"), name = cols.index("practice_name")
            let pct = cols.index("pct"), locality = cols.index("locality")
            return { row in
                guard let c = row.text(code, required: true), let p = row.text(pct, required: true),
                    let l = row.text(locality, required: true)
                else { return nil }
                return body(PracticeRow(code: c.uppercased(), name: row.text(name), pct: p, locality: l))
            }
        }
    }

    public func readLocalities(_ body: @escaping (LocalityRow) -> RowOutcome) throws(ConfigurationError) {
        try read(.localities) { cols in
            let locality = cols.index("locality"), pct = cols.index("pct")
            let expected = cols.index("expected_patients"), weighted = cols.index("weighted_capitation")
            return { row in
                guard let l = row.text(locality, required: true), let e = row.int(expected, required: true, in: LocalityRow.expectedRange)
                else { return nil }
                return body(LocalityRow(locality: l, pct: row.text(pct), expectedPatients: e, weightedCapitation: row.text(weighted)))
            }
        }
    }

    /// Reads case_managers.csv. A caseload_max outside the limits, or not a whole number, is a
    /// configuration error (thrown after the file is read, naming file, line and value).
    public func readCaseManagers(_ body: @escaping (CaseManagerRow) -> RowOutcome) throws(ConfigurationError) {
        var firstError: ConfigurationError?
        let limits = caseloadLimits
        try read(.caseManagers) { cols in
            let id = cols.index("case_manager_id"), name = cols.index("name"), locality = cols.index("locality")
            let maxIndex = cols.index("caseload_max"), active = cols.index("active")
            let file = cols.fileName
            return { row in
                guard let i = row.text(id, required: true), let l = row.text(locality, required: true),
                    let raw = row.text(maxIndex, required: true)
                else { return nil }
                let location = SourceLocation(file: file, line: row.record.line)
                guard let m = Int(raw), limits.contains(m) else {
                    if firstError == nil {
                        firstError = ConfigurationError(
                            "caseload_max '\(Shown.value(raw))' for case manager \(Shown.value(i, limit: 64)) must be a whole number from \(limits.lowerBound) to \(limits.upperBound) (set capacity.caseload_limits in the criteria file to allow another range)",
                            at: location)
                    }
                    return .reject(reason: "caseload_max out of range", field: "caseload_max", value: raw)
                }
                var isActive = true
                if let a = row.text(active) {
                    switch a.uppercased() {
                    case "Y", "YES", "TRUE", "1": isActive = true
                    case "N", "NO", "FALSE", "0": isActive = false
                    default: return .reject(reason: "active must be Y or N", field: "active", value: a)
                    }
                }
                return body(CaseManagerRow(id: i, name: row.text(name), locality: l, caseloadMax: m, active: isActive, location: location))
            }
        }
        if let firstError { throw firstError }
    }
}
