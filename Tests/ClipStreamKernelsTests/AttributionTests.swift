import ClipStreamKernels
import TestSupport
import Testing

@Suite("Signed top-k attribution")
struct AttributionTests {
    @Test func handComputedExample() {
        // z = (1, -3, 2, 0): z^2 = (1, 9, 4, 0), total 14 -> shares -9/14, 4/14, 1/14.
        let z: [Float] = [1, -3, 2, 0]
        var indices = [Int32](repeating: -1, count: 3)
        var shares = [Float](repeating: .nan, count: 3)
        Attribution.topContributions(
            z: z, count: 4, squaredNorm: 14, k: 3, indices: &indices, shares: &shares)
        #expect(indices == [1, 2, 0])
        #expect(isClose(Double(shares[0]), -9.0 / 14, relative: 1e-6))
        #expect(isClose(Double(shares[1]), 4.0 / 14, relative: 1e-6))
        #expect(isClose(Double(shares[2]), 1.0 / 14, relative: 1e-6))
    }

    @Test(arguments: [1, 5, 16, 300])
    func matchesReferenceOnRandomInput(dimension d: Int) {
        var rng = TestRandomGenerator(seed: UInt64(d))
        // Values on a coarse grid so that ties occur and the tie rule is exercised.
        let z = (0..<d).map { _ in Float(rng.nextIndex(below: 21) - 10) / 2 }
        let k = min(d, 4)
        let total = z.reduce(0.0) { $0 + Double($1) * Double($1) }
        var indices = [Int32](repeating: -1, count: k)
        var shares = [Float](repeating: .nan, count: k)
        Attribution.topContributions(
            z: z, count: d, squaredNorm: total, k: k, indices: &indices, shares: &shares)
        let expected = Reference.topContributions(z: z.map(Double.init), k: k)
        for i in 0..<k {
            #expect(Int(indices[i]) == expected[i].index)
            #expect(isClose(Double(shares[i]), expected[i].share, relative: 1e-6, absolute: 1e-9))
        }
    }
}
