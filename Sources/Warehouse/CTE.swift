/// One named step of the query's `WITH` list: its comment lines, its name (with a column list
/// where the step is recursive) and its body.
struct CTE: Sendable, Equatable {
    var name: String
    /// Lines written as `-- ` comments above the step, one each.
    var comment: [String]
    var body: String
    /// Computed once where the engine would otherwise fold it into every step that reads it
    /// (`Dialect.materialized`).
    var materialized = false

    init(_ name: String, _ comment: String..., body: String, materialized: Bool = false) {
        self.init(name, comment, body: body, materialized: materialized)
    }

    init(_ name: String, _ comment: [String], body: String, materialized: Bool = false) {
        self.name = name
        self.comment = comment
        self.body = body
        self.materialized = materialized
    }
}
