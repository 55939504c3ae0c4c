extension HardCaseStream {
    /// The standardized deviations `(x_j - mu_j) / scale_j` of `values` from `key`'s current
    /// true mean, over the non-constant columns.
    ///
    /// This is what an oracle knowing the hidden parameters sees; tests use it to check that every
    /// anomaly kind is far and normal rows are near. Call it right after `next(into:)` returned a
    /// row of `key`: the mean moves with every row.
    /// - Complexity: O(dimension); allocates the result.
    func oracleDeviations(of values: [Float], key: Int) -> [Double] {
        let state = keyStates[key]
        return (0..<state.varyingCount).map { j in
            (Double(values[j]) - state.mean[j]) / state.scales[j]
        }
    }

    /// The Euclidean norm of ``oracleDeviations(of:key:)``: the oracle's anomaly score.
    /// - Complexity: O(dimension).
    func oracleDistance(of values: [Float], key: Int) -> Double {
        oracleDeviations(of: values, key: key).reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}
