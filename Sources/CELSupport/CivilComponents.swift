/// A timestamp broken down in a time zone.
public struct CivilComponents: Sendable, Equatable {
    public var year: Int
    public var month: Int        // 1-12
    public var day: Int          // 1-31
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int
    public var dayOfWeek: Int    // 0 = Sunday
    public var dayOfYear: Int    // 0-based

    public init(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int,
        dayOfWeek: Int, dayOfYear: Int
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
        self.dayOfWeek = dayOfWeek
        self.dayOfYear = dayOfYear
    }
}
