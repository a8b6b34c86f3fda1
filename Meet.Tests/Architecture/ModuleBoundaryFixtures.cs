// Two tiny "modules" that break the rule on purpose, so the rule is shown to catch a violation.
namespace Meet.Tests.Architecture.BoundaryFixtures.Alpha
{
    internal sealed class AlphaSecret
    {
        public int Value { get; init; }
    }

    public sealed class AlphaContract
    {
        public int Value { get; init; }
    }
}

namespace Meet.Tests.Architecture.BoundaryFixtures.Beta
{
    internal sealed class BetaReachesIn
    {
        public int Read() => new Alpha.AlphaSecret { Value = 1 }.Value;
    }

    internal sealed class BetaUsesContract
    {
        public int Read() => new Alpha.AlphaContract { Value = 2 }.Value;
    }
}
