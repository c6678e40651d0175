/// How rules compare a field read from a text log line (ALB, S3 server access and CloudFront logs): as text, a
/// whole number, a decimal number, or an IP address (`cidr`, intel lists).
public enum TextFieldKind: Sendable {
    case string, integer, decimal, address
}
