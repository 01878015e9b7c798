import CLinux
import CaseCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Putting a run's files in place: --out changes from the previous complete set of files to the
/// new complete set in one step.
///
/// 1. The staged files are written out (one `syncfs`).
/// 2. What the new set keeps of the old is hard-linked into the staging folder: every file of
///    --out the run did not write (the state store, an earlier `run`'s cases.csv beside an
///    `incidence` run's files), except in the folders the run rewrites whole (`caseloads/`,
///    `practices/`), where a list the run did not write is stale and goes.
/// 3. The staging folder and --out are swapped with one `renameat2(RENAME_EXCHANGE)`, and the
///    staging name, now holding the previous set, is removed.
///
/// A kill before step 3 leaves --out as it was; after it, --out is the new set. Where the
/// file system cannot make hard links or swap folders (some network shares), or --out is a
/// mount point, the files are renamed in one by one, the run token last, and `commit` says so.
extension OutputDirectory {
    /// How `commit` put a run's files in place.
    public enum Placement: Sendable, Equatable {
        /// The staging folder and --out swapped in one step.
        case exchanged
        /// Renamed in one by one; `reason` says why the folder could not be swapped.
        case fileByFile(reason: String)
    }

    /// The file in --out holding the token of the run whose files these are
    /// (`StateStore.settlePendingRuns` reads it).
    public static let runTokenFile = ".casefind-run"

    /// A new random token (32 hex digits) for a run's files.
    public static func newRunToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The run token in `folder`, if it has one.
    public static func runToken(in folder: String) -> String? {
        let fd = open(FilePath.join(folder, runTokenFile), O_RDONLY | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Puts the staged files in place (see above). With `runToken`, --out's run token file is
    /// replaced by one holding it. Throws only before --out has changed.
    @discardableResult
    public func commit(runToken: String? = nil) throws(OutputError) -> Placement {
        if let runToken { try write(Self.runTokenFile, Array((runToken + "\n").utf8)) }
        try refuseLinkedFolders()
        if let reason = stagedInside {
            try syncStaged()
            try placeFileByFile()
            return .fileByFile(reason: reason)
        }
        var reason = try carry(from: resolved, into: staging, top: true)
        try syncStaged()
        if reason == nil {
            if renameat2(AT_FDCWD, staging, AT_FDCWD, resolved, casefind_rename_exchange) == 0 {
                Self.syncFolder(FilePath.folder(of: resolved))
                pending = []
                // The staging folder's name now holds the previous set of files.
                try? FileManager.default.removeItem(atPath: staging)
                releaseStaging()
                return .exchanged
            }
            let e = errno
            guard e == EINVAL || e == ENOSYS || e == EOPNOTSUPP else {
                throw OutputError("cannot put the new files in place of \(path): \(String(cString: strerror(e)))")
            }
            reason = "the file system cannot swap two folders in one step (\(String(cString: strerror(e))))"
        }
        try placeFileByFile()
        return .fileByFile(reason: reason ?? "")
    }

    /// A folder the run writes into that is a symbolic link in --out (`caseloads` pointing
    /// elsewhere) is refused, so that nobody's link decides where the lists go.
    private func refuseLinkedFolders() throws(OutputError) {
        let prefix = staging + "/"
        var folders: Set<String> = []
        for p in pending where p.temporary.hasPrefix(prefix) {
            let relative = p.temporary.dropFirst(prefix.count)
            if let slash = relative.firstIndex(of: "/") { folders.insert(String(relative[..<slash])) }
        }
        for folder in folders.sorted() {
            var info = stat()
            let inOut = FilePath.join(path, folder)
            if lstat(FilePath.join(resolved, folder), &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK {
                throw OutputError("\(inOut) is a symbolic link: casefind writes only into folders of its own inside \(path)")
            }
        }
    }

    /// Hard-links into `new` everything in `old` that the new set keeps: what the run wrote
    /// wins, folders merge, links are copied as links (never followed), and at the top the
    /// folders the run rewrites whole are left behind. Returns why not, when the file system
    /// cannot make hard links here.
    private func carry(from old: String, into new: String, top: Bool) throws(OutputError) -> String? {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: old) } catch {
            throw OutputError("cannot read \(old): \(error.localizedDescription)")
        }
        for name in names.sorted() {
            if top && wholeFolders.contains(name) { continue }
            let source = FilePath.join(old, name)
            let target = FilePath.join(new, name)
            var info = stat()
            var there = stat()
            guard lstat(source, &info) == 0 else { continue }  // gone since it was listed
            let taken = lstat(target, &there) == 0
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR {
                if taken {
                    guard (there.st_mode & S_IFMT) == S_IFDIR else { continue }  // the new set has a file of that name
                } else if mkdir(target, info.st_mode & 0o7777) != 0 {
                    throw OutputError("cannot create folder \(target): \(String(cString: strerror(errno)))")
                }
                if let reason = try carry(from: source, into: target, top: false) { return reason }
            } else if taken {
                continue  // the run wrote a file of this name: it replaces the old one
            } else if kind == S_IFREG {
                guard link(source, target) == 0 else {
                    let e = errno
                    if e == EXDEV || e == EPERM || e == EOPNOTSUPP || e == EMLINK {
                        return "cannot make a hard link of \(source) (\(String(cString: strerror(e))))"
                    }
                    throw OutputError("cannot keep \(source) in the new set of files: \(String(cString: strerror(e)))")
                }
            } else if kind == S_IFLNK {
                var destination = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(source, &destination, destination.count - 1)
                guard n >= 0, symlink(String(decoding: destination[..<n], as: UTF8.self), target) == 0 else {
                    throw OutputError("cannot keep the link \(source) in the new set of files: \(String(cString: strerror(errno)))")
                }
            } else {
                throw OutputError(
                    "\(source) is not a file, folder or link (a FIFO, socket or device): casefind cannot keep it in \(path); move it elsewhere"
                )
            }
        }
        return nil
    }

    /// Renames each staged file into place, removes the stale files of the folders rewritten
    /// whole, and renames the run token in last, so that it is there only when every file is.
    private func placeFileByFile() throws(OutputError) {
        let isToken = { (p: (temporary: String, final: String)) in FilePath.name(of: p.final) == Self.runTokenFile }
        let files = pending.filter { !isToken($0) }
        for p in files {
            try OutputDirectory.makeFolder(FilePath.folder(of: p.final), inside: path)
            guard rename(p.temporary, p.final) == 0 else {
                throw OutputError("cannot rename \(p.temporary) to \(p.final): \(String(cString: strerror(errno)))")
            }
        }
        let written = Set(files.map(\.final))
        for folder in wholeFolders {
            let dir = finalPath(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
                let file = FilePath.join(dir, name)
                if !written.contains(file) { unlink(file) }
            }
        }
        for p in pending where isToken(p) {
            guard rename(p.temporary, p.final) == 0 else {
                throw OutputError("cannot rename \(p.temporary) to \(p.final): \(String(cString: strerror(errno)))")
            }
        }
        pending = []
        try? FileManager.default.removeItem(atPath: staging)
        releaseStaging()
    }

    /// Writes the staged files out: `syncfs` on the staging folder, or, where the system has
    /// no `syncfs`, `fsync` of each file.
    ///
    /// The files are made durable before --out changes, so that a crash cannot leave a
    /// file in place with no data: with one `syncfs` of the file system (one journal commit),
    /// not one `fsync` per file, which with a practice list, import file, Accurx batches and
    /// workbook for each of 500 practices took 3.5 of a run's 18 s.
    private func syncStaged() throws(OutputError) {
        let folder = open(staging, O_RDONLY | O_DIRECTORY)
        if folder >= 0 {
            defer { close(folder) }
            if syncfs(folder) == 0 { return }
        }
        for p in pending {
            let fd = open(p.temporary, O_RDONLY)
            guard fd >= 0, fsync(fd) == 0 else {
                let reason = String(cString: strerror(errno))
                if fd >= 0 { close(fd) }
                throw OutputError("cannot write \(p.final) to the disk: \(reason)")
            }
            close(fd)
        }
    }

    /// Makes a rename in `folder` durable.
    private static func syncFolder(_ folder: String) {
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
