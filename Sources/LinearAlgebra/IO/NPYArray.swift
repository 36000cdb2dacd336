import ComplexModule
import RealModule

/// An n-dimensional array as stored in an NPY file: shape, memory order and elements.
///
/// Elements are kept in the order of the file: row-major (C order, NumPy's default) or
/// column-major when `fortranOrder` is true. Files of 32-bit floats and of smaller integers are
/// widened when read, so three element kinds cover what ROMKit exchanges with NumPy:
/// ```swift
/// try NPY.write(NPYArray(snapshots), to: url)          // a Matrix, Fortran order, shape [rows, columns]
/// let basis = try NPY.read(url).matrix()              // C or Fortran order back to a Matrix
/// ```
public struct NPYArray: Equatable, Sendable, CustomStringConvertible {
    /// The elements of an array, in the array's memory order.
    public enum Elements: Equatable, Sendable {
        /// 64-bit floats (`<f8`; `<f4` files are widened to this).
        case float64([Double])
        /// 128-bit complex numbers (`<c16`; `<c8` files are widened to this).
        case complex128([Complex<Double>])
        /// 64-bit signed integers (`<i8`; smaller integer and boolean files are widened to this).
        case int64([Int])

        /// Number of elements.
        public var count: Int {
            switch self {
            case let .float64(v): return v.count
            case let .complex128(v): return v.count
            case let .int64(v): return v.count
            }
        }

        /// NumPy's name of the element type: `float64`, `complex128` or `int64`.
        public var typeName: String {
            switch self {
            case .float64: return "float64"
            case .complex128: return "complex128"
            case .int64: return "int64"
            }
        }

        /// The little-endian dtype string written to the file: `<f8`, `<c16` or `<i8`.
        public var descr: String {
            switch self {
            case .float64: return "<f8"
            case .complex128: return "<c16"
            case .int64: return "<i8"
            }
        }
    }

    /// The dimensions (empty for a 0-d array, which holds one element).
    public let shape: [Int]
    /// Whether `elements` are stored column-major (the first index varies fastest).
    public let fortranOrder: Bool
    /// The elements, in memory order.
    public let elements: Elements

    /// An array of `shape` over `elements` in the given order; the number of elements must be the
    /// product of the dimensions (1 for an empty shape).
    public init(shape: [Int], fortranOrder: Bool = false, elements: Elements) {
        precondition(shape.allSatisfy { $0 >= 0 }, "NPYArray: negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == elements.count,
                     "NPYArray: shape \(shape) needs \(shape.reduce(1, *)) elements, got \(elements.count)")
        self.shape = shape
        self.fortranOrder = fortranOrder
        self.elements = elements
    }

    /// A 2-D float64 array of `matrix` in Fortran order, shape [rows, columns] (no copy of the layout).
    public init(_ matrix: Matrix) {
        self.init(shape: [matrix.rows, matrix.columns], fortranOrder: true, elements: .float64(matrix.storage))
    }

    /// A 1-D float64 array.
    public init(vector: [Double]) {
        self.init(shape: [vector.count], elements: .float64(vector))
    }

    /// A 1-D complex128 array.
    public init(complexVector: [Complex<Double>]) {
        self.init(shape: [complexVector.count], elements: .complex128(complexVector))
    }

    /// An int64 array in C order; `shape` defaults to one dimension of `int64.count`.
    public init(int64: [Int], shape: [Int]? = nil) {
        self.init(shape: shape ?? [int64.count], elements: .int64(int64))
    }

    /// A 0-d float64 array (shape `()`), NumPy's scalar array.
    public init(scalar: Double) {
        self.init(shape: [], elements: .float64([scalar]))
    }

    /// Number of elements (the product of the dimensions).
    public var count: Int { elements.count }

    /// "a complex128 array of shape (3,)", for messages.
    public var description: String {
        "a \(elements.typeName) array of shape \(NPYHeader.shapeText(shape))\(fortranOrder ? " (Fortran order)" : "")"
    }

    /// The array as a matrix: a 2-D array in either order, or a 1-D array as one column; int64
    /// elements are converted to `Double`.
    /// - Throws: `FileFormatError.unexpectedArray` for other dimensions or complex elements.
    public func matrix() throws -> Matrix {
        let values: [Double]
        switch elements {
        case let .float64(v): values = v
        case let .int64(v): values = v.map(Double.init)
        case .complex128: throw FileFormatError.unexpectedArray(expected: "a real 1-D or 2-D array", found: description)
        }
        switch shape.count {
        case 1:
            return Matrix(rows: shape[0], columns: 1, storage: values)
        case 2:
            let (m, n) = (shape[0], shape[1])
            if fortranOrder { return Matrix(rows: m, columns: n, storage: values) }
            var storage = [Double](repeating: 0, count: values.count)
            for i in 0..<m {
                for j in 0..<n { storage[i + j * m] = values[i * n + j] }
            }
            return Matrix(rows: m, columns: n, storage: storage)
        default:
            throw FileFormatError.unexpectedArray(expected: "a real 1-D or 2-D array", found: description)
        }
    }

    /// The elements as `Double`s, in memory order (int64 elements converted).
    /// - Throws: `FileFormatError.unexpectedArray` for complex elements.
    public func doubles() throws -> [Double] {
        switch elements {
        case let .float64(v): return v
        case let .int64(v): return v.map(Double.init)
        case .complex128: throw FileFormatError.unexpectedArray(expected: "a real array", found: description)
        }
    }

    /// The elements as `Int`s, in memory order.
    /// - Throws: `FileFormatError.unexpectedArray` unless the array holds integers.
    public func ints() throws -> [Int] {
        guard case let .int64(v) = elements else {
            throw FileFormatError.unexpectedArray(expected: "an int64 array", found: description)
        }
        return v
    }

    /// The elements as complex numbers, in memory order (real elements get a zero imaginary part).
    /// Every element kind converts, so this never throws; it is `throws` like its siblings.
    public func complexes() throws -> [Complex<Double>] {
        switch elements {
        case let .complex128(v): return v
        case let .float64(v): return v.map { Complex($0, 0) }
        case let .int64(v): return v.map { Complex(Double($0), 0) }
        }
    }
}
