/// The values checks assume for CloudFormation's pseudo parameters.
public enum PseudoParameter {
    public static let values: [String: String] = [
        "AWS::Region": "us-east-1",
        "AWS::AccountId": "123456789012",
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    ]

    /// `Ref: AWS::NoValue` removes the property it is the value of.
    public static let noValue = "AWS::NoValue"
}
