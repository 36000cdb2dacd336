import LinearAlgebra

/// The online model of the hp nonintrusive reduced basis (`HPNonintrusiveReducedBasis`): a
/// partition of the parameter box and, for each subdomain, its own nonintrusive model — its
/// magic entries, interpolation matrices, reduced matrices, sketch and basis — on the
/// subdomain's box. A query μ is answered by the model of the subdomain holding it
/// (`PartitionedNonintrusiveEvaluator`). Saved as one `.npz` (`OnlineModelFile`, method
/// "hp-nonintrusive-reduced-basis"), each local model as a `nonintrusive-reduced-basis` file
/// inside it, the way a dictionary of local certified models stores its clusters.
public struct PartitionedNonintrusiveModel<Element: Scalar>: Sendable {
    /// The subdomains.
    public let partition: ParameterPartition
    /// The local model of each subdomain, on the subdomain's box.
    public let models: [NonintrusiveReducedModel<Element>]

    /// A dictionary from its parts. Throws `ROMError.dimensionMismatch` unless there is one model
    /// per subdomain, `.invalidOption` for a local model whose box is not its subdomain's or whose
    /// truth order differs from the others'.
    public init(partition: ParameterPartition, models: [NonintrusiveReducedModel<Element>]) throws {
        guard models.count == partition.count else {
            throw ROMError.dimensionMismatch(what: "local models of the partition", expected: partition.count, found: models.count)
        }
        for (i, model) in models.enumerated() {
            guard model.parameterSpace == partition.boxes[i] else {
                throw ROMError.invalidOption(name: "local model \(i)", detail: "its parameter box is not its subdomain's")
            }
            guard model.order == models[0].order else {
                throw ROMError.invalidOption(name: "local model \(i)", detail: "truth order \(model.order), local model 0 has \(models[0].order)")
            }
        }
        self.partition = partition
        self.models = models
    }

    /// The whole parameter box.
    public var parameterSpace: ParameterSpace { partition.space }
    /// The truth order n.
    public var order: Int { models[0].order }
    /// The largest local N.
    public var largestSize: Int { models.map(\.size).max() ?? 0 }
    /// The largest local d.
    public var largestOperatorTerms: Int { models.map(\.operatorTerms).max() ?? 0 }
}
