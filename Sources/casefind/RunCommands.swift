import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "The prevalence trawl: search, stratify, allocate, write the lists, record the run.")

    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions

    func run() throws { try output.run("run", input) }
}

struct IncidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidence",
        abstract: "For cron: list patients who newly qualify since the last recorded run and place them in the reserved capacity.")

    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions

    func run() throws { try output.run("incidence", input) }
}
