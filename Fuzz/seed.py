#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets into <out>/<target>/ (default .build-fuzz/corpus).

Sources: Tests/Fixtures, config/ (rules, playbooks, firebreak.yaml), ../shared/testdata (the Firehose events of
aws-sam-cli, the VPC User Guide's flow-log examples, SigmaHQ's CloudTrail rules, the AWS CloudFormation sample
templates) and a few requests written here. Each seed file is named by the hash of its bytes, so running this
again only adds what is missing; the fuzzer's own finds in the same folders are kept.
"""
import base64, gzip, hashlib, json, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "testdata"))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, ".build-fuzz", "corpus")
MAX_SEED = 1 << 20

counts = {}


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX_SEED:
        return
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "seed-" + hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
    counts[target] = counts.get(target, 0) + 1


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def files(folder, suffixes):
    for base, _, names in sorted(os.walk(folder)):
        for name in sorted(names):
            if name.endswith(suffixes):
                yield os.path.join(base, name)


def need(path):
    if not os.path.exists(path):
        sys.exit(f"seed.py: {path} is missing (see ../shared/testdata/README.md)")
    return path


# --- Firehose bodies, their records (gzip), and the CloudWatch Logs messages inside -----------------------
bodies = [read(need(os.path.join(ROOT, "Tests/Fixtures/firehose/delivery.json"))),
          read(need(os.path.join(SHARED, "firehose/aws-sam-cli/derived_firehose_http_request.json")))]
sam = os.path.join(SHARED, "firehose/aws-sam-cli")
records = []
for body in bodies:
    add("firehose-body", body)
    records += [base64.b64decode(r["data"]) for r in json.loads(body)["records"]]
records += [base64.b64decode(r["data"]) for r in json.loads(read(os.path.join(sam, "KinesisFirehoseCloudwatchLogsProcessor.json")))["records"]]
records.append(base64.b64decode(json.loads(read(os.path.join(sam, "CloudwatchLogs.json")))["awslogs"]["data"]))
messages = []
for record in records:
    add("gzip", record)
    add("cwl", record)
    plain = gzip.decompress(record) if record[:2] == b"\x1f\x8b" else record
    add("cwl", plain)
    messages.append(plain)

flow_lines = []
for message in messages:
    document = json.loads(message)
    for event in document.get("logEvents", []):
        text = event["message"]
        if re.match(r"^2 \S+ \S+ ", text):
            flow_lines.append(text)
        elif text.startswith("{"):
            add("cloudtrail", text)

# --- VPC flow-log lines, default and custom formats --------------------------------------------------------
known = re.findall(r'^\s*case (`?\w+`?)(?: = "([^"]+)")?', read(os.path.join(ROOT, "Sources/FirebreakLogs/FlowLogs/FlowLogField.swift"), "r"), re.M)
fields = [raw or name.strip("`") for name, raw in known]
examples = json.loads(read(need(os.path.join(SHARED, "vpcflow/aws-vpc-user-guide/flow-logs-records-examples.extracted.json"))))
for example in examples["examples"]:
    format_text = example["format"]
    if format_text.startswith("default v2:"):
        flow_lines += example["records"]
        continue
    names = format_text.split()
    if not 1 <= len(names) <= 32 or any(n not in fields for n in names):
        continue
    prefix = bytes([len(names) - 1] + [fields.index(n) for n in names])
    for line in example["records"]:
        add("flow-line-custom", prefix + line.encode())
    # The same lines as an S3 flow-log file (header line first) and as a Firehose record.
    add("cwl", "\n".join([" ".join(names)] + example["records"]) + "\n")
for line in flow_lines:
    add("flow-line", line)
    add("flow-line-custom", bytes([13] + list(range(14))) + line.encode())
add("cwl", "\n".join(flow_lines) + "\n")

# ALB access log entries: the elb pack's test events (written from the ELB user guide's example entries).
alb_lines = []
for path in files(os.path.join(ROOT, "config", "rules", "elb"), (".tests.yaml",)):
    for match in re.finditer(r"elb: '((?:[^']|'')*)'", read(path, "r")):
        alb_lines.append(match.group(1).replace("''", "'"))
for line in alb_lines[:40]:
    add("alb-line", line)
add("cwl", "\n".join(alb_lines[:40] + flow_lines[:3]) + "\n")

# S3 server access log lines and CloudFront standard log files: records shaped after the example logs of the S3 user
# guide ("Amazon S3 server access log format") and the CloudFront developer guide ("Standard log file fields"), and
# the s3/ and cloudfront/ packs' test events.
owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
s3_lines = [
    f'{owner} amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 {owner} 3E57427F3EXAMPLE REST.GET.VERSIONING - '
    '"GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - '
    's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 '
    'AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes',
    f'{owner} amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 {owner} A1206F460EXAMPLE REST.GET.BUCKETPOLICY - '
    '"GET /amzn-s3-demo-bucket1?policy HTTP/1.1" 404 NoSuchBucketPolicy 297 - 38 - "-" "S3Console/0.4" -',
    f'{owner} amzn-s3-demo-bucket1 [06/Feb/2019:00:01:57 +0000] 192.0.2.3 - DD6CC733AEXAMPLE REST.GET.OBJECT s3-dg.pdf '
    '"GET /amzn-s3-demo-bucket1/s3-dg.pdf HTTP/1.1" 403 AccessDenied 243 - 28 - "-" "curl/8.5.0" - '
    '10S62Zv81kBW7BB6SX4XJ48o6kpcl6LPwEoizZQQxJd5qDSCTLX0TgS37kYUBKQW3+bPdrg1234= - - - amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com - - - us-east-1',
]
cloudfront_fields = ("date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) "
                     "cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol "
                     "cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type "
                     "cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
                     "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end")
cloudfront_lines = [
    "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\t"
    "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\t"
    "d111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t"
    "11040\t0.001\tHit\ttext/html\t78\t-\t-",
    "2019-12-13\t22:36:27\tSEA19-C1\t900\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/favicon.ico\t502\t"
    "http://www.example.com/\tcurl/7.55.1\t-\t-\tError\t1pkpNfBQ39sYMnjjUQjmH2w1wdJnbHYTbag21o_3OfcQgPzdL2RSSQ==\t"
    "www.example.com\thttp\t675\t0.102\t-\t-\t-\tError\tHTTP/1.1\t-\t-\t25260\t0.102\tOriginDnsError\ttext/html\t507\t-\t-\t",
]
for path in files(os.path.join(ROOT, "config", "rules", "s3access"), (".tests.yaml",)):
    for match in re.finditer(r"^ *(?:- )?s3: '((?:[^']|'')*)'", read(path, "r"), re.M):
        s3_lines.append(match.group(1).replace("''", "'"))
for path in files(os.path.join(ROOT, "config", "rules", "cloudfront"), (".tests.yaml",)):
    for match in re.finditer(r'^ *(?:- )?cloudfront: "((?:[^"\\]|\\.)*)"', read(path, "r"), re.M):
        cloudfront_lines.append(match.group(1).encode().decode("unicode_escape"))
for line in s3_lines[:40]:
    add("s3access-line", line)
add("s3access-line", json.dumps({"schema_version_id": "V_1_0", "bucket_arn": "arn:aws:s3:::amzn-s3-demo-bucket1",
                                 "bucket_name": "amzn-s3-demo-bucket1", "request_time": "2019-02-06T00:00:38.000Z",
                                 "bucket_owner_id": owner, "remote_ip": "192.0.2.3", "requester": None,
                                 "request_id": "3E57427F3EXAMPLE", "operation": "REST.GET.BUCKET", "key_name": None,
                                 "request_uri": "GET /amzn-s3-demo-bucket1 HTTP/1.1", "http_status": 200}))
header = "#Version: 1.0\n#Fields: " + cloudfront_fields + "\n"
add("cloudfront-log", header + "\n".join(cloudfront_lines[:40]) + "\n")
add("cloudfront-log", "\n".join(cloudfront_lines[:3]) + "\n")
add("cloudfront-log", "#Version: 1.0\n#Fields: date time c-ip sc-status x-edge-location\n2019-12-04\t21:02:31\t192.0.2.1\t404\tLAX1\n")
add("cloudfront-log", json.dumps({"date": "2019-12-04", "time": "21:02:31", "x-edge-location": "LAX1", "c-ip": "192.0.2.100",
                                  "cs-method": "GET", "cs(Host)": "d111111abcdef8.cloudfront.net", "cs-uri-stem": "/.env",
                                  "sc-status": 404, "DistributionId": "EMLARXS9EXAMPLE"}))
add("cwl", "\n".join(s3_lines[:20] + cloudfront_lines[:3]) + "\n")
add("gzip", gzip.compress((header + "\n".join(cloudfront_lines[:3]) + "\n").encode(), mtime=0))
add("gzip", gzip.compress(("\n".join(flow_lines) + "\n").encode(), mtime=0))
add("firehose-body", json.dumps({"requestId": "fuzz-1", "timestamp": 1700000000000,
                                 "records": [{"data": base64.b64encode(l.encode()).decode()} for l in flow_lines[:3]]}))

# --- CloudTrail documents ------------------------------------------------------------------------------------
trail = {"eventVersion": "1.08", "eventTime": "2026-01-01T10:05:00Z", "eventSource": "ec2.amazonaws.com",
         "eventName": "AuthorizeSecurityGroupIngress", "awsRegion": "eu-west-1", "sourceIPAddress": "198.51.100.7",
         "userAgent": "aws-cli/2", "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/a",
                                                    "accountId": "111122223333"},
         "requestParameters": {"groupId": "sg-1", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22,
                               "toPort": 22, "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}},
         "responseElements": None, "readOnly": False, "eventID": "e1", "eventType": "AwsApiCall",
         "recipientAccountId": "111122223333"}
add("cloudtrail", json.dumps({"Records": [trail, {"eventVersion": "1.08", "eventName": "ConsoleLogin",
                                                   "eventSource": "signin.amazonaws.com"}]}))
add("cloudtrail", json.dumps({"version": "0", "detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2",
                              "detail": trail}))
add("cloudtrail", json.dumps(trail, indent=1))
add("cloudtrail", '{"a":[1,-2.5e+3,true,false,null,"\\u00e9\\ud83d\\ude00\\n"],"b":{"c":{}},"d":[]}')
for document in messages:
    add("cloudtrail", document)
# The CloudTrail events of the rules' test files (YAML), as JSON.
try:
    import yaml
except ImportError:
    yaml = None
if yaml is not None:
    for path in files(os.path.join(ROOT, "config/rules/cloudtrail"), (".tests.yaml",)):
        suite = yaml.safe_load(read(path, "r")) or {}
        for case in (suite.get("match") or []) + (suite.get("nomatch") or []):
            if isinstance(case, dict) and isinstance(case.get("cloudtrail"), dict):
                add("cloudtrail", json.dumps(case["cloudtrail"], default=str))

# The Route 53 and GuardDuty events of the rules' test files (YAML), as JSON, for the aws-json target.
if yaml is not None:
    for folder, key in (("route53", "route53"), ("guardduty", "guardduty")):
        for path in files(os.path.join(ROOT, "config/rules", folder), (".tests.yaml",)):
            suite = yaml.safe_load(read(path, "r")) or {}
            for case in (suite.get("match") or []) + (suite.get("nomatch") or []):
                events = case.get("events") if isinstance(case, dict) and case.get("events") else [case]
                for event in events[:3]:
                    if isinstance(event, dict) and isinstance(event.get(key), dict):
                        add("aws-json", json.dumps(event[key], default=str))
add("aws-json", json.dumps({"query_name": "a.example.", "query_type": "A", "query_timestamp": "2026-12-01T10:00:00Z",
                            "srcids": {"resolver_endpoint": "rslvr-in-1"}}))
add("aws-json", '{"detail-type":"GuardDuty Finding","detail":{"type":"x","resource":{"s3BucketDetails":[]}}}')

# --- Sigma rules -----------------------------------------------------------------------------------------------
for path in list(files(os.path.join(ROOT, "config/rules"), (".yml",))) + \
        list(files(need(os.path.join(SHARED, "sigma/sigmahq/rules/cloud/aws/cloudtrail")), (".yml", ".yaml"))):
    add("sigma", read(path))

# --- CloudFormation templates ----------------------------------------------------------------------------------
for path in files(need(os.path.join(SHARED, "cfn/aws-cloudformation-templates")), (".json",)):
    add("template-json", read(path))
for path in files(os.path.join(SHARED, "cfn/aws-cloudformation-templates"), (".yaml", ".yml", ".template")):
    add("template-yaml", read(path))

# --- Playbooks and configuration ------------------------------------------------------------------------------
add("playbook", read(need(os.path.join(ROOT, "config/playbooks.yaml"))))
add("playbook", "protected:\n  tags: {\"k\": \"v\"}\n  ids: [i-1]\nblast_radius:\n  max_destructive: 2\n  window: 90s\n"
                "idempotency_window: 2h\nplaybooks:\n  - name: p\n    match: {rules: [r1], tags: [attack.t1071], level: high,"
                " logsource: vpcflowlogs}\n    scope: {accounts: ['1'], tags: {Env: prod}, exclude: {vpcs: [vpc-1]}}\n"
                "    steps:\n      - tag: {key: a, value: \"{finding_id}\"}\n      - snapshot: {description: d}\n"
                "      - isolate: {security_group: sg-1}\n      - stop\n      - alert: {subject: s}\n"
                "  - name: f\n    fallback: true\n    steps: [alert]\n")
config = read(need(os.path.join(ROOT, "config/firebreak.yaml")), "r")
add("config", config)
add("config", "server:\n  listen: \"127.0.0.1:8080, [::1]:8443\"\n  max_body_bytes: 1048576\n"
              "decode:\n  flow_log_formats:\n    - log_group_prefix: /vpc/custom\n"
              "      format: \"${version} ${srcaddr} ${dstaddr} ${action}\"\n"
              "network:\n  internal_cidrs: 10.0.0.0/8, fd00::/8\nintel:\n  lists: [tor=/tmp/tor.txt]\nmode: dry-run\n")

# --- HTTP requests (as a client sends them on one connection) --------------------------------------------------
delivery = bodies[0]
head = ("POST /firehose HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
        "X-Amz-Firehose-Request-Id: 7e0c4c5a\r\nX-Amz-Firehose-Access-Key: firebreak-dev-key\r\n")
add("http", head.encode() + b"Content-Length: %d\r\n\r\n" % len(delivery) + delivery)
add("http", head.encode() + b"Transfer-Encoding: chunked\r\n\r\n" + b"%x;ext=1\r\n" % len(delivery) + delivery
    + b"\r\n0\r\nX-Trailer: t\r\n\r\n")
add("http", b"GET /health HTTP/1.1\r\nHost: a\r\n\r\nGET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
add("http", b"POST /firehose HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5, 5\r\n\r\nhello")
add("http", b"\r\nPOST http://a/firehose?q HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n{}")
add("http", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n1 ; a=b\r\nd\r\n0\r\n\r\n"
            b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")

for target in sorted(counts):
    print(f"seed.py: {counts[target]:4d} seeds for {target}")
