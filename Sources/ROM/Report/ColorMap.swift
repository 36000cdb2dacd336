import Foundation

/// A perceptually uniform colour map: a table of anchor colours at equal steps over [0, 1],
/// linearly interpolated in sRGB between neighbours.
/// ```swift
/// ColorMap.viridis.hex(at: 0)    // "#440154"
/// ColorMap.viridis.hex(at: 1)    // "#fde725"
/// ```
public struct ColorMap: Sendable, Equatable {
    /// An sRGB colour, each channel in 0…255.
    public struct RGB: Sendable, Equatable {
        /// Red.
        public let red: UInt8
        /// Green.
        public let green: UInt8
        /// Blue.
        public let blue: UInt8

        /// A colour from its channels.
        public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// The CSS form, "#rrggbb".
        public var hex: String { String(format: "#%02x%02x%02x", red, green, blue) }

        /// Relative luminance (ITU-R BT.709 weights on the sRGB channels, 0…1): text on a colour
        /// above about 0.5 reads better in black, below in white.
        public var luminance: Double {
            (0.2126 * Double(red) + 0.7152 * Double(green) + 0.0722 * Double(blue)) / 255
        }
    }

    /// The name shown in captions ("viridis").
    public let name: String
    /// The anchors, at t = k / (count − 1); at least two.
    public let anchors: [RGB]

    /// A map through `anchors`, equally spaced over [0, 1].
    public init(name: String, anchors: [RGB]) {
        precondition(anchors.count >= 2, "ColorMap: at least two anchors")
        self.name = name
        self.anchors = anchors
    }

    /// The colour at `t` ∈ [0, 1] (clamped; NaN gives the lowest colour).
    public func color(at t: Double) -> RGB {
        let clamped = t.isNaN ? 0 : Swift.min(Swift.max(t, 0), 1)
        let position = clamped * Double(anchors.count - 1)
        let k = Swift.min(Int(position), anchors.count - 2)
        let w = position - Double(k)
        let a = anchors[k], b = anchors[k + 1]
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - w) + Double(y) * w).rounded()) }
        return RGB(mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue))
    }

    /// The CSS colour at `t`.
    public func hex(at t: Double) -> String { color(at: t).hex }

    /// Matplotlib's viridis (van der Walt and Smith, 2015) at 16 equally spaced anchors: perceptually
    /// uniform, readable in grey scale and by colour-blind readers.
    public static let viridis = ColorMap(name: "viridis", anchors: [
        RGB(0x44, 0x01, 0x54), RGB(0x48, 0x1a, 0x6c), RGB(0x47, 0x2f, 0x7d), RGB(0x41, 0x44, 0x87),
        RGB(0x39, 0x56, 0x8c), RGB(0x31, 0x68, 0x8e), RGB(0x2a, 0x78, 0x8e), RGB(0x23, 0x88, 0x8e),
        RGB(0x1f, 0x98, 0x8b), RGB(0x22, 0xa8, 0x84), RGB(0x35, 0xb7, 0x79), RGB(0x54, 0xc5, 0x68),
        RGB(0x7a, 0xd1, 0x51), RGB(0xa5, 0xdb, 0x36), RGB(0xd2, 0xe2, 0x1b), RGB(0xfd, 0xe7, 0x25),
    ])
}
