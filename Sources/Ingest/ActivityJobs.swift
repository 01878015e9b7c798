import CaseCore
import Foundation

/// The activity files, read after the spine: prescriptions, admissions, residence,
/// nominations, in that order, and their findings passed on in that order whatever the threads.
///
/// With two or more threads, a large prescriptions file is cut in two (`CSVSplit`) and its
/// halves are read on two threads; then admissions are read on one thread while residence and
/// nominations are read on the other. When the file cannot be cut, prescriptions are read on
/// one thread while the other files are read in turn on the second. Findings of every job but
/// the first of each phase are buffered and passed on afterwards, in file order.
final class ActivityJobs: @unchecked Sendable {
    final class Job: @unchecked Sendable {
        let kind: ExtractKind
        let reader: ExtractReader
        let buffer: DiagnosticCollector?
        var seconds = 0.0
        var error: ConfigurationError?

        init(kind: ExtractKind, reader: ExtractReader, buffer: DiagnosticCollector?) {
            self.kind = kind
            self.reader = reader
            self.buffer = buffer
        }
    }

    /// In file order; a cut prescriptions file has two jobs, the second without a digest.
    let jobs: [Job]
    let consumer: any ExtractConsumer
    let sink: DiagnosticSink
    let threads: Int
    /// Whether prescriptions, and then admissions, are read in two halves.
    let split: Bool
    let splitAdmissions: Bool

    /// How an activity extract is read on two threads: a plain file cut in two byte ranges, or
    /// the parts of a delivery of several files shared out, the first run of parts on one
    /// thread and the rest on the other.
    enum Halves {
        case bytes(FilePart, FilePart)
        case parts(Range<Int>, Range<Int>)
    }

    /// - Parameter reader: makes the reader of one job, writing to the buffer given or, when
    ///   nil, straight to the sink.
    init(
        consumer: any ExtractConsumer, sink: DiagnosticSink, threads: Int, halves: Halves?, admissionHalves: Halves?,
        reader: (DiagnosticCollector?) -> ExtractReader
    ) {
        self.consumer = consumer
        self.sink = sink
        self.threads = threads
        var jobs: [Job] = []
        /// The two halves of a cut file: the first writes straight to the sink (it leads its
        /// phase), the second into a buffer passed on after it.
        func appendHalves(_ kind: ExtractKind, _ halves: Halves) {
            let buffer = DiagnosticCollector()
            for (second, sinkBuffer) in [(false, nil), (true, buffer)] as [(Bool, DiagnosticCollector?)] {
                let r = reader(sinkBuffer)
                switch halves {
                case .bytes(let a, let b): r.part = second ? b : a
                case .parts(let a, let b): r.partRange = second ? b : a
                }
                jobs.append(Job(kind: kind, reader: r, buffer: sinkBuffer))
            }
        }
        let halves = threads > 1 ? halves : nil
        if let halves {
            appendHalves(.prescriptions, halves)
        } else {
            jobs.append(Job(kind: .prescriptions, reader: reader(nil), buffer: nil))
        }
        split = halves != nil
        let admissionHalves = split ? admissionHalves : nil
        splitAdmissions = admissionHalves != nil
        if let admissionHalves { appendHalves(.admissions, admissionHalves) }
        for kind in [ExtractKind.admissions, .residence, .nominations] where !(kind == .admissions && splitAdmissions) {
            // With a cut file admissions lead the second phase and write straight to the sink.
            let direct = threads <= 1 || (split && kind == .admissions)
            let buffer = direct ? nil : DiagnosticCollector()
            jobs.append(Job(kind: kind, reader: reader(buffer), buffer: buffer))
        }
        self.jobs = jobs
    }

    func read(_ job: Job) {
        let start = Date()
        let consumer = self.consumer
        do throws(ConfigurationError) {
            switch job.kind {
            case .prescriptions: try job.reader.readPrescriptions { consumer.add($0) }
            case .admissions: try job.reader.readAdmissions { consumer.add($0) }
            case .residence: try job.reader.readResidence { consumer.add($0) }
            default: try job.reader.readNominations { consumer.add($0) }
            }
        } catch {
            job.error = error
        }
        job.seconds = Date().timeIntervalSince(start)
    }

    /// Runs groups of jobs, one group per thread, then passes on their findings in order.
    private func phase(_ groups: [[Job]]) throws(ConfigurationError) {
        if groups.count == 1 {
            for job in groups[0] { read(job) }
        } else {
            DispatchQueue.concurrentPerform(iterations: groups.count) { g in
                for job in groups[g] { read(job) }
            }
        }
        for job in jobs where groups.contains(where: { $0.contains { $0 === job } }) {
            if let error = job.error { throw error }
            job.buffer?.passOn(to: sink)
        }
    }

    func run() throws(ConfigurationError) {
        if threads <= 1 {
            try phase([jobs])
        } else if splitAdmissions {
            try phase([[jobs[0]], [jobs[1]]])
            try phase([[jobs[2]], [jobs[3]]])
            try phase([[jobs[4], jobs[5]]])
        } else if split {
            try phase([[jobs[0]], [jobs[1]]])
            try phase([[jobs[2]], [jobs[3], jobs[4]]])
        } else {
            try phase([[jobs[0]], Array(jobs.dropFirst())])
        }
    }
}
