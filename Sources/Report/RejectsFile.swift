import CaseCore
import Foundation
import Ingest

/// Streams findings into rejects.csv (file, line, severity, reason, field, value, record) as
/// they are made, so memory does not grow with bad rows. Counts them by severity and reason.
public final class RejectsFile: DiagnosticSink {
    public static let header = ["file", "line", "severity", "reason", "field", "value", "record"]
    private let handle: FileHandle?
    private var buffer = CSVText(header: RejectsFile.header)
    public private(set) var rejects = 0
    public private(set) var warnings = 0
    /// Count per reason, for the summary.
    public private(set) var reasons: [String: Int] = [:]
    public private(set) var writeError: Error?

    /// - Parameter handle: where to write; nil to count only (`validate`, `explain`).
    public init(handle: FileHandle?) {
        self.handle = handle
    }

    /// The most of a value and of a raw record one reject writes, in bytes: a file of long bad
    /// rows gives a rejects.csv that grows with its rows, never with their length.
    public static let valueLimit = 1_024
    public static let recordLimit = 4_096

    /// At most `limit` bytes of `text` (whole characters), then how long it was.
    static func cut(_ text: String, _ limit: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: limit)
        // Back to a character's first byte.
        while end > utf8.startIndex && (utf8[end] & 0xC0) == 0x80 { end = utf8.index(before: end) }
        return String(text[..<end]) + "... [cut: \(utf8.count) bytes]"
    }

    public func record(_ d: Diagnostic) {
        if d.severity == .reject { rejects += 1 } else { warnings += 1 }
        reasons[d.reason, default: 0] += 1
        guard handle != nil else { return }
        buffer.append([
            d.location.file, String(d.location.line), d.severity.rawValue, d.reason, d.field, Self.cut(d.value, Self.valueLimit),
            Self.cut(d.record, Self.recordLimit),
        ])
        if buffer.bytes.count > 1 << 16 { flush() }
    }

    /// Writes what is buffered.
    public func flush() {
        guard let handle, !buffer.bytes.isEmpty else { return }
        if writeError == nil {
            do throws(OutputError) {
                try OutputDirectory.writeAll(buffer.bytes, to: handle.fileDescriptor, name: "rejects.csv")
            } catch {
                writeError = error
            }
        }
        buffer.clear()
    }

    public func close() throws(OutputError) {
        flush()
        do { try handle?.close() } catch { throw OutputError("cannot write rejects.csv: \(error.localizedDescription)") }
        if let writeError = writeError as? OutputError { throw writeError }
        if let writeError { throw OutputError("cannot write rejects.csv: \(writeError.localizedDescription)") }
    }
}
