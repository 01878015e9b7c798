/// Problems with the state store: it cannot be opened, it is newer than this build, or another
/// run holds it (`isLocked`, exit 75).
public struct StateError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var isLocked = false
    public init(_ message: String, isLocked: Bool = false) {
        self.message = message
        self.isLocked = isLocked
    }
    public var description: String { "error: \(message)" }
}
