import FirebreakTestSupport
import Foundation
import Testing

/// The alarms and the dashboard of docker/firebreak-stack.yaml, and docker/grafana-dashboard.json: every alarm notifies
/// the alert topic, the alarms cover the conditions of the README's runbook, and both dashboards name only metrics the
/// service declares (ServiceMetrics) or the EMF contract adds, with the contract's dimensions. `firebreak check` and
/// cfn-lint on the whole template are DeploymentStackTests'.
@Suite struct StackAlarmsTests {
    static let grafanaPath = FirehoseFixture.packageRoot.appendingPathComponent("docker/grafana-dashboard.json").path

    /// One metric an alarm or a dashboard reads.
    struct MetricRef: CustomStringConvertible {
        var namespace: String
        var name: String
        var dimensions: [String: String]
        var stat: String
        var description: String { "\(namespace)/\(name) \(dimensions.sorted { $0.key < $1.key }) \(stat)" }
    }

    /// An alarm of the template, with the metrics it reads.
    struct Alarm {
        var id: String
        var properties: [String: Any]
        var metrics: [MetricRef]
    }

    static func text(_ value: Any?) -> String { DeploymentStackTests.text(value) }

    static func resources() throws -> [String: [String: Any]] {
        let template = try StackTemplate.load(DeploymentStackTests.stackPath)
        let resources = try #require(template["Resources"] as? [String: Any])
        return resources.compactMapValues { $0 as? [String: Any] }
    }

    static func alarms() throws -> [Alarm] {
        try resources().filter { $0.value["Type"] as? String == "AWS::CloudWatch::Alarm" }.sorted { $0.key < $1.key }.map { id, resource in
            let properties = try #require(resource["Properties"] as? [String: Any])
            var metrics: [MetricRef] = []
            func dimensions(_ list: Any?) -> [String: String] {
                (list as? [[String: Any]] ?? []).reduce(into: [:]) { $0[$1["Name"] as? String ?? ""] = text($1["Value"]) }
            }
            if let name = properties["MetricName"] as? String {
                metrics.append(MetricRef(namespace: properties["Namespace"] as? String ?? "", name: name,
                                         dimensions: dimensions(properties["Dimensions"]), stat: properties["Statistic"] as? String ?? ""))
            }
            for query in properties["Metrics"] as? [[String: Any]] ?? [] {
                guard let stat = query["MetricStat"] as? [String: Any], let metric = stat["Metric"] as? [String: Any] else { continue }
                metrics.append(MetricRef(namespace: metric["Namespace"] as? String ?? "", name: metric["MetricName"] as? String ?? "",
                                         dimensions: dimensions(metric["Dimensions"]), stat: stat["Stat"] as? String ?? ""))
            }
            return Alarm(id: id, properties: properties, metrics: metrics)
        }
    }

    // MARK: the alarms

    @Test func everyAlarmNotifiesTheAlertTopicOnAlarmAndOK() throws {
        let alarms = try Self.alarms()
        #expect(alarms.count >= 9, "\(alarms.map(\.id))")
        for alarm in alarms {
            for key in ["AlarmActions", "OKActions"] {
                #expect(Self.text(alarm.properties[key]) == #"[{"Ref":"AlertTopic"}]"#, "\(alarm.id) \(key): \(Self.text(alarm.properties[key]))")
            }
            #expect(alarm.properties["InsufficientDataActions"] == nil, "\(alarm.id)")
            // Chosen per alarm, never CloudWatch's default by omission.
            let missing = alarm.properties["TreatMissingData"] as? String
            #expect(["breaching", "notBreaching"].contains(missing ?? ""), "\(alarm.id): TreatMissingData \(missing ?? "unset")")
            #expect(!(alarm.properties["AlarmDescription"] as? String ?? "").isEmpty, "\(alarm.id)")
            #expect(Self.text(alarm.properties["AlarmName"]).hasPrefix(#"{"Fn::Sub":"${AWS::StackName}-"#), "\(alarm.id)")
            #expect(!alarm.metrics.isEmpty, "\(alarm.id) reads no metric")
        }
        // The topic is encrypted with the stack's key: CloudWatch may use the key, or no notification is sent.
        let resources = try Self.resources()
        let topic = try #require(resources["AlertTopic"]?["Properties"] as? [String: Any])
        #expect(Self.text(topic["KmsMasterKeyId"]) == #"{"Ref":"FirebreakKey"}"#)
        let policy = try #require((resources["FirebreakKey"]?["Properties"] as? [String: Any])?["KeyPolicy"] as? [String: Any])
        let statements = policy["Statement"] as? [[String: Any]] ?? []
        let cloudWatch = statements.filter { Self.text(($0["Principal"] as? [String: Any])?["Service"]) == "cloudwatch.amazonaws.com" }
        #expect(cloudWatch.count == 1)
        #expect(Set((cloudWatch.first?["Action"] as? [String]) ?? []) == ["kms:Decrypt", "kms:GenerateDataKey*"])
        #expect(cloudWatch.first?["Effect"] as? String == "Allow")
    }

    @Test func alarmsCoverEveryConditionOfTheRunbook() throws {
        let alarms = try Self.alarms()
        func alarm(reading namespace: String, _ name: String, where dimensions: [String: String] = [:]) -> [Alarm] {
            alarms.filter { alarm in
                alarm.metrics.contains { metric in
                    metric.namespace == namespace && metric.name == name && dimensions.allSatisfy { metric.dimensions[$0.key] == $0.value }
                }
            }
        }
        let stream = ["DeliveryStreamName": #"{"Ref":"DeliveryStream"}"#]
        let balancer = ["LoadBalancer": #"{"Fn::GetAtt":["LoadBalancer","LoadBalancerFullName"]}"#,
                        "TargetGroup": #"{"Fn::GetAtt":["TargetGroup","TargetGroupFullName"]}"#]

        // Firehose: deliveries to the endpoint failing (average success below 1; no data is failure too) ...
        let success = alarm(reading: "AWS/Firehose", "DeliveryToHttpEndpoint.Success", where: stream)
        #expect(success.count == 1)
        if let success = success.first?.properties {
            #expect(success["Statistic"] as? String == "Average" && success["ComparisonOperator"] as? String == "LessThanThreshold")
            #expect(success["Threshold"] as? Int == 1 && success["TreatMissingData"] as? String == "breaching")
        }
        // ... and records written to the backup bucket.
        let backup = alarm(reading: "AWS/Firehose", "DeliveryToS3.Records", where: stream)
        #expect(backup.count == 1 && backup.first?.metrics.first?.stat == "Sum")
        #expect(backup.first?.properties["TreatMissingData"] as? String == "notBreaching")

        // The load balancer: target 5xx and unhealthy tasks, on this stack's balancer and target group.
        #expect(alarm(reading: "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", where: balancer).count == 1)
        #expect(alarm(reading: "AWS/ApplicationELB", "UnHealthyHostCount", where: balancer).count == 1)

        // Firebreak's 503s, sustained: Sum over 5 minutes, in several periods running.
        let backpressure = alarm(reading: "Firebreak", "firebreak_deliveries_total", where: ["status": "503"])
        #expect(backpressure.count == 1)
        if let properties = backpressure.first?.properties {
            #expect(properties["Period"] as? Int == 300 && (properties["EvaluationPeriods"] as? Int ?? 0) >= 2)
            #expect((properties["DatapointsToAlarm"] as? Int ?? properties["EvaluationPeriods"] as? Int ?? 0) >= 2)
        }

        // Executor failures: every step kind's failed actions, and blast-radius holds of every destructive one.
        let steps = try MetricsContract.stepKinds()
        #expect(steps.all.count >= 11 && steps.destructive.count >= 4, "\(steps)")
        func stepsWatched(_ state: String) -> Set<String> {
            Set(alarms.flatMap(\.metrics).filter { $0.name == "firebreak_actions" && $0.dimensions["state"] == state }
                .compactMap { $0.dimensions["step"] })
        }
        #expect(stepsWatched("failed") == Set(steps.all), "failed actions not watched: \(Set(steps.all).subtracting(stepsWatched("failed")))")
        #expect(stepsWatched("held") == Set(steps.destructive), "\(stepsWatched("held")) vs \(steps.destructive)")

        // Store errors and the task's memory.
        let store = alarm(reading: "Firebreak", "firebreak_store_errors_total")
        #expect(store.count == 1 && store.first?.metrics.first?.stat == "Sum" && store.first?.properties["Threshold"] as? Int == 0)
        let memory = alarm(reading: "AWS/ECS", "MemoryUtilization",
                           where: ["ClusterName": #"{"Ref":"Cluster"}"#, "ServiceName": #"{"Fn::GetAtt":["Service","Name"]}"#])
        #expect(memory.count == 1 && memory.first?.properties["Threshold"] as? Int == 85)
    }

    @Test func alarmsReadFirebreakMetricsAsTheEMFContractWritesThem() throws {
        let contract = try MetricsContract()
        // The parser must see the declarations it is meant to see.
        #expect(contract.declared["firebreak_deliveries_total"] == .counter && contract.declared["firebreak_actions"] == .gauge
                && contract.declared["firebreak_delivery_duration_seconds"] == .histogram, "\(contract.declared)")
        #expect(Set(contract.declared.keys) == contract.names, "no declaration found for \(contract.names.subtracting(contract.declared.keys))")

        // The tasks write EMF, with the Service the alarms name.
        let resources = try Self.resources()
        let task = try #require(resources["TaskDefinition"]?["Properties"] as? [String: Any])
        let container = try #require((task["ContainerDefinitions"] as? [[String: Any]])?.first)
        let environment = (container["Environment"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
            .reduce(into: [String: String]()) { $0[$1["Name"] as? String ?? ""] = Self.text($1["Value"]) }
        #expect(environment["FIREBREAK_METRICS_EMF"] == "true")
        let service = try #require(environment["FIREBREAK_METRICS_EMF_SERVICE"])
        #expect(service == #"{"Ref":"AWS::StackName"}"#)

        for alarm in try Self.alarms() {
            let properties = alarm.properties
            for metric in alarm.metrics where metric.namespace == MetricsContract.namespace {
                let kind = contract.cloudWatch[metric.name]
                #expect(kind != nil, "\(alarm.id): \(metric.name) is no metric of the service")
                #expect(metric.dimensions.keys.sorted() == MetricsContract.dimensions(of: metric.name).sorted(), "\(alarm.id): \(metric)")
                #expect(metric.dimensions["Service"] == service, "\(alarm.id): \(metric)")
                if let state = metric.dimensions["state"] { #expect(MetricsContract.actionStates.contains(state), "\(alarm.id): \(metric)") }
                if let kind { #expect(metric.stat == MetricsContract.alarmStatistic(kind), "\(alarm.id): \(metric)") }
            }
            // The EMF lines come once a minute (metrics.emf_interval_seconds): no period below it.
            if let period = properties["Period"] as? Int { #expect(period >= 60 && period % 60 == 0, "\(alarm.id)") }

            // Metric math: what CloudWatch accepts in an alarm.
            guard let queries = properties["Metrics"] as? [[String: Any]] else { continue }
            for key in ["Namespace", "MetricName", "Dimensions", "Statistic", "Period"] {
                #expect(properties[key] == nil, "\(alarm.id): \(key) beside Metrics")
            }
            let stats = queries.filter { $0["MetricStat"] != nil }
            let expressions = queries.compactMap { $0["Expression"] as? String }
            #expect(stats.count <= 10 && expressions.count <= 10, "\(alarm.id)")
            #expect(queries.filter { $0["ReturnData"] as? Bool == true }.count == 1, "\(alarm.id)")
            #expect(queries.first { $0["ReturnData"] as? Bool == true }?["Expression"] != nil, "\(alarm.id)")
            #expect(expressions.allSatisfy { !$0.uppercased().contains("SEARCH") }, "\(alarm.id): SEARCH is not allowed in alarms")
            let ids = queries.compactMap { $0["Id"] as? String }
            #expect(Set(ids).count == ids.count && ids.allSatisfy { $0.wholeMatch(of: #/[a-z][A-Za-z0-9_]*/#) != nil }, "\(alarm.id): \(ids)")
            // Every metric is used, and an expression names only queries of the alarm.
            let named = Set(expressions.flatMap { $0.matches(of: #/\b[a-z][A-Za-z0-9_]*\b/#).map { String($0.output) } })
            let statIDs = Set(stats.compactMap { $0["Id"] as? String })
            #expect(statIDs.isSubset(of: named), "\(alarm.id): unused \(statIDs.subtracting(named))")
            #expect(named.isSubset(of: Set(ids)), "\(alarm.id): unknown \(named.subtracting(ids))")
            for stat in stats {
                let period = (stat["MetricStat"] as? [String: Any])?["Period"] as? Int ?? 0
                #expect(period >= 60 && period % 60 == 0, "\(alarm.id)")
            }
        }
    }

    // MARK: the CloudWatch dashboard

    @Test func dashboardIsJSONAfterSubstitutionAndNamesContractMetrics() throws {
        let resources = try Self.resources()
        let dashboards = resources.filter { $0.value["Type"] as? String == "AWS::CloudWatch::Dashboard" }
        #expect(dashboards.count == 1)
        let properties = try #require(dashboards.first?.value["Properties"] as? [String: Any])
        let body = try #require((properties["DashboardBody"] as? [String: Any])?["Fn::Sub"] as? String, "DashboardBody is built with Fn::Sub")

        // Every ${...} is a parameter, a pseudo parameter, a resource or a resource's attribute; substituted by
        // samples, the body is JSON.
        let template = try StackTemplate.load(DeploymentStackTests.stackPath)
        let parameters = template["Parameters"] as? [String: Any] ?? [:]
        var substituted = ""
        var rest = Substring(body)
        while let open = rest.range(of: "${") {
            let close = try #require(rest[open.upperBound...].firstIndex(of: "}"))
            let name = String(rest[open.upperBound..<close])
            let resource = String(name.split(separator: ".").first ?? "")
            let known = name.hasPrefix("AWS::") || parameters[name] != nil || resources[resource] != nil
            #expect(known, "${\(name)} is neither a parameter nor a resource")
            substituted += rest[..<open.lowerBound]
            substituted += Self.sample(name)
            rest = rest[rest.index(after: close)...]
        }
        substituted += rest
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(substituted.utf8)) as? [String: Any], "not JSON:\n\(substituted)")
        let widgets = try #require(dashboard["widgets"] as? [[String: Any]])

        // The alarm widget shows every alarm.
        let alarmIDs = try Set(Self.alarms().map(\.id))
        let shown = Set(widgets.filter { $0["type"] as? String == "alarm" }
            .flatMap { ($0["properties"] as? [String: Any])?["alarms"] as? [String] ?? [] })
        #expect(shown == Set(alarmIDs.map { Self.sample("\($0).Arn") }), "\(shown)")

        let contract = try MetricsContract()
        var panels: [String: [MetricRef]] = [:]
        for widget in widgets where widget["type"] as? String == "metric" {
            let properties = try #require(widget["properties"] as? [String: Any])
            let title = properties["title"] as? String ?? ""
            #expect(properties["region"] as? String == Self.sample("AWS::Region"), "\(title)")
            for (key, value) in [("x", 0), ("y", 0), ("width", 1), ("height", 1)] {
                #expect((widget[key] as? Int ?? -1) >= value, "\(title): \(key)")
            }
            var refs: [MetricRef] = []
            for row in properties["metrics"] as? [[Any]] ?? [] {
                if let expression = (row.first as? [String: Any])?["expression"] as? String {
                    // SEARCH('{Namespace,Dim,...} MetricName="name" ...', 'Stat', period)
                    let search = try #require(expression.firstMatch(of: #/SEARCH\('\{([^}]*)\} MetricName="(\w+)"(.*)', '(\w+)', \d+\)/#),
                                              "\(title): an expression other than SEARCH: \(expression)")
                    let schema = search.output.1.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    var dimensions: [String: String] = [:]
                    for name in schema.dropFirst() { dimensions[name] = "*" }
                    if let service = search.output.3.firstMatch(of: #/Service="([^"]*)"/#) { dimensions["Service"] = String(service.output.1) }
                    refs.append(MetricRef(namespace: schema.first ?? "", name: String(search.output.2), dimensions: dimensions, stat: String(search.output.4)))
                    continue
                }
                let strings = row.compactMap { $0 as? String }
                let options = row.last as? [String: Any] ?? [:]
                #expect(strings.count >= 2 && strings.count % 2 == 0 && !strings.contains("."), "\(title): \(row)")
                var dimensions: [String: String] = [:]
                for index in stride(from: 2, to: strings.count - 1, by: 2) { dimensions[strings[index]] = strings[index + 1] }
                refs.append(MetricRef(namespace: strings[0], name: strings[1], dimensions: dimensions, stat: options["stat"] as? String ?? ""))
            }
            panels[title] = refs
        }

        for (title, refs) in panels {
            #expect(!refs.isEmpty, "\(title)")
            for metric in refs where metric.namespace == MetricsContract.namespace {
                let kind = contract.cloudWatch[metric.name]
                #expect(kind != nil, "\(title): \(metric.name) is no metric of the service")
                #expect(metric.dimensions.keys.sorted() == MetricsContract.dimensions(of: metric.name).sorted(), "\(title): \(metric)")
                #expect(metric.dimensions["Service"] == Self.sample("AWS::StackName"), "\(title): \(metric)")
                if kind == .counter { #expect(metric.stat == "Sum", "\(title): \(metric)") }
            }
            for metric in refs where metric.namespace != MetricsContract.namespace {
                #expect(Self.awsMetrics[metric.namespace]?.contains(metric.name) == true, "\(title): \(metric)")
            }
        }

        // The panels of the issue, each found by what it reads.
        let all = panels.values.flatMap { $0 }
        func reads(_ namespace: String, _ name: String) -> Bool { all.contains { $0.namespace == namespace && $0.name == name } }
        for name in ["firebreak_deliveries_total", "firebreak_records_total", "firebreak_findings_total", "firebreak_actions",
                     "firebreak_delivery_duration_seconds", "firebreak_delivery_duration_p99_seconds",
                     "firebreak_worker_queue_depth", "firebreak_executor_queue_depth"] {
            #expect(reads("Firebreak", name), "no panel reads \(name)")
        }
        #expect(reads("AWS/Firehose", "DeliveryToHttpEndpoint.Success") && reads("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"))
        // By status, level, step and state: the label dimensions are kept, not summed away.
        #expect(all.contains { $0.name == "firebreak_deliveries_total" && $0.dimensions["status"] == "*" })
        #expect(all.contains { $0.name == "firebreak_findings_total" && $0.dimensions["level"] == "*" })
        #expect(all.contains { $0.name == "firebreak_actions" && $0.dimensions["step"] == "*" && $0.dimensions["state"] == "*" })
    }

    /// The AWS metrics the stack reads (each checked against the service's metrics documentation when written).
    static let awsMetrics: [String: Set<String>] = [
        "AWS/Firehose": ["DeliveryToHttpEndpoint.Success", "DeliveryToHttpEndpoint.Records", "DeliveryToHttpEndpoint.DataFreshness",
                         "DeliveryToS3.Records", "IncomingRecords"],
        "AWS/ApplicationELB": ["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "HealthyHostCount", "UnHealthyHostCount"],
        "AWS/ECS": ["MemoryUtilization"],
    ]

    /// A deployed value for a `${...}` of the dashboard body.
    static func sample(_ name: String) -> String {
        switch name {
        case "AWS::Region": return "us-east-1"
        case "AWS::AccountId": return "123456789012"
        case "AWS::StackName": return "firebreak"
        case "AWS::Partition": return "aws"
        default:
            if name.hasSuffix(".Arn") { return "arn:aws:cloudwatch:us-east-1:123456789012:alarm:firebreak-\(name.dropLast(4))" }
            return "firebreak-\(name.replacingOccurrences(of: ".", with: "-"))-1A2B3C"
        }
    }

    // MARK: the Grafana dashboard

    @Test func grafanaDashboardQueriesOnlyDeclaredMetrics() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.grafanaPath))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "docker/grafana-dashboard.json is not a JSON object")
        #expect((dashboard["schemaVersion"] as? Int ?? 0) >= 36, "schemaVersion \(dashboard["schemaVersion"] ?? "none")")
        #expect(!(dashboard["title"] as? String ?? "").isEmpty && dashboard["uid"] is String)
        let inputs = dashboard["__inputs"] as? [[String: Any]] ?? []
        #expect(inputs.contains { $0["name"] as? String == "DS_PROMETHEUS" && $0["type"] as? String == "datasource"
                                  && $0["pluginId"] as? String == "prometheus" }, "\(inputs)")

        let contract = try MetricsContract()
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        var expressions: [String] = []
        for panel in panels {
            let title = panel["title"] as? String ?? ""
            #expect(Self.text(panel["datasource"]) == #"{"type":"prometheus","uid":"${DS_PROMETHEUS}"}"#, "\(title)")
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "\(title)")
            for target in targets {
                let expression = try #require(target["expr"] as? String, "\(title): a target without expr")
                expressions.append(expression)
                if let source = target["datasource"] { #expect(Self.text(source) == Self.text(panel["datasource"]), "\(title)") }
                for match in expression.matches(of: #/\b(firebreak_\w+)\b/#) {
                    var name = String(match.output.1)
                    for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
                        let base = String(name.dropLast(suffix.count))
                        if contract.declared[base] == .histogram { name = base }
                    }
                    let kind = contract.declared[name]
                    #expect(kind != nil, "\(title): \(match.output.1) is not declared in ServiceMetrics")
                    // Counters and the histogram's series only through rate(); a counter's raw value means nothing.
                    if kind == .counter || kind == .histogram {
                        let before = expression[..<match.range.lowerBound]
                        #expect(before.hasSuffix("rate(") || before.hasSuffix("increase("), "\(title): \(match.output.1) outside rate(): \(expression)")
                    }
                }
            }
        }
        // The panels of the CloudWatch dashboard, in PromQL.
        let joined = expressions.joined(separator: "\n")
        for name in ["firebreak_deliveries_total", "firebreak_records_total", "firebreak_findings_total", "firebreak_actions",
                     "firebreak_worker_queue_depth", "firebreak_executor_queue_depth"] {
            #expect(joined.contains(name), "no panel reads \(name)")
        }
        #expect(joined.contains("by (status)") && joined.contains("by (level)") && joined.contains("by (step, state)"))
        #expect(joined.contains("histogram_quantile(0.99, sum by (le) (rate(firebreak_delivery_duration_seconds_bucket"))
        #expect(joined.contains("rate(firebreak_delivery_duration_seconds_sum") && joined.contains("rate(firebreak_delivery_duration_seconds_count"))
    }

    // MARK: the runbook

    @Test func readmeHasARunbookEntryForEveryAlarm() throws {
        let readme = try String(contentsOf: FirehoseFixture.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "\n### Alarms and runbook\n"))
        let section = readme[start.upperBound...]
        let runbook = section[..<(section.firstMatch(of: #/\n##+ /#)?.range.lowerBound ?? section.endIndex)]
        for alarm in try Self.alarms() {
            let name = try #require((alarm.properties["AlarmName"] as? [String: Any])?["Fn::Sub"] as? String)
            let suffix = name.replacingOccurrences(of: "${AWS::StackName}-", with: "")
            #expect(runbook.contains("`<stack>-\(suffix)`"), "README, Alarms and runbook: no entry for \(alarm.id) (`<stack>-\(suffix)`)")
        }
        #expect(runbook.contains("docker/grafana-dashboard.json"))
        #expect(runbook.contains("DashboardName"))
    }
}
