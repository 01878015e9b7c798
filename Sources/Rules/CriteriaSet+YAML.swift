import CaseCore
import ConfigFile
import Foundation

extension CriteriaSet {
    /// The newest criteria file format this build reads.
    public static let formatVersion = 1

    /// Reads a criteria file. Any unknown key, missing field, bad code or code range, bad
    /// window or duplicate rank is a `ConfigurationError` naming the file and line, with the
    /// line shown and a caret under the problem.
    public static func load(path: String) throws(ConfigurationError) -> CriteriaSet {
        try parse(try YAMLDocument.load(path: path))
    }

    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> CriteriaSet {
        try parse(try YAMLDocument.parse(text, path: path))
    }

    /// Reads a criteria set from a parsed YAML document.
    public static func parse(_ doc: YAMLDocument) throws(ConfigurationError) -> CriteriaSet {
        let root = try doc.rootMap()
        let id = try root.string("criteria_set")
        let version = try root.int("version")
        guard version <= formatVersion, version >= 1 else {
            throw root.error(
                "criteria file format \(version) is newer than this casefind reads (\(formatVersion))", at: root.optional("version"))
        }
        let title = try root.string("title")
        let source = try root.string("source")

        let pop = try root.map("population")
        let population = Population(
            minAge: try pop.int("min_age", in: 0...130),
            deathDischargeMethods: try codes(pop, "died_discharge_methods"))
        try pop.finish()

        var missingBefore = Day(year: 1890, month: 1, day: 1)!
        if let dates = try root.optionalMap("dates") {
            if let text = try dates.optionalString("missing_before") {
                guard let d = DateFormat.iso.parse(text) else {
                    throw dates.error("missing_before must be a date YYYY-MM-DD, not '\(text)'", at: dates.optional("missing_before"))
                }
                missingBefore = d
            }
            try dates.finish()
        }

        let adm = try root.map("admissions")
        let regular = try adm.map("not_admissions")
        let classifications = try codes(regular, "patient_classifications")
        try regular.finish()
        let transfers = try adm.map("transfers")
        let spells = SpellRules(
            regularAttenderClassifications: classifications,
            transferMethods: try codes(transfers, "admission_methods"),
            transferSources: try codes(transfers, "admission_sources"),
            transferMaxGapDays: try transfers.int("max_gap_days", in: 0...365))
        try transfers.finish()
        try adm.finish()

        var caseloadLimits = 50...80
        var reservePercent = 10
        if let capacity = try root.optionalMap("capacity") {
            reservePercent = try capacity.optionalInt("reserve_percent", in: 0...100) ?? 10
            if let limits = try capacity.optionalStrings("caseload_limits") {
                guard limits.count == 2, let lo = Int(limits[0].0), let hi = Int(limits[1].0), lo >= 1, lo <= hi, hi <= 10_000 else {
                    throw capacity.error(
                        "caseload_limits must be two whole numbers [lowest, highest], from 1 to 10000",
                        at: capacity.optional("caseload_limits"))
                }
                caseloadLimits = lo...hi
            }
            try capacity.finish()
        }

        var optOuts: OptOutPolicy?
        if let text = try root.optionalString("opt_outs") {
            guard let policy = OptOutPolicy(parsing: text) else {
                throw root.error("opt_outs must be type1,ndoo, type1, ndoo or none, not '\(text)'", at: root.optional("opt_outs"))
            }
            optOuts = policy
        }

        var risk: RiskSettings?
        if let r = try root.optionalMap("risk") {
            let table = try r.string("table")
            let base = FilePath.folder(of: doc.path)
            let path = table.hasPrefix("/") || base.isEmpty ? table : FilePath.join(base, table)
            risk = RiskSettings(tablePath: path, window: try window(r))
            try r.finish()
        }

        var criteria: [Criterion] = []
        for c in try root.maps("criteria") {
            let cid = try c.string("id")
            guard cid.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !cid.isEmpty else {
                throw c.error("criterion id '\(cid)' must be letters, digits and _ only", at: c.optional("id"))
            }
            if criteria.contains(where: { $0.id == cid }) { throw c.error("criterion id '\(cid)' is used twice", at: c.optional("id")) }
            let rank = try c.int("rank", in: 1...99)
            if criteria.contains(where: { $0.rank == rank }) { throw c.error("rank \(rank) is used twice", at: c.optional("rank")) }
            let label = try c.optionalString("label") ?? cid
            let kindName = try c.string("kind")
            guard let kindRule = CriterionKind.kinds.first(where: { $0.kindName == kindName }) else {
                let known = CriterionKind.kinds.map { $0.kindName }.joined(separator: ", ")
                throw c.error("unknown criterion kind '\(kindName)' (known: \(known))", at: c.optional("kind"))
            }
            let kind = try kindRule.parse(c)
            try c.finish()
            criteria.append(Criterion(id: cid, rank: rank, label: label, kind: kind))
        }
        guard !criteria.isEmpty else { throw root.error("a criteria set needs at least one criterion", at: root.optional("criteria")) }
        try root.finish()
        criteria.sort { $0.rank < $1.rank }
        return CriteriaSet(
            id: id, title: title, source: source, population: population, missingBefore: missingBefore, spells: spells,
            criteria: criteria, caseloadLimits: caseloadLimits, reservePercent: reservePercent, risk: risk, optOuts: optOuts)
    }

    /// The HES codes listed under `key` (the kinds' parsers use it too).
    static func codes(_ map: YAMLMap, _ key: String) throws(ConfigurationError) -> Set<ShortCode> {
        var out: Set<ShortCode> = []
        for (text, node) in try map.strings(key) {
            guard let code = ShortCode(text) else { throw map.error("'\(text)' is not a HES code (1 to 4 characters)", at: node) }
            out.insert(code)
        }
        return out
    }

    /// The code pattern under `key` (the kinds' parsers use it too).
    static func pattern(_ map: YAMLMap, _ key: String) throws(ConfigurationError) -> CodePattern {
        let text = try map.string(key)
        switch CodePattern.parse(text) {
        case .success(let p): return p
        case .failure(let e): throw map.error(e.description, at: map.optional(key))
        }
    }

    /// The longest window a criteria file may give: 100 years, so that no date arithmetic on it
    /// can leave the calendar (a window longer than a life looks back to before anyone's birth).
    static let longestWindow = (years: 100, months: 1_200, days: 36_525)

    /// `window: 12 months` or `window: 84 days` (the kinds' parsers use it too), at most
    /// `longestWindow`.
    static func window(_ map: YAMLMap) throws(ConfigurationError) -> Window {
        let text = try map.string("window")
        let parts = text.split(separator: " ")
        if parts.count == 2, let n = Int(parts[0]), n > 0 {
            let longest = longestWindow
            let window: (Window, Bool)? =
                switch parts[1] {
                case "months", "month": (.months(n), n <= longest.months)
                case "days", "day": (.days(n), n <= longest.days)
                case "years", "year": (.months(12 * min(n, longest.years + 1)), n <= longest.years)
                default: nil
                }
            if let (w, inRange) = window {
                guard inRange else {
                    throw map.error(
                        "window must be at most \(longest.years) years (\(longest.months) months, \(longest.days) days), not '\(text)'",
                        at: map.optional("window"))
                }
                return w
            }
        }
        throw map.error("window must be a number and a unit, like '12 months' or '84 days', not '\(text)'", at: map.optional("window"))
    }
}
