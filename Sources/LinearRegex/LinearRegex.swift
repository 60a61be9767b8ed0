// The linear-time regular expression engine.
public enum LinearRegexPlaceholder {}
