import Ingest

/// The fact store takes an extract set's rows: its `add` methods and `spineComplete` are the
/// consumer's.
extension FactStore: ExtractConsumer {}
