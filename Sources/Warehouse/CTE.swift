/// One named step of the query's `WITH` list: its comment lines, its name (with a column list
/// where the step is recursive) and its body.
struct CTE: Sendable, Equatable {
    var name: String
    /// Lines written as `-- ` comments above the step, one each.
    var comment: [String]
    var body: String

    init(_ name: String, _ comment: String..., body: String) {
        self.init(name, comment, body: body)
    }

    init(_ name: String, _ comment: [String], body: String) {
        self.name = name
        self.comment = comment
        self.body = body
    }
}
