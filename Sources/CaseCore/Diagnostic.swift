/// Where something was read: a file and a 1-based physical line number (the header is line 1;
/// a record whose quoted field holds line breaks starts on the line of its first character).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based physical line.
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public var description: String { "\(file):\(line)" }
}

/// How bad a finding about one input row is.
public enum Severity: String, Sendable {
    /// The row was not used.
    case reject
    /// The row was used; one field was read as missing or ignored.
    case warning
}

/// One finding about an input row: collected, never thrown, and written to rejects.csv.
public struct Diagnostic: Sendable, Equatable {
    public var location: SourceLocation
    public var severity: Severity
    public var reason: String
    /// The contract column name at fault; empty for a whole-record problem.
    public var field: String
    public var value: String
    /// The raw record as read (its line breaks kept).
    public var record: String

    public init(location: SourceLocation, severity: Severity, reason: String, field: String, value: String, record: String) {
        self.location = location
        self.severity = severity
        self.reason = reason
        self.field = field
        self.value = value
        self.record = record
    }

    /// `file:line: severity: reason [field=value]`, the form printed by `validate`.
    public var rendered: String {
        var s = "\(location): \(severity.rawValue): \(reason)"
        if !field.isEmpty { s += " [\(Shown.value(field, limit: 64))=\(Shown.value(value))]" }
        return s
    }
}
