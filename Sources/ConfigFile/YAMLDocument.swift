import CaseCore
import Foundation
import Yams

/// A YAML configuration file (criteria set, column mapping) read with the position of every
/// node, so that any error names the file and 1-based line and shows the line with a caret.
public struct YAMLDocument {
    /// The path as the user gave it, used in messages.
    public let path: String
    /// The file's text.
    public let text: String
    /// The document's top node.
    public let root: Node

    /// Reads and parses `path`. A missing file, invalid UTF-8 or a YAML syntax error is a
    /// `ConfigurationError` naming the file (and line, when YAML reports one).
    public static func load(path: String) throws(ConfigurationError) -> YAMLDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read '\(path)'", at: SourceLocation(file: path, line: 0))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("'\(path)' is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses YAML text; `path` is used in messages only.
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> YAMLDocument {
        do {
            // UTF-8 named, not Yams's default, which reads the environment on every parse and
            // prints to standard output when YAMS_DEFAULT_ENCODING is set.
            guard let node = try Yams.compose(yaml: text, .default, .default, .utf8) else {
                throw ConfigurationError("'\(path)' is empty", at: SourceLocation(file: path, line: 1))
            }
            return YAMLDocument(path: path, text: text, root: node)
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            var line = 0
            if case .parser(_, _, let mark, _) = error { line = mark.line }
            if case .scanner(_, _, let mark, _) = error { line = mark.line }
            throw ConfigurationError("YAML syntax: \(error)", at: SourceLocation(file: path, line: line))
        } catch {
            throw ConfigurationError("YAML syntax: \(error)", at: SourceLocation(file: path, line: 0))
        }
    }

    /// An error at `node`: `file:line: error: message`, then the line and a caret under the column.
    public func error(_ message: String, at node: Node?) -> ConfigurationError {
        guard let mark = node?.mark else {
            return ConfigurationError(message, at: SourceLocation(file: path, line: 0))
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var rendered = message
        if mark.line >= 1 && mark.line <= lines.count {
            let source = lines[mark.line - 1]
            let gutter = String(mark.line)
            let pad = String(repeating: " ", count: gutter.count)
            rendered +=
                "\n \(pad) |\n \(gutter) | \(source)\n \(pad) | "
                + String(repeating: " ", count: max(0, mark.column - 1)) + "^"
        }
        return ConfigurationError(rendered, at: SourceLocation(file: path, line: mark.line))
    }

    /// The top node as a mapping.
    public func rootMap() throws(ConfigurationError) -> YAMLMap {
        try YAMLMap(root, in: self, what: "the file")
    }
}

/// A YAML mapping read key by key. Keys read are remembered, so `finish()` can refuse any
/// unknown key with its line: a misspelt option is an error, never silently ignored.
public final class YAMLMap {
    public let document: YAMLDocument
    public let node: Node
    let what: String
    private var pairs: [(key: String, keyNode: Node, value: Node)] = []
    private var used: Set<String> = []

    public init(_ node: Node, in document: YAMLDocument, what: String) throws(ConfigurationError) {
        self.document = document
        self.node = node
        self.what = what
        guard case .mapping(let mapping) = node else {
            throw document.error("\(what) must be a mapping of keys to values", at: node)
        }
        for (k, v) in mapping {
            guard let key = k.string else { throw document.error("keys must be text", at: k) }
            if pairs.contains(where: { $0.key == key }) {
                throw document.error("key '\(key)' appears twice in \(what)", at: k)
            }
            pairs.append((key, k, v))
        }
    }

    /// The keys in file order.
    public var keys: [String] { pairs.map(\.key) }

    public func optional(_ key: String) -> Node? {
        used.insert(key)
        return pairs.first(where: { $0.key == key })?.value
    }

    public func required(_ key: String) throws(ConfigurationError) -> Node {
        guard let v = optional(key) else {
            throw document.error("\(what) is missing the required key '\(key)'", at: node)
        }
        return v
    }

    public func string(_ key: String) throws(ConfigurationError) -> String {
        try scalarString(try required(key), key: key)
    }

    public func optionalString(_ key: String) throws(ConfigurationError) -> String? {
        guard let n = optional(key) else { return nil }
        return try scalarString(n, key: key)
    }

    public func int(_ key: String, in range: ClosedRange<Int>? = nil) throws(ConfigurationError) -> Int {
        try intValue(try required(key), key: key, in: range)
    }

    public func optionalInt(_ key: String, in range: ClosedRange<Int>? = nil) throws(ConfigurationError) -> Int? {
        guard let n = optional(key) else { return nil }
        return try intValue(n, key: key, in: range)
    }

    public func optionalBool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let n = optional(key) else { return nil }
        guard case .scalar = n, let b = n.bool else {
            throw document.error("'\(key)' must be true or false", at: n)
        }
        return b
    }

    /// A list of text values; a single scalar is read as a list of one.
    public func strings(_ key: String) throws(ConfigurationError) -> [(String, Node)] {
        try stringList(try required(key), key: key)
    }

    public func optionalStrings(_ key: String) throws(ConfigurationError) -> [(String, Node)]? {
        guard let n = optional(key) else { return nil }
        return try stringList(n, key: key)
    }

    public func map(_ key: String) throws(ConfigurationError) -> YAMLMap {
        try YAMLMap(try required(key), in: document, what: "'\(key)'")
    }

    public func optionalMap(_ key: String) throws(ConfigurationError) -> YAMLMap? {
        guard let n = optional(key) else { return nil }
        return try YAMLMap(n, in: document, what: "'\(key)'")
    }

    /// A list of mappings.
    public func maps(_ key: String) throws(ConfigurationError) -> [YAMLMap] {
        let n = try required(key)
        guard case .sequence(let seq) = n else { throw document.error("'\(key)' must be a list", at: n) }
        var out: [YAMLMap] = []
        for (i, item) in seq.enumerated() {
            out.append(try YAMLMap(item, in: document, what: "item \(i + 1) of '\(key)'"))
        }
        return out
    }

    /// Refuses keys that were never asked for.
    public func finish(allowing extra: Set<String> = []) throws(ConfigurationError) {
        for p in pairs where !used.contains(p.key) && !extra.contains(p.key) {
            let known = used.sorted().joined(separator: ", ")
            throw document.error("unknown key '\(p.key)' in \(what) (known keys: \(known))", at: p.keyNode)
        }
    }

    public func error(_ message: String, at node: Node?) -> ConfigurationError {
        document.error(message, at: node ?? self.node)
    }

    private func scalarString(_ n: Node, key: String) throws(ConfigurationError) -> String {
        guard case .scalar(let s) = n else { throw document.error("'\(key)' must be a single value", at: n) }
        return s.string
    }

    private func intValue(_ n: Node, key: String, in range: ClosedRange<Int>?) throws(ConfigurationError) -> Int {
        guard case .scalar(let s) = n, let v = Int(s.string) else {
            throw document.error("'\(key)' must be a whole number", at: n)
        }
        if let range, !range.contains(v) {
            throw document.error("'\(key)' is \(v); it must be between \(range.lowerBound) and \(range.upperBound)", at: n)
        }
        return v
    }

    private func stringList(_ n: Node, key: String) throws(ConfigurationError) -> [(String, Node)] {
        switch n {
        case .scalar(let s): return [(s.string, n)]
        case .sequence(let seq):
            var out: [(String, Node)] = []
            for item in seq {
                guard case .scalar(let s) = item else {
                    throw document.error("items of '\(key)' must be single values", at: item)
                }
                out.append((s.string, item))
            }
            return out
        default:
            throw document.error("'\(key)' must be a value or a list of values", at: n)
        }
    }
}
