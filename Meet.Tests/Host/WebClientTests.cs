using System.Net;
using System.Text.RegularExpressions;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Host;

// Meet.Host/WebClient.cs over HTTP (no browser needed): the built client is served for both
// routes, hashed assets are cacheable forever, the page itself never.
public sealed partial class WebClientTests
{
    private HttpClient client = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => client = (await SharedHosts.GetAsync(StorageProvider.Sqlite)).Client;

    [TestCase("/")]
    [TestCase("/j/mtg-abcdef-1234-xyz")]
    public async Task Both_routes_serve_the_client_page_uncached(string path)
    {
        var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
        response.Headers.CacheControl!.NoCache.Should().BeTrue();
        (await response.Content.ReadAsStringAsync()).Should().Contain("<div id=\"app\">");
    }

    [Test]
    public async Task Hashed_script_and_stylesheet_are_served_with_a_long_cache_lifetime()
    {
        var html = await client.GetStringAsync("/");
        var assets = AssetReference().Matches(html).Select(m => m.Groups[1].Value).ToList();
        assets.Should().Contain(a => a.EndsWith(".js", StringComparison.Ordinal)).And.Contain(a => a.EndsWith(".css", StringComparison.Ordinal));

        foreach (var asset in assets)
        {
            var response = await client.GetAsync(asset);
            response.StatusCode.Should().Be(HttpStatusCode.OK, asset);
            response.Headers.CacheControl!.MaxAge.Should().BeGreaterThan(TimeSpan.FromDays(300), asset);
        }
    }

    [Test]
    public async Task A_missing_asset_is_a_404_not_the_page()
    {
        var response = await client.GetAsync("/assets/nothing-here.js");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_nested_path_under_a_join_link_is_not_the_page()
    {
        var response = await client.GetAsync("/j/mtg-abcdef-1234-xyz/extra");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("(?:src|href)=\"(/assets/[^\"]+)\"")]
    private static partial Regex AssetReference();
}
