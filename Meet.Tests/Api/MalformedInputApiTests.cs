using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed class MalformedInputApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    private static readonly string[] Bodies =
    [
        "", "{", "}", "[", "null", "true", "0", "\"x\"", "{\"hostId\":", "{\"hostId\":\"h\",}", "{'hostId':'h'}",
        "{\"hostId\":\"h\",\"meetingTitle\":\"t\",\"allowGuestJoin\":nul}",
        "{\"hostId\":\"h\",\"meetingTitle\":\"t\"}garbage",
        "{\"hostId\":\"h\\u0000\",\"meetingTitle\":\"t\"}",
        "{\"hostId\":\"h\",\"meetingTitle\":\"\\udfff\\ud800\"}",
        "{\"hostId\":\"h\",\"meetingTitle\":\"t\\u0007\"}",
        "{\"hostId\":1e999,\"meetingTitle\":\"t\"}",
        "{\"hostId\":\"h\",\"meetingTitle\":\"t\",\"defaultMuted\":99999999999999999999999}",
        new string('[', 5000) + new string(']', 5000),
        "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 101),
        "{\"hostId\":\"" + new string('h', 20_000) + "\",\"meetingTitle\":\"t\"}",
        "{\"userId\":\"" + new string('u', 100) + "\"}",
        "{\"userId\":[],\"region\":{}}",
        "\uFEFF{\"hostId\":\"h\",\"meetingTitle\":\"t\"}",
    ];

    [Test]
    public async Task Batch_of_malformed_requests_never_causes_a_server_error_and_the_server_still_answers()
    {
        var meeting = await CreateMeetingAsync();
        var id = meeting.GetProperty("meetingId").GetString()!;
        var random = new Random(20261124);
        var bodies = Bodies.Concat(Enumerable.Range(0, 60).Select(_ =>
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            return Encoding.Latin1.GetString(bytes);
        })).ToList();
        var paths = new[] { "/v1/meetings", $"/v1/meetings/{id}/join", $"/v1/meetings/{id}/end", "/v1/meetings/%00/join", "/v1/meetings/..%2F..%2Fetc/join" };
        var statuses = new List<(string Path, string Body, HttpStatusCode Status)>();

        foreach (var path in paths)
        {
            foreach (var body in bodies)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.Latin1.GetBytes(body)) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(random.Next(4) == 0 ? "text/plain" : "application/json");
                if (random.Next(3) == 0)
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Convert.ToBase64String(Encoding.Latin1.GetBytes(body)).Replace('+', '.'));
                using var response = await Client.SendAsync(request);
                statuses.Add((path, body.Length > 40 ? body[..40] : body, response.StatusCode));
            }
        }

        statuses.Where(s => (int)s.Status >= 500).Should().BeEmpty();
        (await GetAsync($"/v1/meetings/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await CreateMeetingAsync();
    }
}
