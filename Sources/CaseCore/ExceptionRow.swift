/// A patient who is not case-found although something asked for them (a nomination of a
/// patient under the minimum age or dead).
public struct ExceptionRow: Sendable, Equatable {
    public var nhsNumber: String
    /// `under_65` (the population's minimum age) or `dead`.
    public var reason: String
    public var detail: String

    public init(nhsNumber: String, reason: String, detail: String) {
        self.nhsNumber = nhsNumber
        self.reason = reason
        self.detail = detail
    }
}
