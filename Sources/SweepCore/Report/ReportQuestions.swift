// What a user asks `sweep report` beyond the ranking: a target to time convergence against
// (`--target valid_accuracy=0.85`), two optimizers to compare seed by seed (`--compare adam,adam_c`),
// and two keys to map (`--map lr,momentum`) with a boundary to draw over the map.
import Vocabulary

/// The optional questions of a report; each nil asks nothing (the target then defaults per section).
public struct ReportQuestions: Sendable {
    public var target: (metric: String, value: Double)?
    public var compare: (a: String, b: String)?
    public var map: (x: String, y: String)?
    public var boundary: String?

    public init(target: (metric: String, value: Double)? = nil, compare: (a: String, b: String)? = nil,
                map: (x: String, y: String)? = nil, boundary: String? = nil) {
        self.target = target
        self.compare = compare
        self.map = map
        self.boundary = boundary
    }
}

/// A question the results cannot answer as asked.
public enum ReportQuestionError: Error, Equatable, CustomStringConvertible {
    case unknownMetric(String, valid: [String])
    case metricWithoutDirection(String)
    case unknownOptimizer(String, valid: [String])
    case notNumericKey(String, valid: [String])
    case boundaryWithoutMap
    case boundary(BoundaryError)

    public var description: String {
        switch self {
        case let .unknownMetric(name, valid):
            return "--target: no run reports \"\(name)\"" + suggestion(name, valid) + " (valid: \(valid.joined(separator: ", ")))"
        case let .metricWithoutDirection(name):
            return "--target: \"\(name)\" is neither better higher nor lower; name an accuracy, loss, perplexity or mse"
        case let .unknownOptimizer(name, valid):
            return "--compare: no optimizer \"\(name)\" in this grid" + suggestion(name, valid) + " (valid: \(valid.joined(separator: ", ")))"
        case let .notNumericKey(name, valid):
            return "--map: \"\(name)\" is not a key with two or more numeric values in this grid" + suggestion(name, valid)
                + " (valid: \(valid.isEmpty ? "none" : valid.joined(separator: ", ")))"
        case .boundaryWithoutMap:
            return "--boundary needs --map X,Y: it is drawn over that map"
        case let .boundary(error):
            return error.description
        }
    }

    private func suggestion(_ name: String, _ valid: [String]) -> String {
        nearestName(to: name, among: valid).map { "; did you mean \"\($0)\"?" } ?? ""
    }
}
