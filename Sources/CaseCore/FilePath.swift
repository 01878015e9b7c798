/// Path arithmetic on plain strings, for paths given on the command line or in a file.
///
/// Foundation's `NSString.deletingLastPathComponent` traps on a one-character relative path
/// (`--criteria c`, `--timings t`: a crash, not an answer), so casefind does not use it on a
/// path a user gave.
public enum FilePath {
    /// The folder part of `path`: "" for a bare name, "/" for a name at the root; a trailing
    /// slash is not a component (`a/b/` is in `a`).
    public static func folder(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let i = p.lastIndex(of: "/") else { return "" }
        if i == p.startIndex { return "/" }
        return String(p[..<i])
    }

    /// The last component of `path` (a trailing slash is not a component): `c` for `a/b/c/`.
    public static func name(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let i = p.lastIndex(of: "/") else { return String(p) }
        return String(p[p.index(after: i)...])
    }

    /// `name` inside `folder` ("" is the current folder).
    public static func join(_ folder: String, _ name: String) -> String {
        if folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
