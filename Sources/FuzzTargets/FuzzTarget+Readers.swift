import FEM
import Foundation
import LinearAlgebra
import ROM

extension FuzzTarget {
    static func readGmsh(_ bytes: [UInt8]) throws {
        let mesh = try GmshReader.parse(bytes, file: "input.msh")
        let nodes = mesh.nodeCount
        guard mesh.coordinates.allSatisfy(\.isFinite) else { finding("a mesh with a non-finite coordinate was accepted") }
        guard mesh.cells.allSatisfy({ (0..<nodes).contains($0) }),
              mesh.boundaryFacets.allSatisfy({ (0..<nodes).contains($0) }) else {
            finding("a mesh whose cells name a node outside 0..<\(nodes) was accepted")
        }
        guard mesh.regions.count == mesh.cellCount, mesh.boundaryTags.count == mesh.facetCount else {
            finding("a mesh whose region or tag counts differ from its cell or facet counts was accepted")
        }
    }

    /// Accepted when one of the three readers takes the file (a complex file is refused by the
    /// real readers, an `array` file read as sparse drops its zeros).
    static func readMatrixMarket(_ bytes: [UInt8]) throws {
        let url = try ScratchFile.write(bytes, name: "input.mtx")
        var errors: [Error] = []
        do { try checkPattern(try MatrixMarket.readSparse(url)) } catch { errors.append(error) }
        do { try checkPattern(try MatrixMarket.readComplexSparse(url)) } catch { errors.append(error) }
        do {
            let dense = try MatrixMarket.readDense(url)
            guard dense.rows * dense.columns == dense.storage.count else { finding("a dense matrix whose size is not rows × columns was accepted") }
        } catch { errors.append(error) }
        if errors.count == 3 { throw errors[0] }
    }

    static func checkPattern<Element>(_ a: CSRMatrix<Element>) throws {
        guard a.rowPointers.count == a.rows + 1, a.rowPointers.first == 0, a.rowPointers.last == a.nonzeroCount,
              zip(a.rowPointers, a.rowPointers.dropFirst()).allSatisfy({ $0 <= $1 }),
              a.columnIndices.allSatisfy({ (0..<a.columns).contains($0) }), a.values.count == a.nonzeroCount else {
            finding("a sparse matrix with an inconsistent pattern was accepted")
        }
    }

    static func decodeNPY(_ bytes: [UInt8]) throws {
        checkShape(try NPY.decode(Data(bytes), name: "input.npy"))
    }

    static func checkShape(_ array: NPYArray) {
        var count = 1
        for extent in array.shape {
            guard extent >= 0 else { finding("an array of negative extent \(array.shape) was accepted") }
            count *= extent
        }
        guard count == array.count else { finding("an array of shape \(array.shape) holding \(array.count) elements was accepted") }
    }

    static func readNPZ(_ bytes: [UInt8]) throws {
        let archive = try NPZArchive(contentsOf: try ScratchFile.write(bytes, name: "input.npz"))
        for array in archive.arrays.values { checkShape(array) }
    }

    static func loadModel(_ bytes: [UInt8]) throws {
        let model = try OnlineModelFile.load(try ScratchFile.write(bytes, name: "model.npz")).model
        let space = model.parameterSpace
        let centre = zip(space.lower, space.upper).map { 0.5 * ($0 + $1) }
        for mu in [space.lower, space.upper, centre] {
            try model.solve(Parameter(mu))
            guard model.coefficients.count == model.reducedDimension, model.outputs.count == model.outputCount else {
                finding("a model answered with \(model.coefficients.count) coefficients and \(model.outputs.count) outputs, "
                        + "its sizes say \(model.reducedDimension) and \(model.outputCount)")
            }
            guard model.coefficients.allSatisfy(\.isFinite), model.outputs.allSatisfy(\.isFinite),
                  !model.errorEstimate.isNaN else {
                finding("a model answered μ = \(mu) with a non-finite value and no error")
            }
            if model.canReconstruct {
                let field = try model.reconstruct(model.coefficients)
                guard field.allSatisfy(\.isFinite) else { finding("a model reconstructed a non-finite field at μ = \(mu)") }
            }
        }
    }

    static func evaluateExpression(_ bytes: [UInt8]) throws {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileFormatError.unreadable(file: "expression", detail: "\(bytes.count) bytes that are not UTF-8 text")
        }
        let names = ["a", "b", "c"]
        let function = try ParameterFunction(text, names: names)
        guard function.largestComponent < names.count else { return }
        _ = function(Parameter([0.5, 2, -1]))
    }
}
