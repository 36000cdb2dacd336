import ComplexModule
import LinearAlgebra

/// Reads the arrays of a model archive with the checks every model file needs: present, of the
/// expected shape and type, finite; every problem is a `ROMError.invalidModel` naming the file
/// and the array.
struct ModelArrayReader {
    let archive: NPZArchive
    let file: String

    func invalid(_ detail: String) -> ROMError { .invalidModel(file: file, detail: detail) }

    /// Whether the archive holds `name`.
    func has(_ name: String) -> Bool { archive.arrays[name] != nil }

    /// The largest size a model.json may give (each size must also fit the arrays' products).
    static let largestSize = 1 << 31

    /// The number of elements the archive's arrays hold together: no array a model file
    /// describes can have more.
    var storedElements: Int {
        archive.arrays.values.reduce(0) { total, a in total &+ a.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue } }
    }

    /// Checks that each product of sizes neither overflows nor exceeds the elements the archive
    /// stores, before any array is sliced by them: a hostile `model.json` cannot trap or ask for
    /// terabytes. `products` pairs a name (`N·N·Q`) with its factors.
    func checkProducts(_ products: [(String, [Int])]) throws {
        let stored = storedElements
        for (what, factors) in products {
            var product = 1
            for f in factors {
                let (p, overflow) = product.multipliedReportingOverflow(by: f)
                guard !overflow, p <= stored else {
                    throw invalid("the sizes give \(what) = \(factors.map(String.init).joined(separator: "·")) entries, "
                                  + "more than the \(stored) the file's arrays hold")
                }
                product = p
            }
        }
    }

    /// The shape of `name`, if present.
    func shape(_ name: String) -> [Int]? { archive.arrays[name]?.shape }

    private func checked(_ name: String, _ shape: [Int]) throws -> NPYArray {
        guard let a = archive.arrays[name] else { throw invalid("the array \(name) is missing") }
        guard a.shape == shape else { throw invalid("the array \(name) has shape \(a.shape), expected \(shape)") }
        return a
    }

    /// A float64 (or integer) array in column-major order, finite.
    func real(_ name: String, _ shape: [Int]) throws -> [Double] {
        let a = try checked(name, shape)
        let values: [Double]
        do { values = try a.matrixOrder() } catch { throw invalid("the array \(name): \(error)") }
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw invalid("the array \(name) holds a non-finite value at index \(bad)") }
        return values
    }

    /// An array of `Element` (float64 for Double, complex128 for complex), column-major, finite.
    func scalars<Element: Scalar>(_ name: String, _ shape: [Int], as type: Element.Type) throws -> [Element] {
        if !Element.isComplex { return try real(name, shape).map { Element(real: $0) } }
        let a = try checked(name, shape)
        guard case let .complex128(v) = a.elements else { throw invalid("the array \(name) is \(a.elements.typeName), expected complex128") }
        let values = reorder(v, shape: a.shape, fortranOrder: a.fortranOrder).map { $0 as! Element }
        if let bad = values.firstIndex(where: { !$0.isFinite }) { throw invalid("the array \(name) holds a non-finite value at index \(bad)") }
        return values
    }

    /// A whole-number array (float64 or int64) with every entry in `range`.
    func indices(_ name: String, _ shape: [Int], in range: Range<Int>) throws -> [Int] {
        try real(name, shape).enumerated().map { k, v in
            guard v.rounded() == v, v >= Double(range.lowerBound), v < Double(range.upperBound) else {
                throw invalid("the array \(name) holds \(v) at index \(k), expected a whole number in \(range.lowerBound)..<\(range.upperBound)")
            }
            return Int(v)
        }
    }
}

/// Column-major order of an array stored in C or Fortran order.
func reorder<T>(_ values: [T], shape: [Int], fortranOrder: Bool) -> [T] {
    guard !fortranOrder, shape.count > 1, !values.isEmpty else { return values }
    var result = values
    var strides = [Int](repeating: 1, count: shape.count)  // C strides
    for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
    var index = [Int](repeating: 0, count: shape.count)
    for f in 0..<values.count {
        var c = 0
        for d in 0..<shape.count { c += index[d] * strides[d] }
        result[f] = values[c]
        for d in 0..<shape.count {
            index[d] += 1
            if index[d] < shape[d] { break }
            index[d] = 0
        }
    }
    return result
}

extension NPYArray {
    /// The float64 elements in column-major (Fortran) order, whatever the file's order.
    func matrixOrder() throws -> [Double] {
        reorder(try doubles(), shape: shape, fortranOrder: fortranOrder)
    }

    /// An array of scalars: float64 for real ones, complex128 for complex ones (column-major).
    static func scalars<Element: Scalar>(_ values: [Element], shape: [Int]) -> NPYArray {
        if Element.isComplex {
            return NPYArray(shape: shape, fortranOrder: true, elements: .complex128(values.map { $0 as! Complex<Double> }))
        }
        return NPYArray(shape: shape, fortranOrder: true, elements: .float64(values.map(\.realPart)))
    }
}
