/// The banner and size line of a Matrix Market file.
struct MatrixMarketHeader {
    /// `coordinate` (sparse triplets) or `array` (dense, column-major).
    enum Format: String { case coordinate, array }
    /// The type of the stored values.
    enum Field: String { case real, integer, complex, pattern }
    /// Which part of the matrix is stored.
    enum Symmetry: String {
        case general, symmetric, hermitian
        case skewSymmetric = "skew-symmetric"
    }

    var format: Format
    var field: Field
    var symmetry: Symmetry
    var rows = 0
    var columns = 0
    /// Number of data entries the file holds (the third number of a coordinate size line; for an
    /// array, the number of stored values: all, or one triangle).
    var entries = 0
}

/// Receives the entries of a Matrix Market file, 0-based, already expanded for symmetry.
protocol MatrixMarketSink {
    /// Adds `re + i·im` to entry (`i`, `j`); duplicates arrive as separate calls.
    mutating func add(_ i: Int, _ j: Int, _ re: Double, _ im: Double)
}

/// A sink that drops everything (to count the entries of a file too short for its announced size).
struct DiscardingSink: MatrixMarketSink {
    mutating func add(_ i: Int, _ j: Int, _ re: Double, _ im: Double) {}
}

/// Reads a Matrix Market file from a zero-terminated byte buffer.
struct MatrixMarketParser {
    var scanner: TextScanner
    var header = MatrixMarketHeader(format: .coordinate, field: .real, symmetry: .general)

    init(scanner: TextScanner) {
        self.scanner = scanner
    }

    private static let bannerSyntax =
        "'%%MatrixMarket matrix coordinate|array real|integer|complex|pattern general|symmetric|skew-symmetric|hermitian'"

    /// Reads the banner, the comments and the size line; leaves the cursor on the first data line.
    mutating func readHeader() throws {
        let bannerStart = scanner.position
        guard let first = scanner.token(), tokenText(first).lowercased() == "%%matrixmarket" else {
            throw scanner.malformedLine(at: bannerStart, expected: "the banner \(Self.bannerSyntax)")
        }
        var words: [String] = []
        while let t = scanner.token() { words.append(tokenText(t).lowercased()) }
        guard words.count == 4, let format = MatrixMarketHeader.Format(rawValue: words[1]),
              let field = MatrixMarketHeader.Field(rawValue: words[2] == "double" ? "real" : words[2]),
              let symmetry = MatrixMarketHeader.Symmetry(rawValue: words[3]) else {
            throw scanner.malformedLine(at: bannerStart, expected: "the banner \(Self.bannerSyntax)")
        }
        guard words[0] == "matrix" else {
            throw FileFormatError.unsupported(file: scanner.file, detail: "object '\(words[0])': only 'matrix' is read")
        }
        if format == .array && field == .pattern {
            throw FileFormatError.unsupported(file: scanner.file, detail: "the 'pattern' field needs the coordinate format")
        }
        if symmetry == .hermitian && field != .complex {
            throw FileFormatError.unsupported(file: scanner.file, detail: "'hermitian' symmetry needs the complex field")
        }
        header = MatrixMarketHeader(format: format, field: field, symmetry: symmetry)
        scanner.nextLine()

        guard scanner.skipToContentLine() else {
            throw FileFormatError.malformed(file: scanner.file, line: scanner.line,
                                            expected: "a size line", found: "end of file")
        }
        let sizeStart = scanner.position
        let expected = format == .coordinate ? "3 integers (rows columns entries)" : "2 integers (rows columns)"
        var sizes: [Int] = []
        while let t = scanner.token() {
            guard let value = parseUnsignedInteger(t), sizes.count < 3 else {
                throw scanner.malformedLine(at: sizeStart, expected: expected)
            }
            sizes.append(value)
        }
        guard sizes.count == (format == .coordinate ? 3 : 2) else {
            throw scanner.malformedLine(at: sizeStart, expected: expected)
        }
        header.rows = sizes[0]
        header.columns = sizes[1]
        if symmetry != .general && header.rows != header.columns {
            throw scanner.malformedLine(at: sizeStart, expected: "a square size for a \(symmetry.rawValue) matrix")
        }
        let limit = Int(Int32.max)
        if header.rows > limit || header.columns > limit {
            throw FileFormatError.unsupported(
                file: scanner.file, detail: "a \(header.rows)×\(header.columns) matrix is too large (at most \(limit) rows and columns)")
        }
        if format == .coordinate {
            header.entries = sizes[2]
        } else {
            let n = header.rows
            switch symmetry {
            case .general: header.entries = header.rows * header.columns
            case .symmetric, .hermitian: header.entries = n * (n + 1) / 2
            case .skewSymmetric: header.entries = n * (n - 1) / 2
            }
        }
        scanner.nextLine()
    }

    /// Reads the data lines into `sink`, expanding symmetric storage; then checks that only blank or
    /// comment lines follow.
    mutating func readEntries<Sink: MatrixMarketSink>(into sink: inout Sink) throws {
        let valueCount = header.field == .complex ? 2 : (header.field == .pattern ? 0 : 1)
        let expected: String
        switch (header.format, header.field) {
        case (.coordinate, .pattern): expected = "2 numbers (row column)"
        case (.coordinate, .complex): expected = "4 numbers (row column real imaginary)"
        case (.coordinate, _): expected = "3 numbers (row column value)"
        case (.array, .complex): expected = "2 numbers (real imaginary)"
        case (.array, _): expected = "1 number (value)"
        }
        var arrayRow = 0, arrayColumn = 0
        if header.format == .array { arrayRow = header.symmetry == .skewSymmetric ? 1 : 0 }
        for found in 0..<header.entries {
            guard scanner.skipToContentLine() else {
                throw FileFormatError.tooFewEntries(file: scanner.file, announced: header.entries, found: found)
            }
            let lineStart = scanner.position
            var i: Int, j: Int
            if header.format == .coordinate {
                guard let rowToken = scanner.token(), let columnToken = scanner.token() else {
                    throw scanner.malformedLine(at: lineStart, expected: expected)
                }
                i = try index(rowToken, bound: header.rows, what: "row")
                j = try index(columnToken, bound: header.columns, what: "column")
            } else {
                i = arrayRow
                j = arrayColumn
                arrayRow += 1
                if arrayRow == header.rows {
                    arrayColumn += 1
                    switch header.symmetry {
                    case .general: arrayRow = 0
                    case .symmetric, .hermitian: arrayRow = arrayColumn
                    case .skewSymmetric: arrayRow = arrayColumn + 1
                    }
                }
            }
            var re = 1.0, im = 0.0
            if valueCount >= 1 {
                guard let t = scanner.token() else { throw scanner.malformedLine(at: lineStart, expected: expected) }
                re = try value(t)
            }
            if valueCount == 2 {
                guard let t = scanner.token() else { throw scanner.malformedLine(at: lineStart, expected: expected) }
                im = try value(t)
            }
            guard scanner.token() == nil else { throw scanner.malformedLine(at: lineStart, expected: expected) }
            if i == j && header.symmetry == .skewSymmetric {
                throw scanner.malformedLine(
                    at: lineStart, expected: "an entry off the diagonal (a skew-symmetric matrix has a zero diagonal)")
            }
            scanner.nextLine()

            sink.add(i, j, re, im)
            if i != j {
                switch header.symmetry {
                case .general: break
                case .symmetric: sink.add(j, i, re, im)
                case .skewSymmetric: sink.add(j, i, -re, -im)
                case .hermitian: sink.add(j, i, re, -im)
                }
            }
        }
        if scanner.skipToContentLine() {
            throw scanner.malformedLine(at: scanner.position, expected: "the end of the file after \(header.entries) entries")
        }
    }

    /// A 1-based index token checked against `1...bound`, returned 0-based.
    @inline(__always)
    private func index(_ token: UnsafeBufferPointer<UInt8>, bound: Int, what: String) throws -> Int {
        guard let k = parseUnsignedInteger(token), k >= 1, k <= bound else {
            throw FileFormatError.malformed(file: scanner.file, line: scanner.line,
                                            expected: "a \(what) index between 1 and \(bound)", found: tokenText(token))
        }
        return k - 1
    }

    /// A value token: an integer for the integer field, a finite number otherwise.
    @inline(__always)
    private func value(_ token: UnsafeBufferPointer<UInt8>) throws -> Double {
        if header.field == .integer {
            guard let k = parseSignedInteger(token) else {
                throw FileFormatError.malformed(file: scanner.file, line: scanner.line,
                                                expected: "an integer", found: tokenText(token))
            }
            return Double(k)
        }
        guard let x = parseDouble(token) else {
            throw FileFormatError.malformed(file: scanner.file, line: scanner.line,
                                            expected: "a number", found: tokenText(token))
        }
        guard x.isFinite else {
            throw FileFormatError.malformed(file: scanner.file, line: scanner.line,
                                            expected: "a finite number", found: tokenText(token))
        }
        return x
    }
}
