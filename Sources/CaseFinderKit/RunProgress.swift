import Ingest

/// Where a long run reports how it is going (the command line draws it on stderr). Never given
/// an NHS number. Called from the reading threads.
public protocol RunProgress: ReadingObserver {
    /// A finished step, in a line of its own.
    func say(_ line: String)
    /// Something the user must hear even when progress is not wanted (`--quiet`): an input
    /// that is not read, for one.
    func warn(_ line: String)
}
