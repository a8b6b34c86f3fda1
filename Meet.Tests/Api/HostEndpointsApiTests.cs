using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class HostEndpointsApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [Test]
    public async Task Healthz_reports_storage_and_media_node_healthy()
    {
        var response = await Client.GetAsync("/healthz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        health.GetProperty("status").GetString().Should().Be("healthy");
        health.GetProperty("checks").GetProperty("storage").GetProperty("description").GetString().Should().Contain(Provider.ToString());
        health.GetProperty("checks").GetProperty("media-node").GetProperty("status").GetString().Should().Be("healthy");
    }

    [Test]
    public async Task Metrics_are_prometheus_text_and_count_created_meetings()
    {
        await CreateMeetingAsync();

        var response = await Client.GetAsync("/metrics");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().Contain("# TYPE meet_meetings_created_total counter");
        var line = text.Split('\n').First(l => l.StartsWith("meet_meetings_created_total", StringComparison.Ordinal));
        double.Parse(line.Split(' ')[^1].Trim(), System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(1);
        text.Should().Contain("http_server_request_duration_seconds_bucket");
    }

    [Test]
    public async Task OpenApi_document_describes_the_meetings_api()
    {
        var document = await Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        paths.TryGetProperty("/v1/meetings", out var create).Should().BeTrue();
        create.TryGetProperty("post", out _).Should().BeTrue();
        paths.EnumerateObject().Select(p => p.Name).Should().Contain(
            ["/v1/meetings/{meetingId}", "/v1/meetings/{meetingId}/join", "/v1/meetings/{meetingId}/end", "/v1/meetings/{meetingId}/participants"]);
    }

    [Test]
    public async Task Unknown_route_is_a_404_problem()
    {
        await ShouldBeProblemAsync(await Client.GetAsync("/v1/nothing-here"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Landing_page_is_served()
    {
        var response = await Client.GetAsync("/");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("<div id=\"app\">");
    }
}
