import CaseCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a folder of extracts into a consumer, in two steps: the configuration extract
/// (case_managers.csv, whose caseload limits are configuration errors) before any output
/// exists, then everything else in dependency order: practices, localities, opt-outs and the
/// spine on this thread, then the activity files on one or two (`ActivityJobs`).
///
/// Every file's findings reach the sink in file order whatever the threads, so rejects.csv
/// does not depend on them.
public final class ExtractSetReader {
    public let directory: String
    public let mapping: ColumnMapping
    public let missingBefore: Day
    public let caseloadLimits: ClosedRange<Int>
    public let optOuts: OptOutRegister
    /// NHSBSA's BNF SNOMED mapping, for prescriptions coded by dm+d id; every reader shares it.
    public var bnfMap: BNFMap?
    /// The longest record read; every reader shares it.
    public var maxRecordBytes = CSVStreamParser.defaultMaxRecordBytes
    /// Seconds per file read (`read_KIND`) and for finding the cuts (`split`).
    public private(set) var timings: [String: Double] = [:]
    /// case_managers.csv as read by `readConfiguration`, with its findings held for the sink.
    private var configuration: (reader: ExtractReader, findings: DiagnosticCollector)?

    public init(
        directory: String, mapping: ColumnMapping, missingBefore: Day, caseloadLimits: ClosedRange<Int>, optOuts: OptOutRegister
    ) {
        self.directory = directory
        self.mapping = mapping
        self.missingBefore = missingBefore
        self.caseloadLimits = caseloadLimits
        self.optOuts = optOuts
    }

    func reader(sink: DiagnosticSink, people: PersonKeys? = nil) -> ExtractReader {
        let reader = ExtractReader(
            directory: directory, mapping: mapping, missingBefore: missingBefore, caseloadLimits: caseloadLimits, sink: sink,
            people: people, optOuts: optOuts)
        reader.bnfMap = bnfMap
        reader.maxRecordBytes = maxRecordBytes
        return reader
    }

    /// Checks every extract's header (`ExtractReader.checkHeader`) before anything is written.
    public func checkHeaders() throws(ConfigurationError) {
        let reader = reader(sink: DiagnosticCollector())
        for kind in ExtractKind.extracts { try reader.checkHeader(kind) }
    }

    public func path(of kind: ExtractKind) -> String { ExtractReader.path(of: kind, in: directory, mapping: mapping) }

    public func exists(_ kind: ExtractKind) -> Bool { ((try? delivery(of: kind)) ?? nil) != nil }

    /// How the extract was delivered (`ExtractDelivery`); nil when it is not there.
    public func delivery(of kind: ExtractKind) throws(ConfigurationError) -> ExtractDelivery? {
        try ExtractDelivery.find(kind, in: directory, mapping: mapping)
    }

    /// Files in the folder that look like extracts but that no delivery reads (a `.zip`, a
    /// `.bz2`, `admissions.txt`), each as a sentence for a warning.
    public func unreadFiles() -> [String] {
        let kinds = ExtractKind.allCases
        let deliveries = kinds.compactMap { (try? delivery(of: $0)) ?? nil }
        return ExtractDelivery.unread(
            in: directory, names: kinds.map { mapping.file($0).fileName ?? $0.defaultFileName }, read: deliveries)
    }

    /// About how many lines a file has: its size over the mean line length of its first
    /// 256 KiB (exact for a smaller file). Nil when it cannot be read.
    static func estimatedRows(_ path: String) -> Int? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let sample = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { sample.deallocate() }
        let n = Glibc.read(fd, sample.baseAddress, sample.count)
        guard n > 0 else { return nil }
        let lines = UnsafeRawBufferPointer(rebasing: sample[0..<n]).count(where: { $0 == 10 })
        return Int(Double(info.st_size) * Double(max(lines, 1)) / Double(n))
    }

    /// The parts of a delivery of several files in two runs of about equal work for two
    /// threads (a gzip part counted as four times its size, about what it inflates to); nil for
    /// one file.
    static func shareOut(_ delivery: ExtractDelivery) -> ActivityJobs.Halves? {
        guard delivery.parts.count > 1 else { return nil }
        let weights = delivery.parts.map { p -> Int in
            var info = stat()
            let size = stat(p.path, &info) == 0 ? Int(info.st_size) : 0
            return p.gzip ? size * 4 : size
        }
        let total = weights.reduce(0, +)
        var sum = 0
        var k = 1
        for (i, w) in weights.enumerated() {
            sum += w
            if sum * 2 >= total {
                k = i + 1
                break
            }
        }
        k = min(max(k, 1), delivery.parts.count - 1)
        return .parts(0..<k, k..<delivery.parts.count)
    }

    /// Reads case_managers.csv into the consumer. A caseload_max outside the limits stops the
    /// run here, before any output is created; the file's other findings are passed to `read`'s
    /// sink, first, as if read there.
    public func readConfiguration(into consumer: any ExtractConsumer) throws(ConfigurationError) {
        let start = Date()
        let findings = DiagnosticCollector()
        let r = reader(sink: findings)
        try r.readCaseManagers { consumer.add($0) }
        configuration = (r, findings)
        timings["read_case_managers"] = Date().timeIntervalSince(start)
    }

    /// Reads every extract but case_managers.csv (read by `readConfiguration`, which must come
    /// first) into the consumer.
    /// - Parameter threads: 1 reads every file in turn; 2 or more cut the big activity files in
    ///   two and read the halves, and the smaller files, on two threads. The result, findings
    ///   included, is the same either way.
    /// - Returns: the reader holding every file's statistics and the run's person keys.
    public func read(
        into consumer: any ExtractConsumer, sink: DiagnosticSink, threads: Int, observer: ReadingObserver? = nil
    ) throws(ConfigurationError) -> ExtractReader {
        guard let configuration else { preconditionFailure("readConfiguration(into:) must come before read(into:)") }
        var clock = Date()
        func lap(_ name: String) {
            timings[name] = (timings[name] ?? 0) + Date().timeIntervalSince(clock)
            clock = Date()
        }
        let main = reader(sink: sink)
        if let observer { main.onChunk = { observer.reading($0, bytes: $1, of: $2, rows: $3) } }
        configuration.findings.passOn(to: sink)
        main.adopt(configuration.reader)
        observer?.finished(main.stats[.caseManagers]!)
        // Reserve the index once rather than growing it.
        if let rows = Self.estimatedRows(main.path(of: .patients)) { consumer.reserve(patients: rows) }
        // Where to cut the big activity files for two threads, found on another core while the
        // spine is read here. Only an extract delivered as one plain file with its own header
        // can be cut (a gzip file is read from its start on one thread); a delivery of several
        // files has its parts shared out instead.
        var single: [ExtractKind: String] = [:]
        var partHalves: [ExtractKind: ActivityJobs.Halves] = [:]
        for kind in [ExtractKind.prescriptions, .admissions] {
            let delivery = try main.delivery(of: kind)
            if mapping.file(kind).headerFile == nil, let file = delivery?.singlePlainFile { single[kind] = file }
            if threads > 1, let delivery, let halves = Self.shareOut(delivery) { partHalves[kind] = halves }
        }
        let prescriptionsCut = FileCut(path: threads > 1 ? single[.prescriptions] : nil, delimiter: mapping.file(.prescriptions).delimiter)
        let admissionsCut = FileCut(path: threads > 1 ? single[.admissions] : nil, delimiter: mapping.file(.admissions).delimiter)
        // The big activity files are hashed on another core while the spine is read, rather
        // than beside their own parsing, which has both cores.
        var digests: [ExtractKind: FileDigest] = [:]
        if threads > 1 {
            let files = [ExtractKind.prescriptions, .admissions].compactMap { k in single[k].map { (k, $0) } }
            digests = Dictionary(uniqueKeysWithValues: zip(files.map(\.0), FileDigest.sequence(files.map(\.1))))
        }
        func finished(_ kind: ExtractKind) {
            observer?.finished(main.stats[kind]!)
            lap("read_" + kind.rawValue)
        }
        try main.readPractices { consumer.add($0) }
        finished(.practices)
        try main.readLocalities { consumer.add($0) }
        finished(.localities)
        try main.readOptOuts(into: optOuts)
        finished(.optOuts)
        try main.readPatients { consumer.add($0) }
        finished(.patients)
        consumer.spineComplete()
        let cuts = (prescriptionsCut.wait(), admissionsCut.wait())
        let activity = ActivityJobs(
            consumer: consumer, sink: sink, threads: threads,
            halves: cuts.0.map { ActivityJobs.Halves.bytes($0.0, $0.1) } ?? partHalves[.prescriptions],
            admissionHalves: cuts.1.map { ActivityJobs.Halves.bytes($0.0, $0.1) } ?? partHalves[.admissions]
        ) { buffer in
            let r = self.reader(sink: buffer ?? sink, people: main.people)
            r.startedDigests = digests
            if let observer { r.onChunk = { observer.reading($0, bytes: $1, of: $2, rows: $3) } }
            return r
        }
        lap("split")
        try activity.run()
        for job in activity.jobs {
            if let part = job.reader.part, part.start > 0 {
                main.absorb(job.reader.stats[job.kind]!)
            } else if let range = job.reader.partRange, range.lowerBound > 0 {
                // The second thread's parts (whose headers it checked against the first part's),
                // then one digest over every part.
                main.absorb(job.reader.stats[job.kind]!)
                if var s = main.stats[job.kind] {
                    s.sha256 = FileStats.combinedDigest(s.parts)
                    main.stats[job.kind] = s
                }
            } else {
                main.adopt(job.reader)
            }
            timings["read_" + job.kind.rawValue] = max(timings["read_" + job.kind.rawValue] ?? 0, job.seconds)
        }
        for kind in [ExtractKind.prescriptions, .admissions, .residence, .nominations] { observer?.finished(main.stats[kind]!) }
        return main
    }
}
