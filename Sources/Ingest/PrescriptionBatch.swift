/// Prescription rows gathered as they are read and handed on a batch at a time, in file order.
///
/// Prescriptions are most of an extract set's rows, and in a file that is not sorted by
/// patient each row's patient is somewhere else in memory: handed over one at a time, every
/// row waits for its own cache misses. A batch lets the consumer start them all at once.
/// A prescription is accepted or unregistered, never rejected, so nothing the reader reports
/// depends on a row's outcome before the end of the file.
final class PrescriptionBatch {
    /// Rows per batch: enough misses in flight to fill the memory pipeline.
    static let capacity = 128

    private let body: (UnsafeBufferPointer<PrescriptionRow>) -> Int
    private let rows = UnsafeMutablePointer<PrescriptionRow>.allocate(capacity: PrescriptionBatch.capacity)
    private var count = 0
    /// Rows handed on so far that were for patients not on the spine.
    private var unregistered = 0

    init(_ body: @escaping (UnsafeBufferPointer<PrescriptionRow>) -> Int) { self.body = body }

    deinit { rows.deallocate() }

    @inline(__always) func append(_ row: PrescriptionRow) {
        (rows + count).initialize(to: row)
        count += 1
        if count == PrescriptionBatch.capacity { handOn() }
    }

    private func handOn() {
        guard count > 0 else { return }
        unregistered += body(UnsafeBufferPointer(start: rows, count: count))
        count = 0
    }

    /// Hands on the rows left and returns how many of all the rows were unregistered.
    func finish() -> Int {
        handOn()
        return unregistered
    }
}
