/// Placeholder until the service wiring lands.
public enum FirebreakServerPlaceholder {}
