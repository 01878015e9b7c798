import CaseCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How one extract arrived in the extracts folder: the files it is read from, in order.
///
/// For an extract named `NAME.csv` (the contract's name, or the mapping's `file:`), casefind
/// reads `NAME.csv`, `NAME.csv.gz`, or a folder `NAME/` of parts `*.csv` and `*.csv.gz` (read
/// in name order, each with its own header line). A mapping's `file:` may also be a glob
/// (`hes/hes_apc_*.txt.gz`): its matches, in name order. An extract delivered more than one way
/// at once is a configuration error, as is a folder with no part in it.
public struct ExtractDelivery: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        /// Where to open it.
        public var path: String
        /// As rejects.csv and summary.json name it: relative to the extracts folder.
        public var name: String
        /// gzip-compressed (`.gz`): decompressed as it is read.
        public var gzip: Bool
    }

    /// The parts in the order they are read.
    public var parts: [Part]
    /// What summary.json calls the extract: the file, or the folder or glob with its parts.
    public var name: String

    /// The one plain file of an extract delivered as one: a file that can be cut in two for
    /// two threads (a compressed file or a set of parts cannot).
    public var singlePlainFile: String? { parts.count == 1 && !parts[0].gzip ? parts[0].path : nil }

    /// The extract's delivery; nil when it is not in the folder at all.
    public static func find(
        _ kind: ExtractKind, in directory: String, mapping: ColumnMapping
    ) throws(ConfigurationError) -> ExtractDelivery? {
        let file = mapping.file(kind)
        return try find(named: file.fileName ?? kind.defaultFileName, in: directory, headerFile: file.headerFile)
    }

    /// - Parameter headerFile: the mapping's header file, never one of the parts a glob matches.
    static func find(named name: String, in directory: String, headerFile: String? = nil) throws(ConfigurationError) -> ExtractDelivery? {
        func path(_ relative: String) -> String { directory.hasSuffix("/") ? directory + relative : directory + "/" + relative }
        if name.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
            let matches = glob(path(name)).filter { isFile($0) && $0 != headerFile.map(path) }
            guard !matches.isEmpty else { return nil }
            let prefix = path("")
            return ExtractDelivery(
                parts: matches.map { Part(path: $0, name: String($0.dropFirst(prefix.count)), gzip: $0.hasSuffix(".gz")) },
                name: name)
        }
        let stem = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        for candidate in [name, name + ".gz"] where exists(path(candidate)) && !isFile(path(candidate)) {
            throw ConfigurationError("\(path(candidate)) is not a regular file (a folder, FIFO or device): it cannot be read as an extract")
        }
        var ways: [ExtractDelivery] = []
        if isFile(path(name)) { ways.append(ExtractDelivery(parts: [Part(path: path(name), name: name, gzip: false)], name: name)) }
        if isFile(path(name + ".gz")) {
            ways.append(ExtractDelivery(parts: [Part(path: path(name + ".gz"), name: name + ".gz", gzip: true)], name: name + ".gz"))
        }
        if !stem.isEmpty, isDirectory(path(stem)) {
            let parts = partNames(in: path(stem), extension: ext).map {
                Part(path: path(stem + "/" + $0), name: stem + "/" + $0, gzip: $0.hasSuffix(".gz"))
            }
            guard !parts.isEmpty else {
                throw ConfigurationError("the folder \(stem)/ in \(directory) holds no part (\(stem)/*.\(ext) or *.\(ext).gz) to read")
            }
            ways.append(ExtractDelivery(parts: parts, name: stem + "/"))
        }
        guard ways.count <= 1 else {
            throw ConfigurationError(
                "\(stem) is delivered more than once in \(directory): \(ways.map(\.name).joined(separator: ", ")); keep one")
        }
        return ways.first
    }

    /// The part files of a folder: `*.EXT` and `*.EXT.gz`, not hidden, in byte order of name.
    static func partNames(in folder: String, extension ext: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return entries.filter { n in
            !n.hasPrefix(".") && (n.hasSuffix("." + ext) || n.hasSuffix("." + ext + ".gz")) && isFile(folder + "/" + n)
        }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Files in `directory` that look like an extract but that no delivery reads: named like an
    /// extract (`prescriptions.csv.bz2`, `admissions.txt`, `patients.zip`), or in a part folder
    /// but not a part. Each as a sentence for a warning.
    public static func unread(in directory: String, names: [String], read deliveries: [ExtractDelivery]) -> [String] {
        let taken = Set(deliveries.flatMap { $0.parts.map(\.name) })
        var warnings: [String] = []
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for name in names where !name.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" || $0 == "/" }) {
            let stem = (name as NSString).deletingPathExtension
            let ext = (name as NSString).pathExtension
            guard !stem.isEmpty else { continue }
            for entry in entries where entry.hasPrefix(stem + ".") && !taken.contains(entry) && entry != stem {
                warnings.append(
                    "\(Shown.value(entry, limit: 100)) looks like an extract but is not read: casefind reads \(name), \(name).gz or a folder \(stem)/ of "
                        + "*.\(ext) and *.\(ext).gz parts")
            }
            let folder = (directory as NSString).appendingPathComponent(stem)
            guard isDirectory(folder) else { continue }
            let inside = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            for entry in inside where !entry.hasPrefix(".") && !taken.contains(stem + "/" + entry) {
                warnings.append(
                    "\(stem)/\(Shown.value(entry, limit: 100)) is not read: the parts of \(stem)/ are its *.\(ext) and *.\(ext).gz files")
            }
        }
        return warnings
    }

    static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The paths matching a pattern (glob(3)), in byte order.
    static func glob(_ pattern: String) -> [String] {
        var found = glob_t()
        defer { globfree(&found) }
        guard Glibc.glob(pattern, 0, nil, &found) == 0 else { return [] }
        return (0..<Int(found.gl_pathc)).compactMap { found.gl_pathv[$0].map { String(cString: $0) } }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
