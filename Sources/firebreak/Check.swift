import ArgumentParser
import FirebreakServer
import FirebreakTemplates
import Foundation

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check CloudFormation templates for known-bad settings before they are deployed.",
        discussion: """
            Reads templates (JSON or YAML, short-form tags included) from files, folders (searched recursively for \
            .json .yaml .yml .template) or standard input (-), runs every enabled check, and reports.

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
        var declared: Set<String> = []
        var files: [String] = []
        var loadErrors: [CheckReport.LoadError] = []
        var findings: [TemplateFinding] = []
        let targets = paths == ["-"] ? ["-"] : TemplateFiles.find(paths: paths)
        for path in paths where path != "-" && !FileManager.default.fileExists(atPath: path) {
            loadErrors.append(CheckReport.LoadError(path: path, message: "no such file or folder"))
        }
        let progress = isatty(STDERR_FILENO) == 1 && targets.count > 20
        for (index, path) in targets.enumerated() {
            files.append(path)
            do {
                let template: Template
                if path == "-" {
                    let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                    template = try TemplateLoader.parse(text, path: "-")
                } else {
                    template = try TemplateLoader.load(path: path)
                }
                // SAM: Globals.Function is merged into each AWS::Serverless::Function before the checks.
                declared.formUnion(template.root["Parameters"]?.map?.keys ?? [])
                findings += TemplateChecker.check(template.mergingSAMGlobals(), configuration: checks, exceptions: exceptionList,
                                                  parameters: given)
            } catch {
                loadErrors.append(CheckReport.LoadError(path: path, message: error.message, line: error.line, column: error.column))
            }
            if progress {
                FileHandle.standardError.write(Data("\r\(index + 1)/\(targets.count) files, \(findings.count) findings".utf8))
            }
        }
        if progress { FileHandle.standardError.write(Data("\n".utf8)) }
        for name in given.keys.sorted() where !declared.contains(name) {
            InputFile.warn("firebreak check: parameter \(name) is not declared by any checked template; its value is unused")
        }
        let report = CheckReport(files: files, loadErrors: loadErrors, findings: findings, checks: CheckRegistry.definitions)
        let level: CheckLevel = failOn == .error ? .error : .warning
        let output: String
        switch format {
        case .text: output = TextReporter.render(report)
        case .json: output = JSONReporter.render(report)
        case .sarif: output = SARIFReporter.render(report, toolVersion: "0.1.0")
        case .junit: output = JUnitReporter.render(report, failOn: level)
        }
        FileHandle.standardOutput.write(Data((output.hasSuffix("\n") ? output : output + "\n").utf8))
        let code = report.exitCode(failOn: level)
        if code != 0 { throw ExitCode(code) }
    }
}
