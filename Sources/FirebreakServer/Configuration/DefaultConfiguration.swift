/// The embedded default configuration: a byte-for-byte copy of `config/firebreak.yaml`
/// (a test keeps the two equal; after editing the file, run `make embed-config`).
enum DefaultConfiguration {
    static let yaml = #"""
# Firebreak: the embedded default configuration.
#
# `firebreak serve` starts from this file (compiled into the binary); `--config PATH` layers a file of
# yours on top of it, and every key can then be overridden by an environment variable named
# FIREBREAK_ + the key path in upper case with "_" between the parts:
#   server.listen                 -> FIREBREAK_SERVER_LISTEN   (short form: FIREBREAK_LISTEN)
#   firehose.access_key           -> FIREBREAK_FIREHOSE_ACCESS_KEY (short form: FIREBREAK_ACCESS_KEY)
#   firehose.access_key_file      -> FIREBREAK_FIREHOSE_ACCESS_KEY_FILE (short form: FIREBREAK_ACCESS_KEY_FILE)
#   server.tls.certificate        -> FIREBREAK_SERVER_TLS_CERTIFICATE (short form: FIREBREAK_TLS_CERTIFICATE)
#   server.tls.private_key        -> FIREBREAK_SERVER_TLS_PRIVATE_KEY (short form: FIREBREAK_TLS_PRIVATE_KEY)
#   server.admin_listen           -> FIREBREAK_SERVER_ADMIN_LISTEN (short form: FIREBREAK_ADMIN_LISTEN)
#   server.admin_token            -> FIREBREAK_SERVER_ADMIN_TOKEN (short form: FIREBREAK_ADMIN_TOKEN)
#   store.dynamodb.table          -> FIREBREAK_STORE_DYNAMODB_TABLE (short form: FIREBREAK_DYNAMODB_TABLE)
# Lists in variables are comma-separated; decode.flow_log_formats takes YAML or JSON.
#
# Secrets (the Firehose access key, the admin token) belong in the environment or in a file, never in this file.

# What Firebreak may do about a finding (FIREBREAK_MODE): observe (findings and alerts only),
# dry-run (EC2 calls sent with DryRun=true, the outcome recorded) or enforce (the account is changed).
mode: observe

server:
  # Addresses to listen on, comma-separated: "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:8080".
  # The service refuses a non-loopback address unless an access key is configured.
  listen: "127.0.0.1:8080"
  max_body_bytes: 67108864          # 64 MiB, Firehose's largest buffer; larger bodies get 413
  max_header_bytes: 65536           # header section over this gets 431
  max_headers: 100                  # more header fields than this get 431
  header_timeout_seconds: 10        # a request's headers must arrive within this
  body_timeout_seconds: 60          # a request's body must arrive within this
  idle_timeout_seconds: 60          # idle keep-alive connections close after this
  write_timeout_seconds: 30         # a response write that makes no progress for this is cut
  max_connections: 1024             # near the cap the longest-idle keep-alive connections are closed for new ones
  max_connections_per_address: 256  # connections from one remote address (behind an ALB: one per ALB node)
  max_buffered_body_bytes: 268435456   # request bodies held in memory at once, all connections (256 MiB);
                                    # a request that would pass it gets 503 + Retry-After before its body is read
  min_body_bytes_per_second: 4096   # a body arriving slower than this (averaged, after 10 s) is cut with 408
  drain_seconds: 20                 # on SIGTERM: time for in-flight deliveries (keep below ECS stopTimeout)
  tls:
    # Native TLS on every listen address (for a VM; on ECS the ALB terminates TLS): set both, as PEM file
    # paths, or leave both empty for plain HTTP. The certificate file holds the server certificate first,
    # then its intermediates; the key must be unencrypted and readable only by the service's user.
    # TLS 1.2 and 1.3 only (ECDHE + AES-GCM/ChaCha20-Poly1305), ALPN http/1.1 (a client offering only h2
    # is refused), no renegotiation, no compression; the handshake must finish within header_timeout_seconds.
    # SIGHUP (systemctl reload) re-reads both files: new connections get the new certificate, open ones keep
    # theirs, and a file that fails to load is logged while the previous certificate stays in use.
    # An expired or not-yet-valid certificate, or a key that does not match it, stops the service at start.
    #   certificate: /etc/firebreak/tls/fullchain.pem   (FIREBREAK_TLS_CERTIFICATE)
    #   private_key: /etc/firebreak/tls/privkey.pem     (FIREBREAK_TLS_PRIVATE_KEY)
    certificate: ""
    private_key: ""
  # The admin listener serves GET /metrics and GET /findings (the findings hold CloudTrail events, identities
  # and addresses); the Firehose listener serves only the Firehose path and /healthz. On an address that is not
  # loopback the admin listener requires `Authorization: Bearer <token>` and the service refuses to start
  # without a token. "" turns the admin listener off.
  admin_listen: "127.0.0.1:9090"
  admin_token: ""                   # FIREBREAK_ADMIN_TOKEN; never in this file
  admin_token_file: ""              # or a file holding the token (FIREBREAK_SERVER_ADMIN_TOKEN_FILE)

firehose:
  path: /firehose
  # Accepted X-Amz-Firehose-Access-Key values. Set one with FIREBREAK_ACCESS_KEY, or list several
  # (one per line, e.g. the new and the old key during rotation) in the file named by
  # FIREBREAK_ACCESS_KEY_FILE. A value of the Secrets Manager form {"api_key": "..."} is understood.
  access_key: ""
  access_key_file: ""
  # A second accepted key from the environment (FIREBREAK_FIREHOSE_SECONDARY_ACCESS_KEY), for rotations where
  # keys arrive as variables (ECS injects Secrets Manager versions: AWSCURRENT here, AWSPENDING there).
  secondary_access_key: ""
  max_records: 10000                # records per delivery (Firehose sends at most 10,000)
  max_record_bytes: 1024000         # decoded bytes per record (Firehose's record limit)
  max_decompressed_body_bytes: 268435456   # a gzip'd body may inflate to at most this (256 MiB)
  max_decompressed_bytes: 268435456        # the body and all records of one delivery may inflate to at most
                                           # this together (256 MiB), checked while inflating; more gets 413

workers:
  count: 0                          # deliveries decoded at once; 0 = one per core
  queue_length: 8                   # deliveries waiting for a worker; beyond it the answer is 503
                                    # (each may hold up to server.max_body_bytes: size memory for it)
  retry_after_seconds: 5            # Retry-After sent with 503

decode:
  max_line_bytes: 65536             # a longer log line is reported, not parsed
  max_events_per_record: 100000
  max_record_decompressed_bytes: 67108864  # a gzip'd record may inflate to at most this
  max_compression_ratio: 1000       # above 1 MiB of output, more than this ratio is a gzip bomb
  # VPC Flow Logs in a custom format, chosen by CloudWatch Logs group name prefix:
  #   - log_group_prefix: /vpc/flow-logs/prod
  #     format: "${version} ${vpc-id} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} ${flow-direction}"
  # Lines of other groups use the default version-2 format, or the header line of an S3 flow-log file.
  flow_log_formats: []

rules:
  # Sigma rule files and folders (comma-separated), read recursively; *.tests.yaml files beside them
  # are their test events (`firebreak rules test`). Relative paths start from the working directory.
  paths: "config/rules"
  reload_check_seconds: 5           # reload when a rule or list file changes; 0 = only on SIGHUP

correlation:
  max_open_groups: 100000           # open correlation windows; beyond it the oldest is evicted (counted)

findings:
  dedup_window: 1h                  # a rule's matches on one resource (or its dedup fields) within this are one finding
  samples: 5                        # matched events kept per finding; later matches are only counted
  # Dedup settings by rule id (or name) or by tag, for rules without their own `firebreak.dedup` block:
  #   - {rule: 6769f0fa-30db-488e-bfc3-be3fd2df6c11, fields: "srcaddr", window: 10m}
  #   - {tag: attack.t1110, fields: "srcaddr,dstaddr"}
  dedup_rules: []
intel:
  # Every *.txt here is an IP/CIDR list named after the file: known_bad_ips.txt is %known_bad_ips%.
  # values.yaml here holds value lists (expected_egress_ports: [53, 80, 123, 443]).
  folder: "config/intel"
  lists: ""                         # more lists, NAME=PATH comma-separated (plain, IPsum or Spamhaus DROP)
  ipsum_min_count: 1                # IPsum entries named by fewer feeds than this are left out
  # Lists fetched over HTTPS and refreshed, written into the folder above as <name>.txt (<name>.domains for
  # format domains): {name, url, format (plain, ipsum, spamhaus-drop, feodo, domains), refresh (5m..30d, default 1h)}.
  # The service starts with what is on disk and fetches in the background; a failed fetch keeps the last good copy.
  #   - {name: ipsum, url: "https://raw.githubusercontent.com/stamparm/ipsum/master/ipsum.txt", format: ipsum, refresh: 24h}
  #   - {name: feodo_c2, url: "https://feodotracker.abuse.ch/downloads/ipblocklist.json", format: feodo, refresh: 1h}
  feeds: []

network:
  # The VPCs' own address ranges (FIREBREAK_INTERNAL_CIDRS). Version-2 flow records carry no
  # flow-direction: from inside to outside these ranges is egress, from outside to inside ingress.
  internal_cidrs: "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"

playbooks:
  path: "config/playbooks.yaml"     # responses to findings (FIREBREAK_PLAYBOOKS)

executor:
  # How long a claimed action is its executor's: past it (the task died or hangs), any executor on the same
  # store takes the action over. Longer than the slowest step (a snapshot call, an SNS publish) with its
  # retries (FIREBREAK_EXECUTOR_LEASE_SECONDS).
  lease_seconds: 300

store:
  # Where findings, planned actions and delivery ids live; a delivery is acknowledged only once its findings and
  # actions are committed there. sqlite: one file, one task (the default). dynamodb: one table shared by every
  # task behind the load balancer (README "Scaling out") (FIREBREAK_STORE_BACKEND).
  backend: sqlite
  # The SQLite file, with backend sqlite (FIREBREAK_STORE).
  path: "var/firebreak.sqlite"
  dynamodb:
    # The state table, with backend dynamodb: keys pk/sk (strings), TTL on expires_at; `firebreak store init`
    # creates it. Region and endpoint come from aws.region / AWS_REGION and AWS_ENDPOINT_URL_DYNAMODB or
    # AWS_ENDPOINT_URL (FIREBREAK_DYNAMODB_TABLE).
    table: ""
  # What the store keeps, pruned in the background in batches of at most 500 rows per transaction. Durations
  # are written like the playbooks' windows: 90m, 24h, 30d, or a number of seconds.
  retention:
    # Findings stored longer ago than this go, with their actions, once every action is done, failed or
    # skipped; a finding with a pending, running or held action stays.
    findings: 30d
    # Delivery request ids (a redelivery is answered 200 without being evaluated again). At least 2h:
    # Firehose retries a delivery for up to 2 hours. The first delivery of a kept finding stays with it.
    deliveries: 24h
  # Above 90% of this many bytes (SQLite pages in use) the oldest closed findings are pruned; at it, deliveries
  # are refused with 503 until there is room again. 0 = no limit; otherwise at least 1048576 (1 MiB).
  max_bytes: 0

alerts:
  sns_topic_arn: ""                 # where `alert` steps publish (FIREBREAK_SNS_TOPIC_ARN); empty: no alerts

aws:
  # Region of the account acted on; empty: AWS_REGION, AWS_DEFAULT_REGION or the profile's, else us-east-1.
  # Credentials come from the usual chain (environment, shared files, ECS, IMDSv2); endpoints can be
  # overridden with AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, _SNS, _CLOUDTRAIL, _DYNAMODB.
  region: ""
  # The service's own account id (scopes by account, the Security Hub product ARN); empty: asked of STS
  # (GetCallerIdentity) when first needed.
  account_id: ""
  # Member accounts: a finding about another account is acted on there with the credentials of this role,
  # assumed through STS (cached, refreshed before they expire), e.g.
  #   arn:aws:iam::{account_id}:role/FirebreakResponder   (FIREBREAK_AWS_ASSUME_ROLE_ARN)
  # {account_id} (required) is the finding's account; a finding of the service's own account uses its own
  # credentials. Empty: findings of other accounts are recorded and alerted, their steps and exports skipped
  # (docker/firebreak-member-role.yaml is the role to deploy in each member account).
  assume_role_arn: ""
  external_id: ""                   # sts:ExternalId the member roles require (FIREBREAK_AWS_EXTERNAL_ID)

export:
  # Findings at or above this level are exported (informational, low, medium, high, critical).
  min_level: medium
  securityhub:
    # Import findings into AWS Security Hub (BatchImportFindings, ASFF) in the finding's account and region
    # (FIREBREAK_EXPORT_SECURITYHUB_ENABLED). Exports go through the outbox like actions: committed before the
    # delivery is acknowledged, retried, never lost; the finding's count is updated when its window closes.
    enabled: false

metrics:
  # GET /metrics (Prometheus text) is always served on the admin listener. On ECS nothing scrapes it: with emf on,
  # the service also writes its counters and gauges to stdout as CloudWatch Embedded Metric Format lines every
  # emf_interval_seconds, and the awslogs driver turns them into CloudWatch metrics (namespace Firebreak) with no
  # agent. Counters are written as their increase since the previous line, gauges as their value, the delivery
  # duration as the interval's average and p99. The final interval is written on SIGTERM, after the drain.
  emf: false                        # FIREBREAK_METRICS_EMF
  emf_interval_seconds: 60          # 1 to 3600 (FIREBREAK_METRICS_EMF_INTERVAL_SECONDS)
  emf_service: firebreak            # the Service dimension of every metric (FIREBREAK_METRICS_EMF_SERVICE)

logging:
  level: info                       # trace, debug, info, notice, warning, error, critical
"""#
}
