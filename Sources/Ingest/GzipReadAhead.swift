import CaseCore
import Foundation

/// A `GzipInput` decompressed on its own thread, a few buffers ahead of the parser: inflating
/// costs about as much as parsing (zlib inflates about 200 MB/s of CSV on this machine), and a
/// compressed extract is read from its start on one thread, so the second core does the
/// inflating. The bytes and their order are the input's, whatever the threads.
final class GzipReadAhead: @unchecked Sendable {
    private let input: GzipInput
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var sizes: [Int]
    /// The input's compressed bytes read when each buffer was filled.
    private var compressedAt: [Int]
    private var failure: ConfigurationError?
    private let filled = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stopped = false
    /// The buffer the parser holds (handed back at the next call), and the next to take.
    private var held: Int?
    private var next = 0

    /// Starts inflating at once, into `count` buffers of `size` bytes.
    init(_ input: GzipInput, size: Int, count: Int = 3) {
        self.input = input
        buffers = (0..<count).map { _ in .allocate(byteCount: size, alignment: 16) }
        sizes = Array(repeating: 0, count: count)
        compressedAt = Array(repeating: 0, count: count)
        // Made at 0 and signalled up: libdispatch traps on freeing a semaphore whose value is
        // below the one it was made with, as this one's is when the reader stops early.
        free = DispatchSemaphore(value: 0)
        for _ in 0..<count { free.signal() }
        Thread.detachNewThread { [self] in produce() }
    }

    private func produce() {
        var i = 0
        while true {
            free.wait()
            if lock.withLock({ stopped }) { break }
            do throws(ConfigurationError) {
                sizes[i] = try input.read(into: buffers[i])
            } catch {
                failure = error
                sizes[i] = 0
            }
            compressedAt[i] = input.compressedBytes
            let last = sizes[i] == 0
            filled.signal()
            if last { break }
            i = (i + 1) % buffers.count
        }
        finished.signal()
    }

    /// The next decompressed bytes, valid until the next call; nil at the end. Throws what
    /// inflating found (a truncated or damaged file).
    func read() throws(ConfigurationError) -> UnsafeRawBufferPointer? {
        if held != nil { free.signal() }
        filled.wait()
        let i = next
        next = (next + 1) % buffers.count
        held = i
        if sizes[i] == 0 {
            if let failure { throw failure }
            return nil
        }
        return UnsafeRawBufferPointer(rebasing: buffers[i][0..<sizes[i]])
    }

    /// Compressed bytes read from the file by the time the buffer last returned was filled.
    var compressedBytes: Int { held.map { compressedAt[$0] } ?? 0 }

    /// Stops the inflating thread and waits for it (it may be reading the file, which the
    /// caller closes next); call once, before the input's file is closed.
    func close() {
        lock.withLock { stopped = true }
        for _ in buffers { free.signal() }
        finished.wait()
        for b in buffers { b.deallocate() }
    }
}
