/// What each key's clipped-SGD model estimates (ALGORITHM.md section 2: any strongly convex
/// loss, minimized online by clipped steps).
public enum ModelKind: Sendable, Equatable {
    /// The key's location: the score is the standardized distance of the row from it.
    case location
    /// A linear regression of input column `target` on the key's other features (and a bias):
    /// the score is the residual's pull.
    case linear(target: Int)
    /// A logistic regression of the 0/1 input column `target` on the key's other features,
    /// with a small L2 term (``Configuration/l2Penalty``) for strong convexity: the score is
    /// the pull of `y - p`.
    case logistic(target: Int)

    /// The target column's index among the input features (nil for the location model).
    public var target: Int? {
        switch self {
        case .location: nil
        case .linear(let target), .logistic(let target): target
        }
    }

    /// The model's name as the CLI spells it: `location`, `linear` or `logistic`.
    public var name: String {
        switch self {
        case .location: "location"
        case .linear: "linear"
        case .logistic: "logistic"
        }
    }

    /// The setting recorded in a saved state: the name, and the target's index.
    var setting: String {
        target.map { "\(name):\($0)" } ?? name
    }
}
