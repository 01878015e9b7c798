/// The input files' row counts and the reasons rows were rejected.
extension ReportModel {
    /// One input file's row counts.
    public struct InputFile: Sendable, Equatable {
        public var file: String
        public var read: Int
        public var accepted: Int
        public var rejected: Int
        public var warnings: Int
        /// Rows about patients not on the register.
        public var unregistered: Int

        public init(file: String, read: Int, accepted: Int, rejected: Int, warnings: Int, unregistered: Int) {
            self.file = file
            self.read = read
            self.accepted = accepted
            self.rejected = rejected
            self.warnings = warnings
            self.unregistered = unregistered
        }
    }

    /// How many findings gave one reason.
    public struct RejectReason: Sendable, Equatable {
        public var reason: String
        public var count: Int

        public init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }
}
