// Where the libraries meet: the catalog of every key a configuration may have, assembled from Optim's
// optimizers and schedules and from Models' models and datasets. Grid validation and run construction
// both read it, so a key is described once, next to the code that uses it.
import SweepCore

/// The project's registry of configuration keys.
public enum Registry {
    /// Keys every run understands, whatever it trains.
    public static let general: [KeySpec] = [
        KeySpec(name: "seed", rule: .number(0...9_007_199_254_740_992, integer: true, expected: "an integer ≥ 0"),
                defaultValue: "0", summary: "seeds weights, data split, shuffling and dropout"),
        KeySpec(name: "epochs", rule: .number(1...1_000_000, integer: true, expected: "an integer from 1 to 1000000"),
                defaultValue: "10", summary: "passes over the training set"),
        KeySpec(name: "batch_size", rule: .number(1...1_000_000, integer: true, expected: "an integer from 1 to 1000000"),
                defaultValue: "64", summary: "samples (or token streams) per step"),
        KeySpec(name: "clip", rule: .number(0...Double.greatestFiniteMagnitude, exclusiveMinimum: true, expected: "a number > 0"),
                defaultValue: "none", summary: "global L2 norm the gradients are clipped to"),
    ]

    /// The catalog grids are validated against.
    public static var catalog: Catalog { Catalog(general: general, selectors: []) }
}
