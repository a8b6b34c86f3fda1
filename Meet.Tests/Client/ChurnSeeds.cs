namespace Meet.Tests.Client;

// The seeds the churn tests run: fixed in ./test.sh; MEET_CHURN_SEEDS=1,2,3 runs others (issue 9 asks
// for repeated runs with new seeds; a failure message always names its seed).
public static class ChurnSeeds
{
    public static IEnumerable<int> Roster => From(9001, 9002);

    public static IEnumerable<int> Media => From(4242);

    public static IEnumerable<int> Browser => From(77);

    private static IEnumerable<int> From(params int[] defaults)
    {
        var configured = Environment.GetEnvironmentVariable("MEET_CHURN_SEEDS");
        if (string.IsNullOrWhiteSpace(configured))
            return defaults;
        return configured.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
    }
}
