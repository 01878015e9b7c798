/// A case-found patient waiting for a place, with what orders it.
public struct Candidate: Sendable, Equatable {
    /// The NHS number (or person id) as written: the last tie-break, ascending.
    public var key: String
    public var locality: String
    /// 1 is the highest priority.
    public var priority: Int
    /// Risk score in tenths (higher first).
    public var riskTenths: Int
    /// Continuous stays in the criteria window (more first).
    public var admissions: Int

    public init(key: String, locality: String, priority: Int, riskTenths: Int, admissions: Int) {
        self.key = key
        self.locality = locality
        self.priority = priority
        self.riskTenths = riskTenths
        self.admissions = admissions
    }

    /// The allocation order: priority (rank 1 first), risk score (highest first), admissions
    /// (most first), then key (ascending).
    public static func precedes(_ a: Candidate, _ b: Candidate) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if a.riskTenths != b.riskTenths { return a.riskTenths > b.riskTenths }
        if a.admissions != b.admissions { return a.admissions > b.admissions }
        return a.key < b.key
    }
}
