import ArgumentParser
import FirebreakServer
import FirebreakTemplates
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check CloudFormation templates for known-bad settings before they are deployed.",
        discussion: """
            Reads templates (JSON or YAML, short-form tags included) from files, folders (searched recursively for \
            .json .yaml .yml .template) or standard input (-), runs every enabled check, and reports. In a folder, \
            well-formed YAML/JSON files that are not CloudFormation (no Resources, AWSTemplateFormatVersion or \
            Transform: buildspecs, manifests, events, package.json) are skipped and counted (--verbose lists them); \
            a file named explicitly must be a template, and a malformed file is a load error either way.

            Exit status: 0 no failing findings, 1 failing findings, 2 a usage error or a template that cannot be loaded.

              firebreak check templates/
              firebreak check --format sarif --fail-on warning stack.yaml > firebreak.sarif
              firebreak check --parameter SSHLocation=10.0.0.0/8 --parameters prod.json stack.yaml
              firebreak check --list
            """)

    @Argument(help: "Template files or folders; '-' reads standard input.")
    var paths: [String] = []

    @Option(name: .long, help: "Output format: text, json, sarif or junit.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Fail (exit 1) on findings at this level or above: error or warning.")
    var failOn: FailLevel = .error

    @Option(name: .long, help: "Check configuration (enable, disable, levels, lists); default config/checks.yaml when present.")
    var config: String?

    @Option(name: .long, help: "A central exceptions file (check id, file pattern, logical id, reason).")
    var exceptions: String?

    @Option(name: .long, help: ArgumentHelp("A value for a template parameter, used instead of its Default (repeatable).",
                                            valueName: "Name=Value"))
    var parameter: [String] = []

    @Option(name: .long, help: ArgumentHelp("A parameters file: the JSON of `aws cloudformation create-stack --parameters`, a CodePipeline template configuration, or a JSON/YAML map; --parameter wins over it.",
                                            valueName: "file"))
    var parameters: String?

    @Flag(name: .long, help: "Also list the files of a folder walk skipped as not CloudFormation (text format).")
    var verbose = false

    @Flag(name: .long, help: "List the checks and exit.")
    var list = false

    enum OutputFormat: String, ExpressibleByArgument { case text, json, sarif, junit }
    enum FailLevel: String, ExpressibleByArgument { case error, warning }

    func run() throws {
        if list {
            for definition in CheckRegistry.definitions {
                let equivalents = (definition.cfnNag.map { "cfn-nag \($0)" } + definition.checkov).joined(separator: ", ")
                print("\(definition.id)\t\(definition.level.rawValue)\t\(definition.title)" + (equivalents.isEmpty ? "" : "\t(\(equivalents))"))
            }
            return
        }
        guard !paths.isEmpty else { throw ValidationError("give template files or folders, or - for standard input") }
        var checks = CheckConfiguration.default
        let configPath = config ?? (FileManager.default.fileExists(atPath: "config/checks.yaml") ? "config/checks.yaml" : nil)
        if let configPath {
            do {
                checks = try CheckConfiguration.load(path: configPath)
            } catch {
                InputFile.warn("firebreak check: \(error)")
                throw ExitCode(2)
            }
        }
        var exceptionList = ExceptionsFile.empty
        if let exceptions {
            do {
                exceptionList = try ExceptionsFile.load(path: exceptions)
            } catch {
                InputFile.warn("firebreak check: \(error)")
                throw ExitCode(2)
            }
        }
        var given: [String: String] = [:]
        do {
            if let parameters { given = try ParameterValues.load(path: parameters).values }
            for pair in parameter {
                let (name, value) = try ParameterValues.pair(pair)
                given[name] = value
            }
        } catch {
            InputFile.warn("firebreak check: \(error)")
            throw ExitCode(2)
        }
        let run = TemplateCheckRun(configuration: checks, exceptions: exceptionList, parameters: given)
        let showProgress = isatty(STDERR_FILENO) == 1
        let outcome = run.run(
            paths: paths,
            standardInput: { String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) },
            progress: { done, total, findings in
                guard showProgress, total > 20 else { return }
                FileHandle.standardError.write(Data("\r\(done)/\(total) files, \(findings) findings".utf8))
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            })
        let report = outcome.report
        let declared = outcome.declaredParameters
        for name in given.keys.sorted() where !declared.contains(name) {
            InputFile.warn("firebreak check: parameter \(name) is not declared by any checked template; its value is unused")
        }
        let level: CheckLevel = failOn == .error ? .error : .warning
        let output: String
        switch format {
        case .text: output = TextReporter.render(report, verbose: verbose)
        case .json: output = JSONReporter.render(report)
        case .sarif: output = SARIFReporter.render(report, toolVersion: "0.1.0")
        case .junit: output = JUnitReporter.render(report, failOn: level)
        }
        FileHandle.standardOutput.write(Data((output.hasSuffix("\n") ? output : output + "\n").utf8))
        let code = report.exitCode(failOn: level)
        if code != 0 { throw ExitCode(code) }
    }
}
