import LinearAlgebra

/// A point μ of a parameter space: one value per component, in the order of the space's names.
public struct Parameter: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The components of μ.
    public var values: [Double]

    /// A parameter with the given components.
    public init(_ values: [Double]) { self.values = values }

    /// Number of components.
    public var count: Int { values.count }

    /// Component `k`.
    public subscript(k: Int) -> Double { values[k] }

    public var description: String { "(" + values.map { "\($0)" }.joined(separator: ", ") + ")" }
}

/// Errors in parameters and parameter spaces.
public enum ParameterError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A parameter has the wrong number of components.
    case wrongDimension(expected: Int, found: Int)
    /// A component lies outside its bounds (or is not finite).
    case outOfBounds(component: String, value: Double, lower: Double, upper: Double)
    /// The bounds of a component are not an interval (lower > upper, or not finite).
    case invalidBounds(component: String, lower: Double, upper: Double)
    /// A sample size or grid resolution is not positive.
    case invalidSampleSize(Int)
    /// A component name is empty or used twice.
    case invalidName(name: String, detail: String)
    /// The names and the bounds are lists of different lengths.
    case inconsistentCounts(names: Int, lower: Int, upper: Int)

    public var description: String {
        switch self {
        case let .wrongDimension(expected, found):
            return "parameter has \(found) components, the parameter space has \(expected)"
        case let .outOfBounds(component, value, lower, upper):
            return "parameter component '\(component)' = \(value) lies outside [\(lower), \(upper)]"
        case let .invalidBounds(component, lower, upper):
            return "parameter component '\(component)' has invalid bounds [\(lower), \(upper)]"
        case let .invalidSampleSize(n):
            return "sample size must be positive, got \(n)"
        case let .invalidName(name, detail):
            return "parameter component name '\(name)' \(detail)"
        case let .inconsistentCounts(names, lower, upper):
            return "the parameter space lists \(names) names, \(lower) lower and \(upper) upper bounds"
        }
    }
}

/// A box of parameters: named components with lower and upper bounds, and the samples training
/// and test sets are drawn from (uniform grid, seeded random, Latin hypercube).
public struct ParameterSpace: Equatable, Sendable, Codable {
    /// Component names (e.g. `diffusion_0 … diffusion_3`).
    public let names: [String]
    /// Lower bound of each component.
    public let lower: [Double]
    /// Upper bound of each component.
    public let upper: [Double]

    /// A box with one (name, lower, upper) per component.
    /// - Throws: `ParameterError.inconsistentCounts` when the three lists differ in length,
    ///   `.invalidName` for an empty or repeated name, `.invalidBounds` unless lower ≤ upper, both finite.
    public init(names: [String], lower: [Double], upper: [Double]) throws {
        guard names.count == lower.count && names.count == upper.count else {
            throw ParameterError.inconsistentCounts(names: names.count, lower: lower.count, upper: upper.count)
        }
        var seen = Set<String>()
        for name in names {
            guard !name.isEmpty else { throw ParameterError.invalidName(name: name, detail: "is empty") }
            guard seen.insert(name).inserted else { throw ParameterError.invalidName(name: name, detail: "is used twice") }
        }
        for k in names.indices where !(lower[k] <= upper[k]) || !lower[k].isFinite || !upper[k].isFinite {
            throw ParameterError.invalidBounds(component: names[k], lower: lower[k], upper: upper[k])
        }
        self.names = names
        self.lower = lower
        self.upper = upper
    }

    /// `count` components `prefix_0 …` with the same bounds.
    public init(prefix: String, count: Int, lower: Double, upper: Double) throws {
        try self.init(names: (0..<count).map { "\(prefix)_\($0)" },
                      lower: Array(repeating: lower, count: count), upper: Array(repeating: upper, count: count))
    }

    private enum CodingKeys: String, CodingKey { case names, lower, upper }

    /// Decodes a space and checks it as `init(names:lower:upper:)` does, so a model file or a
    /// JSON description cannot hold a box that is not one.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(names: try container.decode([String].self, forKey: .names),
                      lower: try container.decode([Double].self, forKey: .lower),
                      upper: try container.decode([Double].self, forKey: .upper))
    }

    /// Number of components.
    public var dimension: Int { names.count }

    /// Throws unless `mu` has the right dimension and lies in the box.
    public func validate(_ mu: Parameter) throws {
        try mu.values.withUnsafeBufferPointer { try validate($0) }
    }

    /// Throws unless the components `mu` have the right count and lie in the box (no allocation).
    public func validate(_ mu: UnsafeBufferPointer<Double>) throws {
        guard mu.count == dimension else { throw ParameterError.wrongDimension(expected: dimension, found: mu.count) }
        for k in 0..<dimension where !(mu[k] >= lower[k] && mu[k] <= upper[k]) {
            throw ParameterError.outOfBounds(component: names[k], value: mu[k], lower: lower[k], upper: upper[k])
        }
    }

    /// The tensor grid with `pointsPerComponent` equispaced values per component, bounds included
    /// (`pointsPerComponent ^ dimension` parameters; the first component varies fastest).
    public func uniformGrid(pointsPerComponent n: Int) throws -> [Parameter] {
        guard n > 0 else { throw ParameterError.invalidSampleSize(n) }
        let axes: [[Double]] = (0..<dimension).map { k -> [Double] in
            if n == 1 { return [(lower[k] + upper[k]) / 2] }
            let step = (upper[k] - lower[k]) / Double(n - 1)
            return (0..<n).map { i -> Double in i == n - 1 ? upper[k] : lower[k] + step * Double(i) }
        }
        var result: [Parameter] = []
        var index = [Int](repeating: 0, count: dimension)
        let total = (0..<dimension).reduce(1) { r, _ in r * n }
        result.reserveCapacity(total)
        for _ in 0..<total {
            result.append(Parameter((0..<dimension).map { axes[$0][index[$0]] }))
            for k in 0..<dimension {
                index[k] += 1
                if index[k] < n { break }
                index[k] = 0
            }
        }
        return result
    }

    /// `count` parameters drawn uniformly in the box from `seed` (reproducible).
    public func random(count: Int, seed: UInt64) throws -> [Parameter] {
        guard count > 0 else { throw ParameterError.invalidSampleSize(count) }
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            Parameter((0..<dimension).map { lower[$0] + (upper[$0] - lower[$0]) * generator.nextUniform() })
        }
    }

    /// A Latin hypercube sample: each component's range cut into `count` strata, each stratum hit
    /// exactly once, strata paired by seeded random permutations.
    public func latinHypercube(count: Int, seed: UInt64) throws -> [Parameter] {
        guard count > 0 else { throw ParameterError.invalidSampleSize(count) }
        var generator = SplitMix64(seed: seed)
        var columns: [[Double]] = []
        for k in 0..<dimension {
            var strata = Array(0..<count)
            strata.shuffle(using: &generator)
            columns.append(strata.map { lower[k] + (upper[k] - lower[k]) * (Double($0) + generator.nextUniform()) / Double(count) })
        }
        return (0..<count).map { i in Parameter((0..<dimension).map { columns[$0][i] }) }
    }
}
