import ArgumentParser

@main
struct Firebreak: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Event-driven AWS security.")
    func run() throws {}
}
