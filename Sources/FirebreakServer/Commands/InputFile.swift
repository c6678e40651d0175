import Foundation

/// Reads a command's input file; `-` is standard input.
public enum InputFile {
    public static func read(_ path: String) -> [UInt8]? {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        return FileManager.default.contents(atPath: path).map(Array.init)
    }

    /// Writes a line to standard error.
    public static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Writes `text` to standard output as it is.
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
