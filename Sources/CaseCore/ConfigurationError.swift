/// An error that stops the run before anything is written: an unreadable file, a bad criteria
/// file or mapping, an invalid capacity configuration. Its description names file, line, field
/// and value so that no glue is needed to print it.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    public var location: SourceLocation?
    public var message: String

    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): error: \(message)" }
        return "error: \(message)"
    }
}
