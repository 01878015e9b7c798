import Foundation

/// `CSVSplit.halves` of a file, found on a background thread while something else is read.
final class FileCut: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: (FilePart, FilePart)?

    /// Starts at once; with no path there is no cut.
    init(path: String?, delimiter: UInt8) {
        guard let path else {
            done.signal()
            return
        }
        Thread.detachNewThread { [self] in
            result = CSVSplit.halves(path: path, delimiter: delimiter)
            done.signal()
        }
    }

    func wait() -> (FilePart, FilePart)? {
        done.wait()
        return result
    }
}
