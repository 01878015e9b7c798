import CaseCore

/// A small set of short codes: up to three inline (no allocation, the usual case for one
/// spell), more in an array. Iterates in insertion order. 24 bytes: a spell has four.
public struct CodeSet: Sendable, Sequence, Equatable {
    private var inline: (UInt32, UInt32, UInt32) = (0, 0, 0)
    private var inlineCount: UInt8 = 0
    private var overflow: [ShortCode] = []

    public init() {}

    public init(_ codes: [ShortCode]) {
        for c in codes { insert(c) }
    }

    public var count: Int { Int(inlineCount) + overflow.count }
    public var isEmpty: Bool { count == 0 }

    func element(_ i: Int) -> ShortCode {
        switch i {
        case 0: return ShortCode(packed: inline.0)
        case 1: return ShortCode(packed: inline.1)
        case 2: return ShortCode(packed: inline.2)
        default: return overflow[i - 3]
        }
    }

    public func contains(_ code: ShortCode) -> Bool {
        for i in 0..<count where element(i) == code { return true }
        return false
    }

    public mutating func insert(_ code: ShortCode) {
        guard !contains(code) else { return }
        switch inlineCount {
        case 0: inline.0 = code.packed
        case 1: inline.1 = code.packed
        case 2: inline.2 = code.packed
        default:
            overflow.append(code)
            return
        }
        inlineCount += 1
    }

    public struct Iterator: IteratorProtocol {
        let set: CodeSet
        var i = 0
        public mutating func next() -> ShortCode? {
            guard i < set.count else { return nil }
            defer { i += 1 }
            return set.element(i)
        }
    }

    public func makeIterator() -> Iterator { Iterator(set: self) }

    public static func == (a: CodeSet, b: CodeSet) -> Bool { Array(a) == Array(b) }
}
