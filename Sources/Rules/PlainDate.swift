import CaseCore

/// Dates as a GP writes them: "3 Feb 2026".
enum PlainDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func full(_ d: Day) -> String {
        let c = d.components
        return "\(c.day) \(months[c.month - 1]) \(c.year)"
    }

    /// Dates in order, the year written once per run of the same year: "14 Dec 2025, 3 Feb, 14 Sep 2026".
    static func list(_ days: [Day]) -> String {
        let sorted = days.sorted()
        var parts: [String] = []
        for (i, d) in sorted.enumerated() {
            let c = d.components
            let lastOfYear = i == sorted.count - 1 || sorted[i + 1].components.year != c.year
            parts.append(lastOfYear ? "\(c.day) \(months[c.month - 1]) \(c.year)" : "\(c.day) \(months[c.month - 1])")
        }
        return parts.joined(separator: ", ")
    }
}
