import ClipStreamSynthetic
import Testing

struct HardCaseConfigurationTests {
    @Test func defaultsAreValid() throws {
        let c = HardCaseConfiguration()
        try c.validate()
        #expect(c.rows == 200_000 && c.keys == 8 && c.dimension == 32)
        #expect(c.anomalySegmentLength == 1)
    }

    /// Each case breaks one parameter and names the error that must come back.
    static let invalidCases:
        [(String, @Sendable (inout HardCaseConfiguration) -> Void, SyntheticConfigurationError)] = [
            ("rows", { $0.rows = 0 }, .rowsNotPositive(0)),
            ("keys", { $0.keys = -1 }, .keysNotPositive(-1)),
            ("dimension", { $0.dimension = 0 }, .dimensionNotPositive(0)),
            (
                "all constant", { $0.constantColumns = 32 },
                .constantColumnsOutOfRange(constantColumns: 32, dimension: 32)
            ),
            (
                "negative constant", { $0.constantColumns = -1 },
                .constantColumnsOutOfRange(constantColumns: -1, dimension: 32)
            ),
            ("df = 2", { $0.tailDegreesOfFreedom = 2 }, .degreesOfFreedomTooSmall(2)),
            ("fraction high", { $0.anomalyFraction = 0.6 }, .anomalyFractionOutOfRange(0.6)),
            ("fraction negative", { $0.anomalyFraction = -0.1 }, .anomalyFractionOutOfRange(-0.1)),
            ("warm-up", { $0.warmupRows = -5 }, .warmupRowsNegative(-5)),
            ("segment", { $0.anomalySegmentLength = 0 }, .anomalySegmentLengthNotPositive(0)),
            ("shift period", { $0.regimeShiftEvery = -1 }, .regimeShiftEveryNegative(-1)),
            ("spike", { $0.spikeMagnitude = -1 }, .magnitudeInvalid(.spikeMagnitude, -1)),
            (
                "shift", { $0.shiftMagnitude = .infinity },
                .magnitudeInvalid(.shiftMagnitude, .infinity)
            ),
            (
                "regime", { $0.regimeShiftMagnitude = -2 },
                .magnitudeInvalid(.regimeShiftMagnitude, -2)
            ),
            ("drift", { $0.driftPerRow = -0.1 }, .magnitudeInvalid(.driftPerRow, -0.1)),
            ("decades", { $0.scaleDecades = 30 }, .scaleDecadesOutOfRange(30)),
        ]

    @Test(arguments: invalidCases.indices)
    func invalidParametersAreRejected(caseIndex: Int) {
        let (name, breakIt, expected) = Self.invalidCases[caseIndex]
        var c = HardCaseConfiguration()
        breakIt(&c)
        #expect(throws: expected, "\(name)") { try c.validate() }
        #expect(throws: expected, "\(name)") { try HardCaseStream(configuration: c) }
        #expect(!expected.description.isEmpty)
    }

    @Test func nanDegreesOfFreedomIsRejected() {
        var c = HardCaseConfiguration()
        c.tailDegreesOfFreedom = .nan
        #expect(throws: SyntheticConfigurationError.self) { try c.validate() }
    }

    @Test func gaussianNoiseAndEdgeValuesAreAccepted() throws {
        var c = HardCaseConfiguration()
        c.tailDegreesOfFreedom = .infinity
        c.anomalyFraction = 0.5
        c.constantColumns = 0
        c.regimeShiftEvery = 0
        c.dimension = 1
        c.scaleDecades = 0
        try c.validate()
    }
}
