import Foundation

/// One axis of an `SVGPlot`: its scale, its range in plot coordinates (log10 of the value on a
/// log axis) and its labelled ticks.
public struct PlotAxis: Sendable, Equatable {
    /// How values map to positions.
    public enum Scale: Sendable, Equatable {
        /// Position proportional to the value; ticks at 1, 2 or 5 × 10ᵏ steps.
        case linear
        /// Position proportional to log10 of the value; ticks at decades. Non-positive values
        /// cannot be shown and are skipped.
        case log10
    }

    /// A tick: the value it marks and its label (empty for an unlabelled minor tick).
    public struct Tick: Sendable, Equatable {
        /// The data value at the tick.
        public let value: Double
        /// The label text: "0.25", "10^-8" (shown with a superscript exponent).
        public let label: String
        /// Whether this tick is a decade of a log axis (labelled as a power of ten).
        public let isDecade: Bool
        /// Whether the tick is a minor one (2…9 × 10ᵏ on a short log axis): no label, lighter grid.
        public let isMinor: Bool
    }

    /// The scale.
    public let scale: Scale
    /// The lower end of the axis, in plot coordinates (log10 of the value on a log axis).
    public let lower: Double
    /// The upper end of the axis, in plot coordinates.
    public let upper: Double
    /// The ticks, in increasing order.
    public let ticks: [Tick]

    /// An axis spanning `values` (which must be finite and, on a log axis, positive), widened to
    /// whole decades (log) or whole tick steps (linear). Without values the axis spans [0, 1]
    /// (linear) or [1, 10] (log).
    public init(scale: Scale, values: [Double]) {
        self.scale = scale
        let low = values.min(), high = values.max()
        switch scale {
        case .log10:
            var first = floor(Foundation.log10(low ?? 1)), last = ceil(Foundation.log10(high ?? 10))
            if first == last { first -= 1; last += 1 }
            lower = first
            upper = last
            ticks = Self.decadeTicks(from: Int(first), to: Int(last))
        case .linear:
            var a = low ?? 0, b = high ?? 1
            if a == b {
                let pad = a == 0 ? 1 : abs(a) * 0.1
                a -= pad
                b += pad
            }
            let step = Self.niceStep((b - a) / 5)
            let first = floor(a / step + 1e-9) * step, last = ceil(b / step - 1e-9) * step
            lower = first
            upper = last
            let count = Int(((last - first) / step).rounded())
            let decimals = Swift.max(0, -Int(floor(Foundation.log10(step) + 1e-9)))
            ticks = (0...count).map { k in
                let value = first + Double(k) * step
                return Tick(value: value, label: Self.linearLabel(value, step: step, decimals: decimals), isDecade: false, isMinor: false)
            }
        }
    }

    /// The plot coordinate of a data value (log10 of it on a log axis).
    public func coordinate(_ value: Double) -> Double {
        scale == .log10 ? Foundation.log10(value) : value
    }

    /// Whether the axis can show `value` (finite, and positive on a log axis).
    public func canShow(_ value: Double) -> Bool {
        value.isFinite && (scale == .linear || value > 0)
    }

    /// The step 1, 2 or 5 × 10ᵏ closest above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, floor(Foundation.log10(rough)))
        let residual = rough / magnitude
        let factor: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10
        return factor * magnitude
    }

    /// Decades from 10^first to 10^last, labelled; every k-th one when there are more than 10;
    /// minor ticks 2…9 × 10ᵏ (unlabelled) when the axis spans at most 4 decades.
    static func decadeTicks(from first: Int, to last: Int) -> [Tick] {
        let span = last - first
        let every = span <= 10 ? 1 : Int((Double(span) / 10).rounded(.up))
        var ticks: [Tick] = []
        for k in first...last {
            let labelled = (k - first) % every == 0
            ticks.append(Tick(value: pow(10, Double(k)), label: labelled ? "10^\(k)" : "", isDecade: true, isMinor: !labelled))
            if span <= 4 && k < last {
                for m in 2...9 {
                    ticks.append(Tick(value: Double(m) * pow(10, Double(k)), label: "", isDecade: false, isMinor: true))
                }
            }
        }
        return ticks
    }

    /// A linear tick label with the decimals the step needs ("0.25", "1500", "1e+06").
    static func linearLabel(_ value: Double, step: Double, decimals: Int) -> String {
        let v = abs(value) < step * 1e-9 ? 0 : value
        if abs(v) >= 1e6 || (step < 1e-4 && v != 0) { return NumberText.scientific(v, digits: 2) }
        return String(format: "%.\(Swift.min(decimals, 6))f", v)
    }
}

/// Number formatting shared by the plots and the reports.
public enum NumberText {
    /// `value` in scientific notation with `digits` significant digits after the point ("3.2e-08").
    public static func scientific(_ value: Double, digits: Int = 3) -> String {
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.\(digits)e", value)
    }

    /// A short, readable form: scientific for very small or very large magnitudes, else up to
    /// `significant` significant digits ("0.0123", "42.5", "1.2e-07").
    public static func short(_ value: Double, significant: Int = 4) -> String {
        guard value.isFinite else { return "\(value)" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude < 1e-3 || magnitude >= 1e9 { return scientific(value, digits: significant - 1) }
        if magnitude >= pow(10, Double(significant)) { return String(format: "%.0f", value) }
        return String(format: "%.\(significant)g", value)
    }

    /// A duration: "3.2 ms", "850 ns", "1.25 s".
    public static func seconds(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return "\(value) s" }
        if value == 0 { return "0 s" }
        if value < 1e-6 { return String(format: "%.3g ns", value * 1e9) }
        if value < 1e-3 { return String(format: "%.3g µs", value * 1e6) }
        if value < 1 { return String(format: "%.3g ms", value * 1e3) }
        return String(format: "%.3g s", value)
    }
}
