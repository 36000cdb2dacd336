import ComplexModule
import RealModule
import Foundation
import LinearAlgebra

/// A matrix family written by another code as files in one folder:
///
///     parameters.csv        one row per sample: μ's components, comma-separated; an optional
///                           first row of names (`frequency,resistivity`)
///     A_0000.mtx …          A(μ_j), MatrixMarket (scipy.io.mmwrite), row j of parameters.csv
///     f_0000.npy | .mtx …   f(μ_j), a NumPy vector or a MatrixMarket column
///     inner_product.mtx     optional: X, real SPD (else the Euclidean product)
///
/// The family knows A(μ) and f(μ) at its samples only (`matrix(at:)` throws elsewhere): it is the
/// training set of the nonintrusive RB. Matrices with different patterns are put on their union;
/// a matrix of another order, a missing file, NaN, or a row of parameters.csv with the wrong count
/// of values is an error naming the file (and the line).
public struct MatrixMarketFamily<Element: MatrixMarketScalar>: MatrixFamily {
    /// The samples, on the union pattern.
    public let samples: FamilySamples<Element>
    /// X from `inner_product.mtx`, when the folder has one.
    public let innerProduct: SparseMatrix?
    /// The folder.
    public let folder: URL

    public var parameterSpace: ParameterSpace { samples.parameterSpace }
    public var order: Int { samples.order }

    /// Reads every file of `folder`; `progress` gets the number of samples read.
    public init(folder: URL, progress: ((Int) -> Void)? = nil) throws {
        self.folder = folder
        let table = try ParameterTable.read(folder.appendingPathComponent("parameters.csv"))
        let (names, parameters) = (table.names, table.rows)
        var matrices: [CSRMatrix<Element>] = [], loads: [[Element]] = [], files: [String] = []
        for j in parameters.indices {
            let name = String(format: "A_%04d.mtx", j)
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw FileFormatError.missingEntry(file: folder.lastPathComponent, entry: "\(name) (parameters.csv has \(parameters.count) rows)")
            }
            let a = try Element.readMatrixMarket(url)
            if let first = matrices.first, a.rows != first.rows || a.columns != first.columns {
                throw FileFormatError.invalidInput(file: name, detail: "a \(a.rows)×\(a.columns) matrix, where A_0000.mtx is \(first.rows)×\(first.columns)")
            }
            guard a.rows == a.columns else { throw FileFormatError.invalidInput(file: name, detail: "a \(a.rows)×\(a.columns) matrix is not square") }
            matrices.append(a)
            loads.append(try Self.readVector(folder, index: j, length: a.rows))
            files.append(name)
            progress?(j + 1)
        }
        let space = try ParameterSpace(names: names, lower: (0..<names.count).map { i in parameters.map { $0[i] }.min()! },
                                       upper: (0..<names.count).map { i in parameters.map { $0[i] }.max()! })
        samples = try FamilySamples(parameterSpace: space, parameters: parameters, matrices: matrices, rightHandSides: loads, names: files)
        let x = folder.appendingPathComponent("inner_product.mtx")
        if FileManager.default.fileExists(atPath: x.path) {
            let m = try MatrixMarket.readSparse(x)
            guard m.rows == samples.order, m.columns == samples.order else {
                throw FileFormatError.invalidInput(file: "inner_product.mtx", detail: "a \(m.rows)×\(m.columns) matrix for matrices of order \(samples.order)")
            }
            innerProduct = m
        } else {
            innerProduct = nil
        }
    }

    private static func sampleIndex(of mu: Parameter, in samples: FamilySamples<Element>) throws -> Int {
        guard let j = samples.parameters.firstIndex(of: mu) else {
            throw ROMError.invalidOption(name: "parameter", detail: "the folder holds matrices at its \(samples.parameters.count) parameters only; \(mu) is not one of them")
        }
        return j
    }

    /// A(μ_j) for a sample's μ; throws for another μ.
    public func matrix(at mu: Parameter) throws -> CSRMatrix<Element> { samples.matrix(try Self.sampleIndex(of: mu, in: samples)) }
    /// f(μ_j) for a sample's μ; throws for another μ.
    public func rightHandSide(at mu: Parameter) throws -> [Element] { samples.rightHandSides[try Self.sampleIndex(of: mu, in: samples)] }

    /// f_jjjj.npy or f_jjjj.mtx.
    static func readVector(_ folder: URL, index j: Int, length: Int) throws -> [Element] {
        let npy = folder.appendingPathComponent(String(format: "f_%04d.npy", j))
        let mtx = folder.appendingPathComponent(String(format: "f_%04d.mtx", j))
        let vector: [Element]
        let name: String
        if FileManager.default.fileExists(atPath: npy.path) {
            name = npy.lastPathComponent
            vector = try Element.readVector(npy)
        } else if FileManager.default.fileExists(atPath: mtx.path) {
            name = mtx.lastPathComponent
            let m = try Element.readMatrixMarket(mtx)
            guard m.columns == 1 || m.rows == 1 else {
                throw FileFormatError.invalidInput(file: name, detail: "a \(m.rows)×\(m.columns) matrix, expected a column vector")
            }
            vector = m.columns == 1 ? m.column(0) : m.row(0)
        } else {
            throw FileFormatError.missingEntry(file: folder.lastPathComponent, entry: "\(npy.lastPathComponent) or \(mtx.lastPathComponent)")
        }
        guard vector.count == length else {
            throw FileFormatError.invalidInput(file: name, detail: "\(vector.count) entries for matrices of order \(length)")
        }
        return vector
    }

    /// Writes `samples` in this layout (what an external code would write): MatrixMarket
    /// matrices, NumPy vectors, parameters.csv with the space's names, and X if given.
    public static func write(_ samples: FamilySamples<Element>, innerProduct: SparseMatrix? = nil, to folder: URL) throws {
        try AtomicFile.createFolder(folder)
        var csv = samples.parameterSpace.names.joined(separator: ",") + "\n"
        for mu in samples.parameters { csv += mu.values.map { "\($0)" }.joined(separator: ",") + "\n" }
        try AtomicFile.write(Array(csv.utf8), to: folder.appendingPathComponent("parameters.csv"))
        for j in samples.parameters.indices {
            try Element.writeMatrixMarket(samples.matrix(j), to: folder.appendingPathComponent(String(format: "A_%04d.mtx", j)))
            try Element.writeVector(samples.rightHandSides[j], to: folder.appendingPathComponent(String(format: "f_%04d.npy", j)))
        }
        if let innerProduct { try MatrixMarket.write(innerProduct, to: folder.appendingPathComponent("inner_product.mtx")) }
    }
}

/// A scalar whose matrices and vectors MatrixMarket and NumPy files hold.
public protocol MatrixMarketScalar: Scalar {
    /// Reads a sparse matrix.
    static func readMatrixMarket(_ url: URL) throws -> CSRMatrix<Self>
    /// Writes a sparse matrix.
    static func writeMatrixMarket(_ a: CSRMatrix<Self>, to url: URL) throws
    /// Reads a vector from a `.npy` file (complex: complex128 of shape (n,), or float64 (n, 2)).
    static func readVector(_ url: URL) throws -> [Self]
    /// Writes a vector as `.npy` (complex: as MatrixMarket is the only complex format we write, a
    /// `.npy` of shape (n, 2) with real and imaginary parts).
    static func writeVector(_ v: [Self], to url: URL) throws
}

extension Double: MatrixMarketScalar {
    public static func readMatrixMarket(_ url: URL) throws -> SparseMatrix { try MatrixMarket.readSparse(url) }
    public static func writeMatrixMarket(_ a: SparseMatrix, to url: URL) throws { try MatrixMarket.write(a, to: url) }
    public static func readVector(_ url: URL) throws -> [Double] {
        let array = try NPY.read(url)
        guard array.shape.count == 1 || (array.shape.count == 2 && array.shape.contains(1)) else {
            throw FileFormatError.invalidInput(file: url.lastPathComponent, detail: "shape \(array.shape), expected a vector")
        }
        let values = try array.doubles()
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw FileFormatError.invalidInput(file: url.lastPathComponent, detail: "a NaN or infinite value at index \(bad)")
        }
        return values
    }
    public static func writeVector(_ v: [Double], to url: URL) throws { try NPY.write(v, to: url) }
}

extension Complex: MatrixMarketScalar where RealType == Double {
    public static func readMatrixMarket(_ url: URL) throws -> ComplexSparseMatrix { try MatrixMarket.readComplexSparse(url) }
    public static func writeMatrixMarket(_ a: ComplexSparseMatrix, to url: URL) throws { try MatrixMarket.write(a, to: url) }
    public static func readVector(_ url: URL) throws -> [Complex<Double>] {
        let array = try NPY.read(url)
        if case .complex128(let z) = array.elements {
            // numpy's own complex vector (complex128, shape (n,)).
            guard array.shape.count == 1 || (array.shape.count == 2 && array.shape.contains(1)) else {
                throw FileFormatError.invalidInput(file: url.lastPathComponent, detail: "shape \(array.shape), expected a vector")
            }
            if let bad = z.firstIndex(where: { !$0.isFinite }) {
                throw FileFormatError.invalidInput(file: url.lastPathComponent, detail: "a NaN or infinite value at index \(bad)")
            }
            return z
        }
        let values = try array.matrixOrder()
        guard array.shape.count == 2, array.shape[1] == 2 else {
            throw FileFormatError.invalidInput(file: url.lastPathComponent, detail: "shape \(array.shape), expected (n, 2): real and imaginary parts")
        }
        let n = array.shape[0]
        return (0..<n).map { Complex(values[$0], values[n + $0]) }
    }
    public static func writeVector(_ v: [Complex<Double>], to url: URL) throws {
        try NPY.write(Matrix(columns: [v.map(\.real), v.map(\.imaginary)]), to: url)
    }
}
