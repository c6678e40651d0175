import Foundation

/// One `firebreak check` over paths: finds the files, loads each, runs the checks, and collects a
/// `CheckReport`. A file named explicitly must be a template; a file found in a folder that is well-formed
/// YAML/JSON but not CloudFormation is skipped (`CheckReport.skipped`); an unreadable or malformed file is
/// a load error either way.
public struct TemplateCheckRun: Sendable {
    public var configuration: CheckConfiguration
    public var exceptions: ExceptionsFile
    /// Template parameter values (`--parameter`, `--parameters`).
    public var parameters: [String: String]

    public init(configuration: CheckConfiguration = .default, exceptions: ExceptionsFile = .empty,
                parameters: [String: String] = [:]) {
        self.configuration = configuration
        self.exceptions = exceptions
        self.parameters = parameters
    }

    /// What a run found.
    public struct Outcome: Sendable {
        public var report: CheckReport
        /// The parameters the checked templates declare (to warn about given values nothing uses).
        public var declaredParameters: Set<String>
    }

    /// Checks `paths` (files, folders, or `["-"]` for `standardInput`). `progress` is called after each file
    /// with (files done, files in all, findings so far).
    public func run(paths: [String], standardInput: () -> String = { "" },
                    progress: (Int, Int, Int) -> Void = { _, _, _ in }) -> Outcome {
        var declared: Set<String> = []
        var files: [String] = []
        var skipped: [String] = []
        var loadErrors: [CheckReport.LoadError] = []
        var findings: [TemplateFinding] = []
        let targets = paths == ["-"] ? [TemplateFiles.Target(path: "-", named: true)] : TemplateFiles.targets(paths: paths)
        for path in paths where path != "-" && !FileManager.default.fileExists(atPath: path) {
            loadErrors.append(CheckReport.LoadError(path: path, message: "no such file or folder"))
        }
        for (index, target) in targets.enumerated() {
            defer { progress(index + 1, targets.count, findings.count) }
            let path = target.path
            do {
                let loaded: Template?
                if path == "-" {
                    loaded = try TemplateLoader.parse(standardInput(), path: "-")
                } else if target.named {
                    loaded = try TemplateLoader.load(path: path)
                } else {
                    loaded = try TemplateLoader.loadIfTemplate(path: path)
                }
                guard let template = loaded else {
                    skipped.append(path)
                    continue
                }
                files.append(path)
                declared.formUnion(template.root["Parameters"]?.map?.keys ?? [])
                // SAM: Globals.Function is merged into each AWS::Serverless::Function before the checks.
                findings += TemplateChecker.check(template.mergingSAMGlobals(), configuration: configuration,
                                                  exceptions: exceptions, parameters: parameters)
            } catch {
                files.append(path)
                loadErrors.append(CheckReport.LoadError(path: path, message: error.message, line: error.line,
                                                        column: error.column))
            }
        }
        let report = CheckReport(files: files, loadErrors: loadErrors, findings: findings,
                                 checks: CheckRegistry.definitions, skipped: skipped)
        return Outcome(report: report, declaredParameters: declared)
    }
}
