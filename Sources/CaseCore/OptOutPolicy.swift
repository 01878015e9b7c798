/// The kinds of objection to the secondary use of a patient's data.
public enum OptOutType: String, Sendable, CaseIterable, Comparable {
    /// A type 1 objection recorded at the GP practice (SNOMED 827241000000103, "dissent from
    /// secondary use of GP patient identifiable data").
    case type1
    /// The national data opt-out.
    case ndoo

    public static func < (a: OptOutType, b: OptOutType) -> Bool { a.bit < b.bit }

    /// A bit for sets of types.
    public var bit: UInt8 { self == .type1 ? 1 : 2 }
}

/// Which kinds of opt-out exclude a patient from the run: the deployment's decision, recorded
/// with every run. The default excludes both (the safe choice).
public struct OptOutPolicy: Sendable, Equatable, CustomStringConvertible {
    public var types: Set<OptOutType>

    public init(_ types: Set<OptOutType>) { self.types = types }

    public static let `default` = OptOutPolicy([.type1, .ndoo])

    /// Reads `type1,ndoo`, `type1`, `ndoo` or `none`.
    public init?(parsing text: String) {
        let words = text.lowercased().split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        }
        if words == ["none"] {
            types = []
            return
        }
        var types: Set<OptOutType> = []
        for w in words {
            guard let t = OptOutType(rawValue: w) else { return nil }
            types.insert(t)
        }
        guard !types.isEmpty else { return nil }
        self.types = types
    }

    /// `type1,ndoo`, `type1`, `ndoo` or `none`.
    public var description: String { types.isEmpty ? "none" : types.sorted().map(\.rawValue).joined(separator: ",") }

    public var excludesAny: Bool { !types.isEmpty }
}
