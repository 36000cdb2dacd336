import Foundation

/// A coefficient function θ(μ) of an affine decomposition, written as an expression in the
/// parameter's components — `"mu[0]"`, `"1"`, `"exp(-mu[1]) * diffusion_2 ^ 2"` — and compiled
/// once to a postfix program.
///
/// The expression (not a closure) is what makes an online model a self-contained file: it is
/// stored as text in the model and recompiled on load. Evaluation allocates nothing.
///
/// Grammar: numbers, `mu[k]`, component names of the parameter space, `+ - * / ^`, unary minus,
/// parentheses, and the functions `exp log sqrt sin cos tan abs` (one argument), `min max pow`
/// (two arguments). Nesting (parentheses, unary signs, powers, function calls) is limited to
/// `maximumNesting` levels, so a hostile expression cannot overflow the parser's stack.
public struct ParameterFunction: Equatable, Sendable, Codable, CustomStringConvertible {
    /// The source text.
    public let expression: String
    private let program: [Instruction]
    private let stackDepth: Int
    /// The program when it is one component or one constant (θ_q = μ_q, θ = 1: most affine
    /// coefficients), which `evaluate` answers without running it.
    private let single: Instruction?
    /// The largest component index the expression reads, or -1.
    public let largestComponent: Int
    /// The deepest nesting the parser accepts (each level is a few stack frames of the recursive
    /// descent; 200 is far beyond any coefficient written by hand and far below the stack limit).
    public static let maximumNesting = 200

    enum Instruction: Equatable, Sendable {
        case constant(Double), component(Int)
        case add, subtract, multiply, divide, power, negate, minimum, maximum
        case function(Function)
    }

    enum Function: String, CaseIterable, Sendable {
        case exp, log, sqrt, sin, cos, tan, abs
    }

    /// Compiles `expression`; `names` are the parameter component names usable besides `mu[k]`.
    /// - Throws: `ParameterFunctionError` naming the character offset and what was expected.
    public init(_ expression: String, names: [String] = []) throws {
        var parser = Parser(text: Array(expression.utf8), names: names)
        parser.skipSpaces()
        try parser.expression()
        parser.skipSpaces()
        guard parser.position == parser.text.count else { throw parser.error("end of expression") }
        self.expression = expression
        program = parser.program
        stackDepth = Self.depth(of: parser.program)
        single = parser.program.count == 1 ? parser.program[0] : nil
        largestComponent = parser.program.reduce(-1) { if case .component(let k) = $1 { return max($0, k) } else { return $0 } }
    }

    /// θ(μ) = c, a constant.
    public static func constant(_ c: Double) -> ParameterFunction {
        // A number's description always parses back.
        try! ParameterFunction("\(c)")
    }

    /// θ(μ) = μ_k.
    public static func component(_ k: Int) -> ParameterFunction {
        try! ParameterFunction("mu[\(k)]")
    }

    public var description: String { expression }

    /// θ(μ).
    @inlinable
    public func callAsFunction(_ mu: Parameter) -> Double {
        mu.values.withUnsafeBufferPointer { evaluate($0) }
    }

    /// θ(μ) for the components in `mu` (no allocation: the stack lives on the call stack).
    public func evaluate(_ mu: UnsafeBufferPointer<Double>) -> Double {
        precondition(largestComponent < mu.count, "ParameterFunction '\(expression)' reads mu[\(largestComponent)] of a \(mu.count)-component parameter")
        switch single {
        case .component(let k): return mu[k]
        case .constant(let c): return c
        default: break
        }
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: max(stackDepth, 1)) { stack in
            var top = -1
            for instruction in program {
                switch instruction {
                case .constant(let c): top += 1; stack[top] = c
                case .component(let k): top += 1; stack[top] = mu[k]
                case .negate: stack[top] = -stack[top]
                case .function(let f): stack[top] = Self.apply(f, stack[top])
                case .add: top -= 1; stack[top] += stack[top + 1]
                case .subtract: top -= 1; stack[top] -= stack[top + 1]
                case .multiply: top -= 1; stack[top] *= stack[top + 1]
                case .divide: top -= 1; stack[top] /= stack[top + 1]
                case .power: top -= 1; stack[top] = Foundation.pow(stack[top], stack[top + 1])
                case .minimum: top -= 1; stack[top] = Swift.min(stack[top], stack[top + 1])
                case .maximum: top -= 1; stack[top] = Swift.max(stack[top], stack[top + 1])
                }
            }
            return stack[0]
        }
    }

    private static func apply(_ f: Function, _ x: Double) -> Double {
        switch f {
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .sqrt: return x.squareRoot()
        case .sin: return Foundation.sin(x)
        case .cos: return Foundation.cos(x)
        case .tan: return Foundation.tan(x)
        case .abs: return Swift.abs(x)
        }
    }

    private static func depth(of program: [Instruction]) -> Int {
        var depth = 0, deepest = 0
        for instruction in program {
            switch instruction {
            case .constant, .component: depth += 1
            case .negate, .function: break
            default: depth -= 1
            }
            deepest = max(deepest, depth)
        }
        return deepest
    }

    public static func == (a: ParameterFunction, b: ParameterFunction) -> Bool { a.program == b.program }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(canonicalExpression)
    }

    /// The expression with component names replaced by `mu[k]`, so it compiles without the names.
    public var canonicalExpression: String {
        var stack: [String] = []
        for instruction in program {
            switch instruction {
            case .constant(let c): stack.append(c < 0 ? "(\(c))" : "\(c)")
            case .component(let k): stack.append("mu[\(k)]")
            case .negate: stack.append("(-\(stack.removeLast()))")
            case .function(let f): stack.append("\(f.rawValue)(\(stack.removeLast()))")
            default:
                let b = stack.removeLast(), a = stack.removeLast()
                switch instruction {
                case .add: stack.append("(\(a) + \(b))")
                case .subtract: stack.append("(\(a) - \(b))")
                case .multiply: stack.append("(\(a) * \(b))")
                case .divide: stack.append("(\(a) / \(b))")
                case .power: stack.append("(\(a) ^ \(b))")
                case .minimum: stack.append("min(\(a), \(b))")
                default: stack.append("max(\(a), \(b))")
                }
            }
        }
        return stack.last ?? "0"
    }
}

/// A coefficient expression that does not parse.
public struct ParameterFunctionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The expression.
    public let expression: String
    /// Character offset (0-based) where parsing stopped.
    public let offset: Int
    /// What the parser expected there.
    public let expected: String

    /// Names the expression (its first 60 characters when longer, so a hostile one does not
    /// flood the message), the offset and what was expected.
    public var description: String {
        let shown = expression.count > 60 ? String(expression.prefix(60)) + "… (\(expression.utf8.count) characters)" : expression
        return "coefficient expression '\(shown)', offset \(offset): expected \(expected)"
    }
}

/// Recursive-descent parser emitting postfix instructions.
private struct Parser {
    let text: [UInt8]
    let names: [String]
    var position = 0
    var program: [ParameterFunction.Instruction] = []
    /// The current nesting level (calls of `unary` under way).
    var nesting = 0

    init(text: [UInt8], names: [String]) {
        self.text = text
        self.names = names
    }

    func error(_ expected: String) -> ParameterFunctionError {
        ParameterFunctionError(expression: String(decoding: text, as: UTF8.self), offset: position, expected: expected)
    }

    mutating func skipSpaces() {
        while position < text.count && (text[position] == 32 || text[position] == 9) { position += 1 }
    }

    mutating func accept(_ c: Character) -> Bool {
        skipSpaces()
        if position < text.count && text[position] == c.asciiValue! {
            position += 1
            skipSpaces()
            return true
        }
        return false
    }

    mutating func expression() throws {
        try term()
        while true {
            if accept("+") { try term(); program.append(.add) } else if accept("-") { try term(); program.append(.subtract) } else { return }
        }
    }

    mutating func term() throws {
        try unary()
        while true {
            if accept("*") { try unary(); program.append(.multiply) } else if accept("/") { try unary(); program.append(.divide) } else { return }
        }
    }

    mutating func unary() throws {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= ParameterFunction.maximumNesting else {
            throw error("at most \(ParameterFunction.maximumNesting) nested levels (parentheses, signs, powers, function calls)")
        }
        if accept("-") { try unary(); program.append(.negate); return }
        if accept("+") { try unary(); return }
        try primary()
        if accept("^") { try unary(); program.append(.power) }
    }

    mutating func primary() throws {
        skipSpaces()
        guard position < text.count else { throw error("a number, mu[k], a name, a function or '('") }
        if accept("(") {
            try expression()
            guard accept(")") else { throw error("')'") }
            return
        }
        let c = text[position]
        if (c >= 48 && c <= 57) || c == 46 { return try number() }
        guard c == 95 || (c | 0x20 >= 97 && c | 0x20 <= 122) else { throw error("a number, mu[k], a name, a function or '('") }
        let start = position
        while position < text.count, text[position] == 95 || (text[position] | 0x20 >= 97 && text[position] | 0x20 <= 122)
            || (text[position] >= 48 && text[position] <= 57) { position += 1 }
        let word = String(decoding: text[start..<position], as: UTF8.self)
        if word == "mu" && accept("[") {
            skipSpaces()
            let digitsStart = position
            while position < text.count && text[position] >= 48 && text[position] <= 57 { position += 1 }
            guard position > digitsStart, let k = Int(String(decoding: text[digitsStart..<position], as: UTF8.self)) else {
                throw error("a component index")
            }
            guard accept("]") else { throw error("']'") }
            program.append(.component(k))
        } else if let f = ParameterFunction.Function(rawValue: word) {
            guard accept("(") else { throw error("'(' after \(word)") }
            try expression()
            guard accept(")") else { throw error("')'") }
            program.append(.function(f))
        } else if word == "min" || word == "max" || word == "pow" {
            guard accept("(") else { throw error("'(' after \(word)") }
            try expression()
            guard accept(",") else { throw error("',' (\(word) takes two arguments)") }
            try expression()
            guard accept(")") else { throw error("')'") }
            program.append(word == "min" ? .minimum : word == "max" ? .maximum : .power)
        } else if let k = names.firstIndex(of: word) {
            program.append(.component(k))
        } else {
            position = start
            throw error("a known name (mu[k], \(names.isEmpty ? "" : names.joined(separator: ", ") + ", ")a function), found '\(word)'")
        }
    }

    mutating func number() throws {
        let start = position
        while position < text.count {
            let c = text[position]
            let isExponentSign = (c == 43 || c == 45) && position > start && (text[position - 1] | 0x20) == 101
            guard (c >= 48 && c <= 57) || c == 46 || (c | 0x20) == 101 || isExponentSign else { break }
            position += 1
        }
        guard let value = Double(String(decoding: text[start..<position], as: UTF8.self)) else {
            position = start
            throw error("a number")
        }
        program.append(.constant(value))
        skipSpaces()
    }
}
