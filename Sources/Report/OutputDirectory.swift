import CLinux
import CaseCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The --out folder, written atomically: every file is written first into a hidden staging
/// folder beside it (`.OUT.staging-PID-XXXXXX`, made by `mkdtemp`: a name nobody can plant a
/// link at in advance, on the same file system). `commit()`, once the whole run has
/// succeeded, fills the staging folder with what the new set keeps of the old (hard links) and
/// swaps it with --out in one step (OutputDirectory+Commit.swift). A failed run removes its
/// staging folder (`abandon()`); a killed run leaves it beside --out, never inside, and the
/// next run removes it. A planner never finds a half-written file in --out, nor one run's
/// files beside another's. Files are created with `mode` (0600 by default).
/// Files may be written from several threads at once (`write`, `create`); `commit` and
/// `abandon` come after the writing.
public final class OutputDirectory: @unchecked Sendable {
    public let path: String
    public let mode: mode_t
    /// --out with symbolic links resolved: the folder that is swapped at commit (a link given
    /// as --out stays a link to the new files).
    let resolved: String
    let staging: String
    /// An exclusive `flock` on the staging folder, held while the run lives: the kernel lets it
    /// go when the process ends, however it ends, so `removeStale` knows a killed run's folder
    /// by the lock it can take (a process id can be reused, and a killed process's id stays
    /// alive as a zombie until its parent reaps it, which in a container may be never).
    private var stagingLock: Int32 = -1
    /// Why the staging folder is inside --out rather than beside it (--out is a mount point, so
    /// the folder beside it is on another file system), or nil.
    let stagedInside: String?
    /// Staged files and where they go, guarded for writes from several threads.
    private let staged = Mutex<[(temporary: String, final: String)]>([])
    var pending: [(temporary: String, final: String)] {
        get { staged.withLock { $0 } }
        set { staged.withLock { $0 = newValue } }
    }
    var wholeFolders: Set<String> = []

    public init(path: String, mode: mode_t = 0o600) throws(OutputError) {
        // An empty name would be the current folder, which a commit would swap for a new one.
        guard !path.isEmpty else { throw OutputError("the output folder's name is empty") }
        // Made absolute first: Foundation's path functions trap on a one-character relative
        // path (`--out o`), and the staging folder's place needs the parent anyway.
        let url = URL(fileURLWithPath: path).standardizedFileURL
        self.path = url.path
        self.mode = mode
        try OutputDirectory.makeFolder(self.path)
        // The folder holds patient lists: owner only, whoever made it.
        chmod(self.path, 0o700)
        if let real = realpath(self.path, nil) {
            resolved = String(cString: real)
            free(real)
        } else {
            resolved = self.path
        }
        let beside = FilePath.folder(of: resolved)
        var outInfo = stat()
        var parentInfo = stat()
        if stat(resolved, &outInfo) == 0 && stat(beside.isEmpty ? "." : beside, &parentInfo) == 0 && outInfo.st_dev != parentInfo.st_dev {
            stagedInside = "\(self.path) is a mount point, so a folder beside it is on another file system"
        } else {
            stagedInside = nil
        }
        let parent = stagedInside == nil ? beside : resolved
        let base = stagedInside == nil ? FilePath.name(of: resolved) : "casefind"
        OutputDirectory.removeStale(parent: parent, base: base)
        // mkdtemp makes a new folder of an unpredictable name, mode 0700, or fails: a symlink
        // planted beside --out is never written through.
        var template = Array(FilePath.join(parent, ".\(base).staging-\(getpid())-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw OutputError("cannot create a staging folder beside \(self.path): \(String(cString: strerror(errno)))")
        }
        staging = String(cString: made)
        stagingLock = open(staging, O_RDONLY | O_DIRECTORY)
        if stagingLock >= 0 { flock(stagingLock, LOCK_EX) }
    }

    deinit { releaseStaging() }

    /// Lets the staging folder's lock go (once the folder is removed or swapped in).
    func releaseStaging() {
        if stagingLock >= 0 {
            close(stagingLock)
            stagingLock = -1
        }
    }

    /// Creates a folder and any missing parents, each with mode 0700 (owner only). A folder
    /// inside --out that is a symbolic link (`caseloads` pointing elsewhere) is refused, so that
    /// lists are never renamed into wherever it points.
    static func makeFolder(_ path: String, inside out: String? = nil) throws(OutputError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK, let out, path.hasPrefix(out + "/") {
                throw OutputError("\(path) is a symbolic link: casefind writes only into folders of its own inside \(out)")
            }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutputError("cannot create folder \(path): a file of that name is in the way") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeFolder(parent) }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw OutputError("cannot create folder \(path): \(String(cString: strerror(errno)))")
        }
        chmod(path, 0o700)
    }

    /// Marks a folder of --out (`caseloads`, `practices`) as rewritten whole by this run: at
    /// commit, files in it that this run did not write are removed, so a practice or locality
    /// that has gone leaves no stale list behind.
    public func replaceWhole(_ folder: String) { wholeFolders.insert(folder) }

    /// Where `name` (which may contain one folder, `caseloads/X.csv`) will appear.
    public func finalPath(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Opens a staging file for `name`; the handle writes to it until commit.
    public func create(_ name: String) throws(OutputError) -> FileHandle {
        let temporary = (staging as NSString).appendingPathComponent(name)
        try OutputDirectory.makeFolder((temporary as NSString).deletingLastPathComponent)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw OutputError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        fchmod(fd, mode)
        staged.withLock { $0.append((temporary, finalPath(name))) }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Writes a whole file's bytes. They reach the disk at `commit`, all files at once.
    public func write(_ name: String, _ bytes: [UInt8]) throws(OutputError) {
        let handle = try create(name)
        defer { try? handle.close() }
        try Self.writeAll(bytes, to: handle.fileDescriptor, name: finalPath(name))
    }

    /// Writes every byte, or says why not as the system does (`File too large`, `No space left
    /// on device`): Foundation's own message for those is "error 512".
    static func writeAll(_ bytes: [UInt8], to fd: Int32, name: String) throws(OutputError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError("cannot write \(name): \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    /// Writes a file piece by piece: `produce` hands each piece to the closure it is given.
    public func write(_ name: String, producing produce: (_ emit: ([UInt8]) throws -> Void) throws -> Void) throws(OutputError) {
        let handle = try create(name)
        defer { try? handle.close() }
        let fd = handle.fileDescriptor, path = finalPath(name)
        do {
            try produce { bytes throws(OutputError) in try Self.writeAll(bytes, to: fd, name: path) }
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Removes this run's staging folder.
    public func abandon() {
        pending = []
        try? FileManager.default.removeItem(atPath: staging)
        releaseStaging()
    }

    /// Removes staging folders left by killed runs: `.OUT.staging-PID-XXXXXX` (or an older
    /// casefind's `.OUT.staging-PID`), real folders only (a link of that name is left alone),
    /// whose lock nobody holds (see `stagingLock`).
    private static func removeStale(parent: String, base: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        let prefix = ".\(base).staging-"
        for name in names where name.hasPrefix(prefix) {
            let full = FilePath.join(parent, name)
            var info = stat()
            guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            let fd = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { try? FileManager.default.removeItem(atPath: full) }
        }
    }
}
