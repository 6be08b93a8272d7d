// The names of the metrics records carry, and which way is better for each: the contract between the
// worker that writes them and the reports that rank configurations by them.

/// Metric names and their directions.
public enum MetricNames {
    /// The splits a run reports on.
    public static let splits = ["train", "valid", "test"]
    /// Quantities measured on each split: `<split>_<quantity>`, e.g. `valid_accuracy`.
    /// Accuracy is a fraction in [0, 1]; perplexity is exp(mean loss per token); mse is the mean squared
    /// error per example (summed over an example's outputs).
    public static let quantities = ["loss", "accuracy", "perplexity", "mse", "bleu"]
    /// Share of critical-gradient buffer decisions that admitted the gradient, per epoch.
    public static let admittedShare = "admitted_share"
    /// The learning rate used in the epoch (after schedule and warm-up).
    public static let learningRate = "lr"

    /// Whether larger values of `metric` are better (accuracy), smaller (loss, perplexity, mse), or nil
    /// when the metric has no direction (admitted share, learning rate).
    public static func higherIsBetter(_ metric: String) -> Bool? {
        if metric.hasSuffix("_accuracy") || metric.hasSuffix("_bleu") { return true }
        if metric.hasSuffix("_loss") || metric.hasSuffix("_perplexity") || metric.hasSuffix("_mse") { return false }
        return nil
    }

    /// The validation metric runs are selected by, given the metrics a run reports: accuracy when there
    /// is one, else perplexity, else mse, else loss.
    public static func selectionMetric(among metrics: [String]) -> String? {
        ["valid_accuracy", "valid_perplexity", "valid_mse", "valid_loss"].first(where: metrics.contains)
    }
}
