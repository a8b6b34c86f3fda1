using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Codesprintpro.Video.Signaling.V1;
using Meet.Modules.Media;
using Meet.Modules.Storage;
using Meet.Tests.Signaling;
using Meet.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Meet.Tests.Hosting;

// One host with a PEM certificate made by the test, HTTPS and HTTP side by side on loopback, gRPC on
// the HTTPS endpoint only (no cleartext endpoint): every client pins the test certificate.
public sealed class HttpsTests
{
    private readonly FakeMediaModule media = new();
    private MeetTestHost host = null!;
    private X509Certificate2 certificate = null!;
    private Uri https = null!;
    private Uri http = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var directory = TempDirectory.Create("meet-tls-");
        var pem = TestCertificates.WritePem(directory);
        certificate = pem.Certificate;
        host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string>
        {
            ["urls"] = "https://127.0.0.1:0;http://127.0.0.1:0",
            ["Signaling:GrpcUrl"] = "",
            ["PublicBaseUrl"] = "",
            ["Https:CertificatePath"] = pem.CertificatePath,
            ["Https:KeyPath"] = pem.KeyPath,
        }, services: s => s.Replace(ServiceDescriptor.Singleton<IMediaModule>(media)));
        var addresses = host.Get<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        https = addresses.Single(a => a.Scheme == "https");
        http = addresses.Single(a => a.Scheme == "http");
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await host.DisposeAsync();

    private HttpClient Client(bool allowRedirect = true) =>
        new(TestCertificates.PinnedHandler(certificate, allowRedirect)) { BaseAddress = https, Timeout = TimeSpan.FromSeconds(30) };

    private async Task<(string MeetingId, JsonElement Joined)> CreateAndJoinAsync(HttpClient client)
    {
        var created = await client.PostAsJsonAsync("/v1/meetings", new { hostId = "usr_tls", meetingTitle = "TLS", allowGuestJoin = true });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var meetingId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString()!;
        var joined = await client.PostAsJsonAsync($"/v1/meetings/{meetingId}/join", new { userId = "usr_alice" });
        joined.StatusCode.Should().Be(HttpStatusCode.OK);
        return (meetingId, await joined.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Test]
    public async Task Rest_api_answers_over_tls_and_every_announced_url_is_https()
    {
        using var client = Client();

        var (meetingId, joined) = await CreateAndJoinAsync(client);

        var signaling = joined.GetProperty("signaling");
        signaling.GetProperty("signalR").GetString().Should().Be($"https://127.0.0.1:{https.Port}/hubs/signaling");
        signaling.GetProperty("grpc").GetString().Should().Be($"https://127.0.0.1:{https.Port}");
        using var details = new HttpRequestMessage(HttpMethod.Get, $"/v1/meetings/{meetingId}");
        details.Headers.Authorization = new("Bearer", joined.GetProperty("accessToken").GetString());
        var meeting = await (await client.SendAsync(details)).Content.ReadFromJsonAsync<JsonElement>();
        meeting.GetProperty("joinUrl").GetString().Should().Be($"https://127.0.0.1:{https.Port}/j/{meetingId}");
    }

    [Test]
    public async Task The_page_is_served_over_tls()
    {
        using var client = Client();

        var page = await client.GetAsync("/");

        page.StatusCode.Should().Be(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.Should().Be("text/html");
    }

    [Test]
    public async Task Signalr_joins_over_wss()
    {
        using var client = Client();
        var (meetingId, joined) = await CreateAndJoinAsync(client);

        await using var hub = await HubTestClient.ConnectAsync(https, joined.GetProperty("accessToken").GetString()!, messagePack: false, certificate);
        var welcome = await hub.JoinAsync("Alice");

        welcome.ParticipantId.Should().Be(joined.GetProperty("participantId").GetString());
        hub.Connection.ConnectionId.Should().NotBeNull();
        meetingId.Should().NotBeEmpty();
    }

    [Test]
    public async Task Grpc_signaling_runs_over_tls_on_the_https_endpoint()
    {
        using var client = Client();
        var (meetingId, joined) = await CreateAndJoinAsync(client);

        await using var grpc = new SeedGrpcTestClient(new Uri(joined.GetProperty("signaling").GetProperty("grpc").GetString()!), TestCertificates.PinnedHandler(certificate));
        await grpc.SendFirstAsync(meetingId, joined.GetProperty("accessToken").GetString()!, SeedGrpcTestClient.Offer(SignalingTestBase.OfferSdp));
        var answer = await grpc.NextAsync(TimeSpan.FromSeconds(20));

        answer!.PayloadCase.Should().Be(ServerMessage.PayloadOneofCase.Sdp);
        answer.Sdp.SdpPlaintext.Should().Be(FakeMediaModule.AnswerSdp);
    }

    [Test]
    public async Task Plain_http_is_redirected_to_https()
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = http };

        var response = await client.GetAsync("/v1/meetings/mtg-abcdef-1234-xyz?x=1");

        response.StatusCode.Should().Be(HttpStatusCode.TemporaryRedirect);
        response.Headers.Location.Should().Be(new Uri($"https://127.0.0.1:{https.Port}/v1/meetings/mtg-abcdef-1234-xyz?x=1"));
    }

    [Test]
    public async Task Https_responses_carry_hsts_for_a_real_host_name()
    {
        using var client = Client();
        // ASP.NET Core never sends HSTS for localhost/127.0.0.1 (it would pin a developer's browser); a real
        // name, as a browser on another machine sends it, gets the header.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = "meet.example.test";

        var response = await client.SendAsync(request);

        response.Headers.GetValues("Strict-Transport-Security").Single().Should().StartWith("max-age=31536000");
    }

    [Test]
    public async Task A_client_that_does_not_trust_the_certificate_is_refused_by_tls_not_by_the_api()
    {
        using var client = new HttpClient { BaseAddress = https };

        var call = () => client.GetAsync("/healthz");

        (await call.Should().ThrowAsync<HttpRequestException>()).Which.InnerException.Should().BeAssignableTo<System.Security.Authentication.AuthenticationException>();
    }
}
