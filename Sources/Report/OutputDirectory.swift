import CaseCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Output that could not be written (exit 73).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "error: \(message)" }
}

/// The --out folder, written atomically: every file goes to a hidden temporary name first and
/// is renamed into place only by `commit()`, once the whole run has succeeded. A failed or
/// killed run leaves only temporaries, which `abandon()` (or the next run) removes; a planner
/// never picks up a half-written list. Files are created with `mode` (0600 by default).
public final class OutputDirectory {
    public let path: String
    public let mode: mode_t
    private var pending: [(temporary: String, final: String)] = []
    private let tag = "tmp-\(getpid())"

    public init(path: String, mode: mode_t = 0o600) throws(OutputError) {
        self.path = path
        self.mode = mode
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create output folder \(path): \(error.localizedDescription)")
        }
        removeStaleTemporaries()
    }

    /// Where `name` (which may contain one folder, `caseloads/X.csv`) will appear.
    public func finalPath(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Opens a temporary file for `name`; the handle writes to it until commit.
    public func create(_ name: String) throws(OutputError) -> FileHandle {
        let final = finalPath(name)
        let dir = (final as NSString).deletingLastPathComponent
        let temporary = (dir as NSString).appendingPathComponent(".\((final as NSString).lastPathComponent).\(tag)")
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create \(dir): \(error.localizedDescription)")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw OutputError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        fchmod(fd, mode)
        pending.append((temporary, final))
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Writes a whole file's bytes.
    public func write(_ name: String, _ bytes: [UInt8]) throws(OutputError) {
        let handle = try create(name)
        do {
            try handle.write(contentsOf: bytes)
            try handle.close()
        } catch {
            throw OutputError("cannot write \(finalPath(name)): \(error.localizedDescription)")
        }
    }

    /// Renames every temporary into place.
    public func commit() throws(OutputError) {
        for p in pending {
            guard rename(p.temporary, p.final) == 0 else {
                throw OutputError("cannot rename \(p.temporary) to \(p.final): \(String(cString: strerror(errno)))")
            }
        }
        pending = []
    }

    /// Removes the temporaries of this run.
    public func abandon() {
        for p in pending { unlink(p.temporary) }
        pending = []
    }

    /// Removes temporaries left by runs that were killed (processes no longer alive).
    private func removeStaleTemporaries() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where name.hasPrefix(".") {
            guard let r = name.range(of: ".tmp-", options: .backwards), let pid = Int32(name[r.upperBound...]) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 { unlink((path as NSString).appendingPathComponent(name)) }
        }
    }
}
