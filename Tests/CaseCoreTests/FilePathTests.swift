import Testing

@testable import CaseCore

/// Paths as plain strings: Foundation's own traps on a one-character relative path.
@Suite struct FilePathTests {
    @Test(arguments: [
        ("c", ""), ("a/b.yaml", "a"), ("/c.yaml", "/"), ("a/b/", "a"), ("/", "/"), ("", ""), ("./c", "."), ("a//b", "a/"),
    ])
    func folders(path: String, folder: String) {
        #expect(FilePath.folder(of: path) == folder)
    }

    @Test func joins() {
        #expect(FilePath.join("", "x") == "x")
        #expect(FilePath.join("a", "x") == "a/x")
        #expect(FilePath.join("a/", "x") == "a/x")
        #expect(FilePath.join("/", "x") == "/x")
    }
}
