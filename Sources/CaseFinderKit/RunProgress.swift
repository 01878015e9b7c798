import Ingest

/// Where a long run reports how it is going (the command line draws it on stderr). Never given
/// an NHS number. Called from the reading threads.
public protocol RunProgress: ReadingObserver {
    /// A finished step, in a line of its own.
    func say(_ line: String)
}
