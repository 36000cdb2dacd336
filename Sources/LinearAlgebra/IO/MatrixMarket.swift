import ComplexModule
import Foundation
import RealModule

/// Reads and writes Matrix Market files (`.mtx`), the text format of the SuiteSparse Matrix
/// Collection, SciPy's `scipy.io.mmread`/`mmwrite`, MATLAB's and Julia's readers.
///
/// Readers take the `coordinate` format (real, integer, pattern, complex fields; general,
/// symmetric, skew-symmetric, hermitian symmetry) and the `array` format (dense, column-major).
/// Symmetric storage is expanded to the full matrix and duplicate entries are summed, as finite
/// element assembly does. Files are parsed as bytes, without a `String` per line: a million-row
/// Laplacian with five million entries reads in about a second.
///
/// Every problem throws a `FileFormatError` naming the file and the line:
/// `matrix.mtx, line 7: expected 3 numbers (row column value), found "1 2"`. NaN and infinite
/// values are rejected.
public enum MatrixMarket {
    /// Reads a real sparse matrix from a `coordinate` file (real, integer or pattern field; pattern
    /// entries read as 1) or from an `array` file (its zero entries are dropped).
    ///
    /// Symmetric and skew-symmetric files are expanded to the full matrix; duplicates are summed.
    /// - Throws: `FileFormatError` (`.malformed` with the line, `.tooFewEntries`, `.unsupported`
    ///   for a complex file, `.unreadable`).
    public static func readSparse(_ url: URL) throws -> SparseMatrix {
        try parse(url) { parser, textBytes in
            let header = parser.header
            guard header.field != .complex else {
                throw FileFormatError.unsupported(file: parser.scanner.file,
                                                  detail: "the complex field: read it with MatrixMarket.readComplexSparse")
            }
            var sink = RealSparseSink(
                builder: SparseBuilder(rows: header.rows, columns: header.columns,
                                       reservingCapacity: tripletCapacity(header, textBytes: textBytes)),
                dropZeros: header.format == .array)
            try parser.readEntries(into: &sink)
            return sink.builder.build()
        }
    }

    /// Reads a complex sparse matrix from a `coordinate` or `array` file; real, integer and pattern
    /// files are read with zero imaginary parts.
    ///
    /// Symmetric files are expanded with A[j, i] = A[i, j], skew-symmetric ones with
    /// A[j, i] = -A[i, j], hermitian ones with A[j, i] = conj(A[i, j]); duplicates are summed.
    /// - Throws: `FileFormatError` as `readSparse(_:)` does.
    public static func readComplexSparse(_ url: URL) throws -> ComplexSparseMatrix {
        try parse(url) { parser, textBytes in
            let header = parser.header
            var sink = ComplexSparseSink(
                builder: SparseBuilder(rows: header.rows, columns: header.columns,
                                       reservingCapacity: tripletCapacity(header, textBytes: textBytes)),
                dropZeros: header.format == .array)
            try parser.readEntries(into: &sink)
            return sink.builder.build()
        }
    }

    /// Reads a real dense matrix from an `array` file (general, symmetric with its lower triangle
    /// stored column-wise, or skew-symmetric) or from a `coordinate` file (duplicates summed).
    /// - Throws: `FileFormatError` as `readSparse(_:)` does; `.unsupported` when the matrix has
    ///   more than 2³¹ entries.
    public static func readDense(_ url: URL) throws -> Matrix {
        try parse(url) { parser, textBytes in
            let header = parser.header
            guard header.field != .complex else {
                throw FileFormatError.unsupported(file: parser.scanner.file,
                                                  detail: "the complex field: read it with MatrixMarket.readComplexSparse")
            }
            let (count, overflow) = header.rows.multipliedReportingOverflow(by: header.columns)
            guard !overflow && count <= 1 << 31 else {
                throw FileFormatError.unsupported(file: parser.scanner.file,
                                                  detail: "a \(header.rows)×\(header.columns) matrix is too large to read as dense")
            }
            if header.format == .array && header.entries > textBytes / 2 + 1 {
                // Too short to hold the announced values (each needs a digit and a line break):
                // count what is there instead of allocating the announced size.
                let start = parser.scanner
                var discard = DiscardingSink()
                try parser.readEntries(into: &discard)
                parser.scanner = start
            }
            var sink = DenseSink(matrix: Matrix(rows: header.rows, columns: header.columns))
            try parser.readEntries(into: &sink)
            return sink.matrix
        }
    }

    /// Reads the whole file, parses its header, and hands the parser (positioned on the first data
    /// line) and the file's size in bytes to `body`.
    private static func parse<Result>(
        _ url: URL, _ body: (inout MatrixMarketParser, Int) throws -> Result
    ) throws -> Result {
        let bytes = try AtomicFile.readBytes(url, nulTerminated: true)
        return try bytes.withUnsafeBufferPointer { buffer in
            let scanner = TextScanner(base: buffer.baseAddress!, count: buffer.count - 1, file: url.lastPathComponent)
            var parser = MatrixMarketParser(scanner: scanner)
            try parser.readHeader()
            return try body(&parser, buffer.count - 1)
        }
    }

    /// Triplets to reserve: the announced entries (twice for symmetric storage), but no more than
    /// the file can hold (a coordinate line takes at least 4 bytes), so a wrong size line cannot
    /// trigger a huge allocation.
    private static func tripletCapacity(_ header: MatrixMarketHeader, textBytes: Int) -> Int {
        let announced = min(header.entries, textBytes / 4 + 16)
        return header.symmetry == .general ? announced : 2 * announced
    }
}

/// Collects real entries into a `SparseBuilder`.
private struct RealSparseSink: MatrixMarketSink {
    var builder: SparseBuilder<Double>
    let dropZeros: Bool

    @inline(__always)
    mutating func add(_ i: Int, _ j: Int, _ re: Double, _ im: Double) {
        if dropZeros && re == 0 { return }
        builder.add(i, j, re)
    }
}

/// Collects complex entries into a `SparseBuilder`.
private struct ComplexSparseSink: MatrixMarketSink {
    var builder: SparseBuilder<Complex<Double>>
    let dropZeros: Bool

    @inline(__always)
    mutating func add(_ i: Int, _ j: Int, _ re: Double, _ im: Double) {
        if dropZeros && re == 0 && im == 0 { return }
        builder.add(i, j, Complex(re, im))
    }
}

/// Sums entries into a dense matrix.
private struct DenseSink: MatrixMarketSink {
    var matrix: Matrix

    @inline(__always)
    mutating func add(_ i: Int, _ j: Int, _ re: Double, _ im: Double) {
        matrix.storage[i + j * matrix.rows] += re
    }
}
