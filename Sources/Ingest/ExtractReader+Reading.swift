import CaseCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The loop every typed reader runs: each part of the extract's delivery in turn (one file, a
/// gzip file, or a folder's parts), its header checked, its records handed to the row function.
extension ExtractReader {
    /// Reads one extract: resolves the header of its first part (every other part's header
    /// must be the same), then hands each data record to the row function `prepare` returned.
    /// A row function returns nil when the row was rejected while reading its fields (the
    /// reason is already recorded), or the consumer's outcome. Line numbers and rejects.csv's
    /// file are each part's own.
    /// - Parameter finish: for rows handed on in batches, called once each part's last record
    ///   is read: hands on what is left and returns how many of the accepted rows so far were
    ///   unregistered.
    func read(
        _ kind: ExtractKind, finish: (() -> Int)? = nil,
        prepare: @escaping (HeaderColumns) throws(ConfigurationError) -> (RowContext) -> RowOutcome?
    ) throws(ConfigurationError) {
        let fileMapping = mapping.file(kind)
        let fileName = fileMapping.fileName ?? kind.defaultFileName
        var stats = FileStats(kind: kind, fileName: fileName)
        guard let delivery = try delivery(of: kind) else {
            if !kind.isRequired {
                self.stats[kind] = stats
                return
            }
            throw ConfigurationError("required extract \(fileName) is missing from \(directory)")
        }
        precondition(part == nil || delivery.singlePlainFile != nil, "only a single plain file is read in byte ranges")
        stats.present = true
        stats.fileName = delivery.name
        let context = RowContext(file: delivery.parts[0].name, kind: kind, reader: self, dateFormat: fileMapping.dateFormat)
        let optOuts = self.optOuts
        let maxRecord = maxRecordBytes
        /// Every record after a header. `function` and `header` are constants of the closure:
        /// looked up from a variable on every row, they were retained and released each time.
        func records(_ function: @escaping (RowContext) -> RowOutcome?, _ header: HeaderColumns) -> (borrowing CSVRecord) -> Void {
            { record in
                stats.read += 1
                context.begin(record)
                if record.tooLong {
                    // Its fields were not kept: an excluded patient's, as its first bytes
                    // tell, is dropped; any other is rejected.
                    if context.tooLongRecordIsExcluded(delimiter: fileMapping.delimiter) {
                        stats.optedOut += 1
                        return
                    }
                    context.reject(
                        "record longer than \(maxRecord) bytes (--max-record-bytes): not read, only its first bytes shown", field: "",
                        value: "")
                } else if record.count != context.headerCount {
                    // A malformed row of an excluded patient is dropped, not reported.
                    if context.isExcluded() {
                        stats.optedOut += 1
                        return
                    }
                    context.reject("record has \(record.count) fields; the header has \(context.headerCount)", field: "", value: "")
                }
                var unregistered = false
                if !context.rejected {
                    let outcome = function(context)
                    if context.optedOut {
                        stats.optedOut += 1
                        return
                    }
                    switch outcome {
                    case nil, .accepted: break
                    case .unregistered: unregistered = true
                    case .reject(let reason, let field, let value):
                        // The consumer names the field; the value is read from the record when not given.
                        let shown = value.isEmpty && !field.isEmpty ? context.text(header.index(field)) ?? "" : value
                        context.reject(reason, field: field, value: shown)
                    }
                }
                if context.rejected {
                    stats.rejected += 1
                } else {
                    stats.accepted += 1
                    if unregistered { stats.unregistered += 1 }
                    stats.warnings += context.flushWarnings()
                }
            }
        }
        // Headerless parts: each is read after the header file's line.
        let headerLine = try fileMapping.headerFile.map { name throws(ConfigurationError) in try Self.headerLine(name, in: directory) }
        var afterHeader: ((borrowing CSVRecord) -> Void)?
        // What every part's header must be: the delivery's first part's (read ahead for a
        // reader of later parts, so the message is the same on one thread or two).
        var firstHeader =
            try (partRange?.lowerBound ?? 0) > 0
            ? Self.headerFields(of: delivery.parts[0], fileMapping, in: directory, maxRecordBytes: maxRecord) : nil
        var unregisteredSoFar = 0
        // One file (plain or gzip) is the extract's line in summary.json; parts are listed.
        let whole = delivery.parts.count == 1
        for source in delivery.parts[partRange ?? delivery.parts.indices] {
            context.file = source.name
            let before = stats
            let (sha256, bytes) = try readPart(
                source, of: delivery, kind: kind, delimiter: fileMapping.delimiter, headerLine: headerLine,
                progress: { [onChunk] partBytes, size in onChunk?(kind, before.bytes + partBytes, size, stats.read) }
            ) { record throws(ConfigurationError) in
                // The part's first record: its header.
                if record.tooLong {
                    throw ConfigurationError(
                        "\(source.name)'s header line is longer than \(maxRecord) bytes (--max-record-bytes): is this a CSV file?",
                        at: SourceLocation(file: source.name, line: record.line))
                }
                let fields = (0..<record.count).map { record.string($0).lowercased() }
                if let first = firstHeader {
                    guard fields == first.fields else { throw Self.headerMismatch(source.name, fields, first) }
                    if afterHeader != nil { return afterHeader }
                }
                if firstHeader == nil { firstHeader = (source.name, fields) }
                let resolved = HeaderColumns(record: record, kind: kind, mapping: fileMapping, fileName: source.name)
                context.headerCount = record.count
                if let optOuts, !optOuts.isEmpty, kind != .optOuts, kind.columns.contains(where: { $0.name == "nhs_number" }) {
                    context.optOutGate = (optOuts, resolved.index("nhs_number"))
                }
                try resolved.checkRequired()
                afterHeader = records(try prepare(resolved), resolved)
                return afterHeader
            }
            stats.bytes += bytes
            if let finish {
                let all = finish()
                stats.unregistered += all - unregisteredSoFar
                unregisteredSoFar = all
            }
            if whole {
                stats.sha256 = sha256
            } else {
                var own = FileStats(kind: kind, fileName: source.name)
                own.present = true
                own.sha256 = sha256
                own.bytes = stats.bytes - before.bytes
                own.read = stats.read - before.read
                own.accepted = stats.accepted - before.accepted
                own.rejected = stats.rejected - before.rejected
                own.unregistered = stats.unregistered - before.unregistered
                own.warnings = stats.warnings - before.warnings
                own.optedOut = stats.optedOut - before.optedOut
                stats.parts.append(own)
            }
        }
        if !whole && partRange == nil { stats.sha256 = FileStats.combinedDigest(stats.parts) }
        self.stats[kind] = stats
    }

    /// Reads one part into the parser: its first record goes to `header`, which checks it and
    /// returns what takes the records after it; the rest go there. `progress` hears the bytes
    /// read so far (as delivered: compressed for a gzip file) and the part's size after each
    /// chunk. Returns the part's SHA-256 (empty for the second half of a file cut in two, whose
    /// digest is the first half's) and its bytes as delivered.
    private func readPart(
        _ source: ExtractDelivery.Part, of delivery: ExtractDelivery, kind: ExtractKind, delimiter: UInt8, headerLine: [UInt8]?,
        progress: (Int, Int) -> Void,
        header: @escaping (borrowing CSVRecord) throws(ConfigurationError) -> ((borrowing CSVRecord) -> Void)?
    ) throws(ConfigurationError) -> (sha256: String, bytes: Int) {
        let fd = open(source.path, O_RDONLY)
        guard fd >= 0 else { throw ConfigurationError("cannot open \(source.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        var fileSize = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        let digest: FileDigest?
        if delivery.parts.count == 1 {
            digest = (part?.start ?? 0) == 0 ? (startedDigests[kind] ?? FileDigest(path: source.path, bufferBytes: chunkBytes)) : nil
        } else {
            digest = FileDigest(path: source.path, bufferBytes: chunkBytes)
        }
        var headerSeen = false
        var headerError: ConfigurationError?
        var records: ((borrowing CSVRecord) -> Void)?
        let parser = CSVStreamParser(delimiter: delimiter, maxRecordBytes: maxRecordBytes) { record in
            if headerSeen {
                // The records after the header in the chunk that held it; the parser is then
                // handed `records` for the rest.
                records?(record)
                return
            }
            headerSeen = true
            do throws(ConfigurationError) {
                records = try header(record)
            } catch {
                headerError = error
            }
        }
        var handedOver = false
        func handOver() {
            guard !handedOver, headerSeen, let records else { return }
            parser.handRecords(to: records)
            handedOver = true
        }
        // A gzip file is inflated on another thread, a few buffers ahead of the parsing.
        let gzip = source.gzip ? GzipReadAhead(try GzipInput(fd: fd, name: source.name), size: chunkBytes) : nil
        defer { gzip?.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { buffer.deallocate() }
        var remaining = Int.max
        var bytes = 0
        // A headerless part's own bytes may open with a byte-order mark, which the parser (a
        // mark only at the start of its input, here the header file's line) would read as data.
        var atPartStart = false
        var firstChunk = true
        func feed(_ chunk: UnsafeRawBufferPointer) throws(ConfigurationError) {
            if firstChunk {
                firstChunk = false
                if Self.endsLinesWithBareCR(chunk) { throw Self.bareCR(source.name) }
            }
            if atPartStart {
                atPartStart = false
                if chunk.count >= 3 && chunk[0] == 0xEF && chunk[1] == 0xBB && chunk[2] == 0xBF {
                    parser.feed(UnsafeRawBufferPointer(rebasing: chunk[3...]))
                    return
                }
            }
            parser.feed(chunk)
        }
        if let headerLine {
            // The header file's line, then the part's own lines from line 1.
            headerLine.withUnsafeBytes { parser.feed($0) }
            parser.setLine(1)
            atPartStart = true
        }
        if let part {
            if part.start > 0 {
                // The header first, then the records from the cut, numbered from its line.
                part.header.withUnsafeBytes { parser.feed($0) }
                parser.setLine(part.firstLine)
                guard lseek(fd, off_t(part.start), SEEK_SET) == off_t(part.start) else {
                    throw ConfigurationError("cannot read \(source.path): \(String(cString: strerror(errno)))")
                }
            }
            remaining = part.end - part.start
            fileSize = remaining
        }
        while remaining > 0 {
            if let gzip {
                guard let chunk = try gzip.read() else { break }
                bytes = gzip.compressedBytes
                try feed(chunk)
                handOver()
                progress(bytes, fileSize)
                if let headerError { throw headerError }
                continue
            }
            let n = Glibc.read(fd, buffer.baseAddress, min(buffer.count, remaining))
            if n < 0 {
                if errno == EINTR { continue }
                throw ConfigurationError("cannot read \(source.path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += n
            remaining -= n
            try feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            handOver()
            progress(bytes, fileSize)
            if let headerError { throw headerError }
        }
        parser.finish()
        if let headerError { throw headerError }
        guard headerSeen else {
            throw ConfigurationError("\(source.name) has no header line", at: SourceLocation(file: source.name, line: 1))
        }
        return (digest?.wait() ?? "", bytes)
    }

    /// A part's header as the header check compares it (its fields, lower-cased), read from
    /// its first record alone; the header file's for headerless parts.
    static func headerFields(
        of source: ExtractDelivery.Part, _ file: ColumnMapping.FileMapping, in directory: String,
        maxRecordBytes: Int = CSVStreamParser.defaultMaxRecordBytes
    ) throws(ConfigurationError) -> (part: String, fields: [String]) {
        var fields: [String]?
        var tooLong = false
        let parser = CSVStreamParser(delimiter: file.delimiter, maxRecordBytes: maxRecordBytes) { record in
            guard fields == nil else { return }
            tooLong = record.tooLong
            fields = (0..<record.count).map { record.string($0).lowercased() }
        }
        if let name = file.headerFile {
            try headerLine(name, in: directory).withUnsafeBytes { parser.feed($0) }
        } else {
            let fd = open(source.path, O_RDONLY)
            guard fd >= 0 else { throw ConfigurationError("cannot open \(source.path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let gzip = source.gzip ? try GzipInput(fd: fd, name: source.name) : nil
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
            defer { buffer.deallocate() }
            var total = 0
            // Past the limit the header is told too long as soon as it ends; it need not end.
            while fields == nil && total <= maxRecordBytes + buffer.count {
                let n =
                    try gzip.map { g throws(ConfigurationError) in try g.read(into: buffer) }
                    ?? Glibc.read(fd, buffer.baseAddress, buffer.count)
                if n <= 0 { break }
                if total == 0 && endsLinesWithBareCR(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) { throw bareCR(source.name) }
                total += n
                parser.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            if fields == nil && total > maxRecordBytes { tooLong = true }
        }
        parser.finish()
        if tooLong {
            throw ConfigurationError(
                "\(source.name)'s header line is longer than \(maxRecordBytes) bytes (--max-record-bytes): is this a CSV file?",
                at: SourceLocation(file: source.name, line: 1))
        }
        return (source.name, fields ?? [])
    }

    /// Whether a line break outside quotes in a file's first chunk is a carriage return alone
    /// (an old Mac export, or such a file given a header line ending in LF): its lines are one
    /// physical line, so its rejects would all be at one line number, each with other
    /// patients' rows as its raw text. It is refused whole rather than misnumbered. A CR at the
    /// chunk's end (the chunk may cut a CRLF) is undecided.
    static func endsLinesWithBareCR(_ chunk: UnsafeRawBufferPointer) -> Bool {
        var quoted = false
        for i in 0..<chunk.count {
            switch chunk[i] {
            case 34: quoted.toggle()
            case 13 where !quoted: if i + 1 < chunk.count && chunk[i + 1] != 10 { return true }
            default: continue
            }
        }
        return false
    }

    static func bareCR(_ name: String) -> ConfigurationError {
        ConfigurationError(
            "\(name) ends its lines with a carriage return alone (an old Mac export), which casefind does not read: convert it to LF or CRLF line ends first (tr '\\r' '\\n' < old > new)",
            at: SourceLocation(file: name, line: 1))
    }

    /// The first line of a header file (`header_file:`), with its line break; at most 1 MiB.
    static func headerLine(_ name: String, in directory: String) throws(ConfigurationError) -> [UInt8] {
        let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        guard ExtractDelivery.isFile(path), let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigurationError("header file \(name) is not in \(directory)")
        }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: 1 << 20)) ?? Data())
        guard let end = bytes.firstIndex(of: 10) ?? (bytes.isEmpty ? nil : bytes.count) else {
            throw ConfigurationError("header file \(name) is empty")
        }
        return Array(bytes[..<end]) + [10]
    }

    /// A part whose header is not the first part's: the first field that differs, named.
    static func headerMismatch(_ part: String, _ fields: [String], _ first: (part: String, fields: [String])) -> ConfigurationError {
        let i =
            zip(fields, first.fields).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(fields.count, first.fields.count)
        func shown(_ f: [String]) -> String { i < f.count ? "'\(Shown.value(f[i], limit: 64))'" : "nothing" }
        if Shown.looksLikeData(fields) {
            return ConfigurationError(
                "\(part) has another header than \(first.part): its first line has \(fields.count) field(s) and looks like data (not shown); "
                    + "is its header line missing? (every part of an extract needs the same header)",
                at: SourceLocation(file: part, line: 1))
        }
        return ConfigurationError(
            "\(part) has another header than \(first.part): field \(i + 1) is \(shown(fields)), not \(shown(first.fields)) "
                + "(every part of an extract needs the same header)",
            at: SourceLocation(file: part, line: 1))
    }
}
