import CaseCore
import Foundation

/// How `casefind synth` lays out its rows. Every layout holds the same records with the same
/// values, so casefind must find the same cases in any of them.
public enum SynthLayout: String, CaseIterable, Sendable {
    /// Rows grouped and sorted by patient, fields quoted only where RFC 4180 needs it.
    case sorted
    /// The same rows, but each file's data rows (not its header) in a pseudo-random order drawn
    /// from the seed, so no file is grouped by patient.
    case shuffled
    /// Sorted, with every field of every row and header quoted and embedded quotes doubled (as
    /// R's write.csv or a "quote all" export writes them).
    case quoteAll = "quote-all"
}

/// A growing output file written in large blocks, in the options' layout, line ends and
/// byte-order mark. The generator writes each row as RFC 4180 quoted only where needed; `end()`
/// finishes it in the layout.
///
/// Shuffled files hold their rows in memory until `close()`: the file's bytes in blocks of about
/// 1 MiB and 12 bytes a row (where each row starts, and its place in the order).
final class CSVOut {
    private static let blockSize = 1 << 20
    private let handle: FileHandle
    private let layout: SynthLayout
    private let lineEnd: [UInt8]
    private let shuffleSeed: UInt64
    private var buffer: [UInt8] = []
    /// Where the row being written starts in `buffer`.
    private var rowStart = 0
    /// quote-all: the row being rewritten.
    private var scratch: [UInt8] = []
    /// shuffled: the finished blocks of rows, and each row's start, block << 32 | offset.
    private var blocks: [[UInt8]] = []
    private var starts: [UInt64] = []
    private(set) var rows = 0

    init(_ path: String, header: String, options o: SynthOptions) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        handle = h
        layout = o.layout
        lineEnd = o.crlf ? [13, 10] : [10]
        // Each file its own order: the seed mixed with the file's name (FNV-1a).
        var name: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in (path as NSString).lastPathComponent.utf8 { name = (name ^ UInt64(b)) &* 0x100_0000_01B3 }
        shuffleSeed = o.seed ^ name
        buffer.reserveCapacity(Self.blockSize + (1 << 12))
        if o.bom {
            buffer.append(contentsOf: [0xEF, 0xBB, 0xBF])
            rowStart = buffer.count
        }
        text(header)
        finishRow()
        flush()
    }

    @inline(__always) func text(_ s: String) { buffer.append(contentsOf: s.utf8) }
    @inline(__always) func comma() { buffer.append(44) }
    @inline(__always) func end() {
        finishRow()
        rows += 1
        if layout == .shuffled {
            starts.append(UInt64(blocks.count) << 32 | UInt64(rowStart))
            if buffer.count >= Self.blockSize {
                blocks.append(buffer)
                buffer = []
                buffer.reserveCapacity(Self.blockSize + (1 << 12))
            }
        } else if buffer.count >= Self.blockSize {
            flush()
        }
        rowStart = buffer.count
    }
    func int(_ v: Int, width: Int = 0) {
        var digits: [UInt8] = []
        var x = v
        repeat {
            digits.append(UInt8(48 + x % 10))
            x /= 10
        } while x > 0
        if digits.count < width { for _ in digits.count..<width { buffer.append(48) } }
        buffer.append(contentsOf: digits.reversed())
    }
    func day(_ d: Day) {
        let c = d.components
        int(c.year, width: 4)
        buffer.append(45)
        int(c.month, width: 2)
        buffer.append(45)
        int(c.day, width: 2)
    }
    func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
        rowStart = 0
    }
    func close() {
        if layout == .shuffled { writeShuffled() }
        flush()
        try? handle.close()
    }

    /// The line end, after rewriting the row with every field quoted for quote-all.
    private func finishRow() {
        if layout == .quoteAll { Self.quoteRow(&buffer, from: rowStart, scratch: &scratch) }
        buffer.append(contentsOf: lineEnd)
    }

    /// Rewrites the row from `start` to the end of `buffer` (quoted only where needed) with every
    /// field quoted: a quoted field is copied as it is, doubled quotes and line breaks included.
    /// Static, over `inout` arrays, so that each row costs one exclusive access, not one a byte.
    private static func quoteRow(_ buffer: inout [UInt8], from start: Int, scratch row: inout [UInt8]) {
        row.removeAll(keepingCapacity: true)
        row.append(contentsOf: buffer[start...])
        buffer.removeSubrange(start...)
        var i = 0
        while true {
            buffer.append(34)
            if i < row.count && row[i] == 34 {
                i += 1
                while i < row.count {
                    if row[i] == 34 {
                        if i + 1 < row.count && row[i + 1] == 34 {
                            buffer.append(34)
                            buffer.append(34)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    buffer.append(row[i])
                    i += 1
                }
            } else {
                while i < row.count && row[i] != 44 {
                    if row[i] == 34 { buffer.append(34) }
                    buffer.append(row[i])
                    i += 1
                }
            }
            buffer.append(34)
            guard i < row.count && row[i] == 44 else { break }
            buffer.append(44)
            i += 1
        }
    }

    /// Writes the rows held in memory in a Fisher-Yates order drawn from the file's seed.
    private func writeShuffled() {
        if !buffer.isEmpty { blocks.append(buffer) }
        buffer = []
        buffer.reserveCapacity(Self.blockSize + (1 << 12))
        rowStart = 0
        let n = starts.count
        var order = [UInt32](repeating: 0, count: n)
        for i in 0..<n { order[i] = UInt32(i) }
        var rng = SplitMix64(seed: shuffleSeed)
        var i = n - 1
        while i > 0 {
            order.swapAt(i, rng.below(i + 1))
            i -= 1
        }
        for k in order {
            let row = Int(k)
            let block = Int(starts[row] >> 32)
            let from = Int(starts[row] & 0xFFFF_FFFF)
            let next = row + 1 < n ? starts[row + 1] : UInt64.max
            let to = Int(next >> 32) == block ? Int(next & 0xFFFF_FFFF) : blocks[block].count
            buffer.append(contentsOf: blocks[block][from..<to])
            if buffer.count >= Self.blockSize { flush() }
        }
        blocks = []
        starts = []
    }
}
