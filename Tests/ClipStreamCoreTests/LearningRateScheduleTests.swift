import ClipStreamCore
import TestSupport
import Testing

@Suite("Learning-rate schedule (ALGORITHM.md section 5)")
struct LearningRateScheduleTests {
    static func schedule(initial: Int, horizon: Int, alpha: Double = 2.0 / 3.0) -> LearningRateSchedule {
        var configuration = Configuration(dimension: 1)
        configuration.initialEpochLength = initial
        configuration.horizon = horizon
        configuration.alpha = alpha
        return LearningRateSchedule(configuration)
    }

    /// T_0 = 1: epoch k covers rows 2^k ... 2^(k+1) - 1 at rate (2^k)^(-2/3), never below 1/n,
    /// and stops doubling at H = 1024. Values by hand: 2^(-2/3) = 0.6299605249474366,
    /// 4^(-2/3) = 0.3968502629920499, 1024^(-2/3) = 0.009843133202303695.
    @Test func doublingEpochsFromOne() {
        let s = Self.schedule(initial: 1, horizon: 1024)
        #expect(s.rate(forRow: 1) == 1)
        #expect(isClose(s.rate(forRow: 2), 0.6299605249474366, relative: 1e-14))
        #expect(isClose(s.rate(forRow: 3), 0.6299605249474366, relative: 1e-14))
        #expect(isClose(s.rate(forRow: 4), 0.3968502629920499, relative: 1e-14))
        #expect(isClose(s.rate(forRow: 7), 0.3968502629920499, relative: 1e-14))
        #expect(isClose(s.rate(forRow: 1024), 0.009843133202303695, relative: 1e-14))
        #expect(isClose(s.rate(forRow: 5_000_000), 0.009843133202303695, relative: 1e-14))
        #expect(isClose(s.floorRate, 0.009843133202303695, relative: 1e-14))
    }

    /// T_0 = 4: rows 1-4 form epoch 0 (T = 4), rows 5-12 epoch 1 (T = 8); the 1/n start-up
    /// dominates while 1/n > T_k^-alpha (4^(-2/3) = 0.397 < 1/2 at row 2).
    @Test func longerFirstEpochAndStartUp() {
        let s = Self.schedule(initial: 4, horizon: 1 << 20)
        #expect(s.rate(forRow: 2) == 0.5)
        #expect(isClose(s.rate(forRow: 4), 0.3968502629920499, relative: 1e-14))
        #expect(isClose(s.rate(forRow: 5), 0.25, relative: 1e-14))  // 8^(-2/3) = 1/4
        #expect(isClose(s.rate(forRow: 12), 0.25, relative: 1e-14))
        #expect(isClose(s.rate(forRow: 13), 0.15749013123685915, relative: 1e-13))  // 16^(-2/3)
    }

    @Test func rateNeverIncreases() {
        let s = Self.schedule(initial: 3, horizon: 5000, alpha: 0.9)
        var previous = Double.infinity
        for n in 1...50_000 {
            let rate = s.rate(forRow: n)
            #expect(rate <= previous)
            previous = rate
        }
    }
}
