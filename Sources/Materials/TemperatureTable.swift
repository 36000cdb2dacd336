/// A parameter that depends on temperature: piecewise linear between tabulated points, constant
/// beyond the first and last (a material database's table, as Zset and Abaqus read them).
public struct TemperatureTable: Sendable, Equatable {
    /// Increasing temperatures.
    public let temperatures: [Double]
    /// The parameter's value at each temperature.
    public let values: [Double]

    /// A temperature-independent parameter.
    public init(constant value: Double) {
        temperatures = [0]
        values = [value]
    }

    /// A table; throws unless the temperatures increase strictly and every number is finite.
    /// `name` names the parameter in the error.
    public init(temperatures: [Double], values: [Double], name: String = "parameter") throws {
        guard !temperatures.isEmpty, temperatures.count == values.count else {
            throw MaterialError.invalidParameter(law: "TemperatureTable", parameter: name,
                detail: "\(temperatures.count) temperatures for \(values.count) values (need as many, at least one)")
        }
        guard temperatures.allSatisfy(\.isFinite), values.allSatisfy(\.isFinite) else {
            throw MaterialError.invalidParameter(law: "TemperatureTable", parameter: name, detail: "NaN or infinite entry")
        }
        for i in 1..<temperatures.count where !(temperatures[i] > temperatures[i - 1]) {
            throw MaterialError.invalidParameter(law: "TemperatureTable", parameter: name,
                detail: "temperatures must increase strictly (entry \(i): \(temperatures[i]) after \(temperatures[i - 1]))")
        }
        self.temperatures = temperatures
        self.values = values
    }

    /// The value at temperature `t`.
    @inlinable
    public func callAsFunction(_ t: Double) -> Double {
        let n = temperatures.count
        if n == 1 || t <= temperatures[0] { return values[0] }
        if t >= temperatures[n - 1] { return values[n - 1] }
        var lo = 0, hi = n - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if temperatures[mid] <= t { lo = mid } else { hi = mid }
        }
        let s = (t - temperatures[lo]) / (temperatures[hi] - temperatures[lo])
        return values[lo] + s * (values[hi] - values[lo])
    }

    /// The smallest and largest tabulated values.
    public var range: ClosedRange<Double> { values.min()!...values.max()! }

    /// The table as one array for a model file: temperatures then values.
    public var flattened: [Double] { temperatures + values }

    /// Reads ``flattened``; `law` and `name` name the place in the error.
    public init(flattened: [Double], law: String, name: String) throws {
        guard flattened.count >= 2, flattened.count % 2 == 0 else {
            throw MaterialError.malformedDescription(law: law, parameter: name,
                detail: "\(flattened.count) numbers (a table stores as many temperatures as values)")
        }
        let n = flattened.count / 2
        do {
            try self.init(temperatures: Array(flattened[..<n]), values: Array(flattened[n...]), name: name)
        } catch let MaterialError.invalidParameter(_, _, detail) {
            throw MaterialError.malformedDescription(law: law, parameter: name, detail: detail)
        }
    }
}
