using System.Net.NetworkInformation;

namespace Meet.Tests.Browser;

// Chromium's WebRTC ignores loopback unless it is the only network (TESTING.md), and the network
// rule keeps test traffic on loopback: the browser tests run in a namespace that test.sh creates
// with `unshare --net`, and refuse to run anywhere else.
internal static class LoopbackOnlyNetwork
{
    public const string HowToRun =
        "unshare --net bash -c 'ip link set lo up; ip route add default dev lo src 127.0.0.1; dotnet test Meet.Tests -c Release --no-build --filter TestCategory=Browser'";

    public static void Require()
    {
        var others = NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.NetworkInterfaceType != NetworkInterfaceType.Loopback && i.OperationalStatus != OperationalStatus.Down)
            .Select(i => i.Name)
            .ToList();
        var loopbackUp = NetworkInterface.GetAllNetworkInterfaces()
            .Any(i => i.NetworkInterfaceType == NetworkInterfaceType.Loopback && i.OperationalStatus != OperationalStatus.Down);
        if (others.Count > 0 || !loopbackUp)
        {
            Assert.Fail($"Browser tests need a loopback-only network namespace (found: {string.Join(", ", others)}; lo up: {loopbackUp}). "
                + $"./test.sh runs them in one; by hand: {HowToRun}");
        }
    }
}
