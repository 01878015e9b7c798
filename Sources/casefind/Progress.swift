import CaseFinderKit
import Foundation
import Ingest

#if canImport(Glibc)
    import Glibc
#endif

/// Progress of a long run on stderr: a bar with rows/s and the time left on a terminal, a plain
/// line every few seconds otherwise (cron logs), nothing when quiet. Never prints an NHS number.
/// Safe to call from the reading threads.
final class Progress: RunProgress, @unchecked Sendable {
    enum Style: Sendable {
        case bar, lines, quiet
    }

    let style: Style
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private let interval: TimeInterval
    private var files: [ExtractKind: (bytes: Int, total: Int, rows: Int, started: Date)] = [:]
    private var barShown = false

    /// A bar when stderr is a terminal, lines otherwise; `quiet` silences everything.
    static func forStandardError(quiet: Bool) -> Progress {
        Progress(style: quiet ? .quiet : isatty(STDERR_FILENO) != 0 ? .bar : .lines)
    }

    init(style: Style, interval: TimeInterval? = nil) {
        self.style = style
        self.interval = interval ?? (style == .bar ? 0.1 : 5)
    }

    /// A finished step, as a line of its own.
    func warn(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        clearBar()
        write("casefind: warning: \(line)\n")
    }

    func say(_ line: String) {
        guard style != .quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        clearBar()
        write("casefind: \(line)\n")
    }

    /// How far a file has been read.
    func reading(_ kind: ExtractKind, bytes: Int, of total: Int, rows: Int) {
        guard style != .quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let started = files[kind]?.started ?? now
        files[kind] = (bytes, total, rows, started)
        guard now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        let parts = files.sorted { $0.key < $1.key }.filter { $0.value.bytes < $0.value.total }.map { kind, f -> String in
            let share = f.total > 0 ? Double(f.bytes) / Double(f.total) : 1
            let seconds = max(now.timeIntervalSince(f.started), 0.001)
            let rate = Double(f.rows) / seconds
            let left = share > 0 ? seconds * (1 - share) / share : 0
            return String(
                format: "%@ %3.0f%% %@ rows/s, %@ left", kind.defaultFileName, share * 100, Progress.compact(rate), Progress.duration(left))
        }
        guard !parts.isEmpty else { return }
        switch style {
        case .bar:
            let f = files.values.filter { $0.bytes < $0.total }.map { Double($0.bytes) / Double(max($0.total, 1)) }.min() ?? 1
            let width = 24
            let done = Int(f * Double(width))
            let bar =
                String(repeating: "=", count: done) + (done < width ? ">" : "") + String(repeating: " ", count: max(0, width - done - 1))
            write("\r[\(bar)] " + parts.joined(separator: "; ") + "\u{1B}[K")
            barShown = true
        case .lines:
            write("casefind: reading " + parts.joined(separator: "; ") + "\n")
        case .quiet:
            break
        }
    }

    /// A file read, or found absent.
    func finished(_ s: FileStats) {
        say(s.present ? "read \(s.fileName): \(s.read) rows, \(s.rejected) rejected" : "no \(s.fileName): no such data")
    }

    /// Ends the bar's line before other output.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        clearBar()
    }

    private func clearBar() {
        if barShown {
            write("\r\u{1B}[K")
            barShown = false
        }
    }

    private func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }

    static func compact(_ v: Double) -> String {
        if v >= 1_000_000 { return String(format: "%.1fM", v / 1_000_000) }
        if v >= 1_000 { return String(format: "%.0fk", v / 1_000) }
        return String(format: "%.0f", v)
    }

    static func duration(_ s: Double) -> String {
        if s >= 60 { return String(format: "%.0fm%02.0fs", (s / 60).rounded(.down), s.truncatingRemainder(dividingBy: 60)) }
        return String(format: "%.0fs", s)
    }
}
