import CaseCore
import Digest

/// Receives the findings about input rows as they are made (rejects.csv, `validate`'s report).
public protocol DiagnosticSink: AnyObject {
    func record(_ diagnostic: Diagnostic)
}

/// A sink that keeps every finding in memory (tests, `explain`, and the findings of a file
/// read on another thread, passed on later in file order).
public final class DiagnosticCollector: DiagnosticSink {
    public private(set) var diagnostics: [Diagnostic] = []
    public init() {}
    public func record(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    /// Records every finding kept, in order, into `sink`, and forgets them.
    public func passOn(to sink: DiagnosticSink) {
        for d in diagnostics { sink.record(d) }
        diagnostics = []
    }
}

/// What became of one input file.
public struct FileStats: Sendable, Equatable {
    public var kind: ExtractKind
    public var fileName: String
    /// False when the file was absent ("no such data").
    public var present = false
    /// Lowercase hex SHA-256 of the file's bytes.
    public var sha256 = ""
    public var bytes = 0
    /// Data records read (the header is not counted; a record spanning lines counts once).
    public var read = 0
    public var accepted = 0
    public var rejected = 0
    /// Accepted rows for people not on the spine (activity files only).
    public var unregistered = 0
    /// Field-level warnings on accepted rows.
    public var warnings = 0
    /// Rows of patients excluded under the opt-out policy, dropped unread (malformed or not):
    /// read = accepted + rejected + optedOut.
    public var optedOut = 0
    /// Each part of an extract delivered as several files (a folder of parts, a glob), in the
    /// order read; empty for one file, plain or gzip. The counts above are then their totals,
    /// and `sha256` is `combinedDigest`. Each part's own statistics, its `fileName` the part's
    /// file relative to the extracts folder.
    public var parts: [FileStats] = []
    /// Prescriptions: accepted rows read by dm+d id, and of those, the rows per id the BNF map
    /// does not give a BNF code (kept as no substance).
    public var dmdRows = 0
    public var unmappedDMD: [UInt64: Int] = [:]
}

/// What the rows read by dm+d id gave, while a prescriptions file is read.
struct DMDCounts {
    var rows = 0
    var unmapped: [UInt64: Int] = [:]
}

extension FileStats {
    /// An extract's digest over its parts: the SHA-256 of one line a part, `SHA256  NAME`, as
    /// `sha256sum` prints them, in the order read. Any part's bytes, name or order changes it.
    public static func combinedDigest(_ parts: [FileStats]) -> String {
        SHA256Digest.hex(ofText: parts.map { "\($0.sha256)  \($0.fileName)\n" }.joined())
    }
}

/// What the consumer of a typed row decided.
public enum RowOutcome: Sendable {
    case accepted
    /// Accepted, but the person is not on the spine.
    case unregistered
    /// Not usable; goes to rejects.csv.
    case reject(reason: String, field: String, value: String)
}
