@main
enum DecodeBenchmark {
    static func main() {}
}
