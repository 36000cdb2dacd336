import Foundation

/// How the values of a `FieldView` map to colours: the scale (linear or log10), the value range
/// the colour map spans, the number of colour buckets and the labelled ticks of the colour bar.
///
/// On a log scale the range starts at the smallest positive value, but at most
/// `maximumDecades` below the largest; smaller values, zeros and negative values get the lowest
/// colour (`clipsBelow` says whether any did).
public struct FieldColorScale: Sendable, Equatable {
    /// The scale of the colour bar.
    public let scale: PlotAxis.Scale
    /// The value at the bottom of the colour bar.
    public let lower: Double
    /// The value at the top of the colour bar.
    public let upper: Double
    /// The number of colours the field is drawn with (the colour map sampled at bucket centres).
    public let buckets: Int
    /// Whether some values lie below `lower` (zeros on a log scale, values under the range).
    public let clipsBelow: Bool
    /// Whether some values lie above `upper` (an explicit range narrower than the data).
    public let clipsAbove: Bool

    /// The scale of `values` with the choice of `FieldView`: `range` (nil for the data's own
    /// range), `scale` (`.automatic`: log10 when the values are ≥ 0 and the largest is more than
    /// `logScaleRatio` times the smallest positive one).
    /// - Throws: `FieldViewError.invalidRange` for an empty, reversed or non-finite range, or one
    ///   that is not positive on a log scale.
    public init(values: [Double], scale choice: FieldView.Scale, range: ClosedRange<Double>?, buckets: Int,
                maximumDecades: Int = 6, logScaleRatio: Double = 100) throws {
        self.buckets = Swift.max(2, buckets)
        let dataLow = values.min() ?? 0, dataHigh = values.max() ?? 1
        let smallestPositive = values.filter { $0 > 0 }.min()
        let resolved: PlotAxis.Scale
        switch choice {
        case .linear: resolved = .linear
        case .log10: resolved = .log10
        case .automatic:
            if let range {
                resolved = range.lowerBound > 0 && range.upperBound / range.lowerBound > logScaleRatio ? .log10 : .linear
            } else if let small = smallestPositive, dataLow >= 0, dataHigh / small > logScaleRatio {
                resolved = .log10
            } else {
                resolved = .linear
            }
        }
        scale = resolved
        var low: Double, high: Double
        if let range {
            low = range.lowerBound
            high = range.upperBound
            guard low.isFinite, high.isFinite, low < high, resolved == .linear || low > 0 else {
                throw FieldViewError.invalidRange(lower: low, upper: high)
            }
        } else if resolved == .log10 {
            high = dataHigh > 0 ? dataHigh : 1
            low = Swift.max(smallestPositive ?? high / 10, high / pow(10, Double(Swift.max(1, maximumDecades))))
            if low >= high { low = high / 10 }
        } else {
            low = dataLow
            high = dataHigh
            if low == high {
                let pad = low == 0 ? 1 : abs(low) * 0.1
                low -= pad
                high += pad
            }
        }
        lower = low
        upper = high
        clipsBelow = values.contains { $0 < low }
        clipsAbove = values.contains { $0 > high }
    }

    /// Where `value` sits on the colour bar: 0 at `lower`, 1 at `upper`, clamped (log10 of the
    /// value on a log scale; non-positive values give 0 there).
    public func position(of value: Double) -> Double {
        let t: Double
        switch scale {
        case .linear: t = (value - lower) / (upper - lower)
        case .log10: t = value > 0 ? (log10(value) - log10(lower)) / (log10(upper) - log10(lower)) : 0
        }
        return t.isNaN ? 0 : Swift.min(Swift.max(t, 0), 1)
    }

    /// The colour bucket of a position in [0, 1]: 0 ..< `buckets`.
    public func bucket(ofPosition t: Double) -> Int {
        Swift.min(buckets - 1, Swift.max(0, Int(t * Double(buckets))))
    }

    /// The position in [0, 1] whose colour a bucket is drawn with (its centre).
    public func centre(ofBucket k: Int) -> Double { (Double(k) + 0.5) / Double(buckets) }

    /// The labelled ticks strictly inside the range (1, 2 or 5 × 10ᵏ steps on a linear scale,
    /// decades on a log scale), with their positions; the ends are labelled apart, with the
    /// range values.
    public var ticks: [(tick: PlotAxis.Tick, position: Double)] {
        let axis = PlotAxis(scale: scale, values: [lower, upper])
        return axis.ticks.compactMap { tick in
            guard !tick.label.isEmpty else { return nil }
            let t = scale == .linear ? (tick.value - lower) / (upper - lower)
                : (log10(tick.value) - log10(lower)) / (log10(upper) - log10(lower))
            return t > 1e-9 && t < 1 - 1e-9 ? (tick, t) : nil
        }
    }
}
