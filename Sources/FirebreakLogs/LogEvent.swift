/// Placeholder until the decoders land.
public enum FirebreakLogsPlaceholder {}
