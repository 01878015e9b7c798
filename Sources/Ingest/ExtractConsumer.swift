/// Where the rows of an extract set go (the fact store). Each method says what became of the
/// row, which the reader counts and reports. The activity files are read on two threads at
/// once, so the methods for them must be safe to call concurrently.
public protocol ExtractConsumer: AnyObject, Sendable {
    /// About how many spine patients to expect (from the file's size), before any is added.
    func reserve(patients: Int)
    func add(_ row: CaseManagerRow) -> RowOutcome
    func add(_ row: PracticeRow) -> RowOutcome
    func add(_ row: LocalityRow) -> RowOutcome
    func add(_ row: PatientRow) -> RowOutcome
    /// Every spine row has been added; activity follows.
    func spineComplete()
    /// Prescription rows in file order, a batch at a time (so that the consumer can overlap
    /// the cache misses of rows for patients scattered over memory); returns how many of them
    /// were for patients not on the spine. A prescription row is never rejected.
    func add(_ rows: UnsafeBufferPointer<PrescriptionRow>) -> Int
    func add(_ row: EpisodeRow) -> RowOutcome
    func add(_ row: ResidenceRow) -> RowOutcome
    func add(_ row: NominationRow) -> RowOutcome
}

/// Told how reading an extract set is going (the command line's progress). Called from the
/// reading threads.
public protocol ReadingObserver: AnyObject, Sendable {
    /// After each chunk of a file: bytes read so far of the file's size, rows so far.
    func reading(_ kind: ExtractKind, bytes: Int, of total: Int, rows: Int)
    /// A file has been read (or found absent), in file order.
    func finished(_ stats: FileStats)
}
