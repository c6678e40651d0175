import FirebreakTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// CloudFormation YAML (short-form tags such as `!Sub`, `!GetAtt A.B` become `Fn::Sub`, `Fn::GetAtt: [A, B]`) and
/// plain YAML files, read by python3 with PyYAML (a dependency of cfn-lint) into JSON.
enum StackTemplate {
    static let loader = """
        import json, sys, yaml
        class Loader(yaml.SafeLoader): pass
        def tag(loader, suffix, node):
            name = "Ref" if suffix == "Ref" else ("Condition" if suffix == "Condition" else "Fn::" + suffix)
            if isinstance(node, yaml.ScalarNode):
                value = loader.construct_scalar(node)
                if suffix == "GetAtt": value = value.split(".", 1)
            elif isinstance(node, yaml.SequenceNode):
                value = loader.construct_sequence(node, deep=True)
            else:
                value = loader.construct_mapping(node, deep=True)
            return {name: value}
        Loader.add_multi_constructor("!", tag)
        with open(sys.argv[1]) as f:
            print(json.dumps(yaml.load(f, Loader=Loader)))
        """

    static func load(_ path: String) throws -> [String: Any] { try yaml(path) }

    static func yaml(_ path: String) throws -> [String: Any] {
        let result = try Tool.run("python3", ["-c", loader, path])
        guard result.status == 0 else {
            throw ChildProcess.Failure(description: "reading \(path) with python3 and PyYAML failed (exit \(result.status)): \(result.stderr)"
                               + " - run `scripts/install-deps.sh --test` (CI does)")
        }
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }
}
