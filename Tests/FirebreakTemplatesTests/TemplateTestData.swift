import Foundation
import FirebreakTestSupport

/// The AWS sample template corpus in the shared test data, and what is known about its files.
enum TemplateTestData {
    static let packageRoot: URL = TestPaths.packageRoot

    static let awsTemplates: String = TestPaths.sharedTestdata.appendingPathComponent("cfn/aws-cloudformation-templates").path

    /// Files of the AWS sample corpus that are genuinely not templates (path relative to the corpus
    /// root → why).
    static let notTemplates: [String: String] = {
        var list: [String: String] = [
            "CloudFormation/CustomResources/getfromjson/bandit.json": "a Bandit (Python linter) configuration",
            "CloudFormation/CustomResources/getfromjson/bandit.yml": "a Bandit (Python linter) configuration",
            "CloudFormation/MacrosExamples/Count/event.json": "a sample macro invocation event",
            "CloudFormation/MacrosExamples/Count/event_bad.json": "a sample macro invocation event",
            "EKS/manifest.yml": "a Kubernetes manifest",
            "Solutions/CodeBuildAndCodePipeline/codebuild-app-build.yml": "a CodeBuild buildspec",
            "Solutions/CodeBuildAndCodePipeline/codebuild-app-deploy.yml": "a CodeBuild buildspec",
        ]
        for event in ["consume-from-list-retrieval-error", "consume-from-list", "consume-from-map-retrieval-error",
                      "consume-from-map", "empty-json-data-input", "empty-search-input", "invalid-json-data-input",
                      "invalid-search-input"] {
            list["CloudFormation/CustomResources/getfromjson/src/events/event-\(event).json"] = "a sample Lambda test event"
        }
        return list
    }()

    /// JSON/YAML twins of the corpus whose content genuinely differs (YAML path → why); they still
    /// both load, and every other pair must have the same content.
    static let differingTwins: [String: String] = [
        "APIGateway/apigateway_lambda_integration.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "AWSSupplyChain/SapPrivateLink/SapPrivateLink.yaml":
            "the JSON twin lost the Fn::ValueOf around [Subnets, VpcId]",
        "AWSSupplyChain/SapPrivateLink/SapPrivateLinkNoHostedZone.yaml":
            "the JSON twin lost the Fn::ValueOf around [Subnets, VpcId]",
        "AutoScaling/AutoScalingRollingUpdates.yaml":
            "the JSON twin is an older version (LaunchConfigurationName; the YAML uses a launch template)",
        "AutoScaling/AutoScalingScheduledAction.yaml":
            "the JSON twin is an older version (LaunchConfigurationName; the YAML uses a launch template)",
        "CloudFormation/MacrosExamples/DateFunctions/date.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "CloudFormation/MacrosExamples/PyPlate/python.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "CloudFormation/MacrosExamples/StringFunctions/string.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "CloudFormation/StackSets/common-resources-stackset.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "CloudFormation/StackSets/common-resources.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "CloudFormation/StackSets/log-setup-management.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "EC2/EC2_Instance_With_Ephemeral_Drives.yaml":
            "the twins differ in SecurityGroups (older JSON version)",
        "EC2/EIP_With_Association.yaml":
            "the twins differ in SecurityGroups (older JSON version)",
        "EC2/InstanceWithCfnInit.yaml":
            "the twins differ in UserData (the YAML also runs cfn-init)",
        "ECS/EC2LaunchType/clusters/private-vpc.yaml":
            "the JSON twin is an older version (LaunchConfigurationName)",
        "ECS/EC2LaunchType/clusters/public-vpc.yaml":
            "the JSON twin is an older version (LaunchConfigurationName)",
        "ElastiCache/Elasticache-snapshot.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "IoT/amzn2-greengrass-cfn.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "Solutions/AmazonCloudWatchAgent/inline/centos.yaml":
            "the twins carry different AMI ids in Mappings/RegionMap",
        "Solutions/AmazonCloudWatchAgent/inline/redhat.yaml":
            "the twins carry different AMI ids in Mappings/RegionMap",
        "Solutions/AmazonCloudWatchAgent/inline/suse.yaml":
            "the twins carry different AMI ids in Mappings/RegionMap",
        "Solutions/AmazonCloudWatchAgent/ssm/centos.yaml":
            "the twins carry different AMI ids in Mappings/RegionMap",
        "Solutions/AmazonCloudWatchAgent/ssm/redhat.yaml":
            "the twins carry different AMI ids in Mappings/RegionMap",
        "Solutions/AmazonCloudWatchAgent/ssm/suse.yaml":
            "the twins carry different AMI ids in Mappings/RegionMap",
        "Solutions/GitLab/GitLabServer.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "Solutions/GitLabAndVSCode/GitLabAndVSCode.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "Solutions/Gitea/Gitea.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
        "Solutions/VSCode/VSCodeServer.yaml":
            "the JSON twin still holds the Rain preprocessor directive (Rain::Embed / Rain::Module) that the YAML has expanded",
    ]
}
