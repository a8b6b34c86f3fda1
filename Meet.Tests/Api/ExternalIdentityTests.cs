using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Meet.Tests.Api;

// Auth:External: users of an OIDC/JWT issuer join as themselves (sub), with keys from its JWKS — inline,
// or fetched from a JWKS endpoint (a tiny server on loopback plays the identity provider).
[TestFixture(false)]
[TestFixture(true)]
public sealed class ExternalIdentityTests(bool jwksOverHttp)
{
    private const string Issuer = "https://idp.meet.test";
    private const string Audience = "meet-app";
    private readonly RsaSecurityKey issuerKey = new(RSA.Create(2048)) { KeyId = "idp-key-1" };
    private WebApplication? identityProvider;
    private MeetTestHost host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(issuerKey.Rsa.ExportParameters(false)) { KeyId = issuerKey.KeyId });
        jwk.Use = "sig";
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = jwk.Use, n = jwk.N, e = jwk.E } } });
        var settings = new Dictionary<string, string> { ["Auth:External:Issuer"] = Issuer, ["Auth:External:Audience"] = Audience };
        if (jwksOverHttp)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            identityProvider = builder.Build();
            identityProvider.MapGet("/jwks", () => Results.Text(jwks, "application/json"));
            await identityProvider.StartAsync();
            var address = identityProvider.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            settings["Auth:External:JwksUrl"] = $"{address}/jwks";
        }
        else
        {
            settings["Auth:External:Jwks"] = jwks;
        }
        host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: settings);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await host.DisposeAsync();
        if (identityProvider is not null)
            await identityProvider.DisposeAsync();
    }

    private string IssueToken(SecurityKey key, string subject = "alice@idp", string issuer = Issuer, string audience = Audience) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", subject)]),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, key is SymmetricSecurityKey ? SecurityAlgorithms.HmacSha256 : SecurityAlgorithms.RsaSha256),
        });

    private async Task<(HttpStatusCode Status, JsonElement Body)> JoinAsync(string meetingId, string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/meetings/{meetingId}/join") { Content = JsonContent.Create(new { userId = "someone-else" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var response = await host.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private async Task<string> CreateMeetingAsync()
    {
        var response = await host.Client.PostAsJsonAsync("/v1/meetings", new { hostId = "usr_host", meetingTitle = "External", allowGuestJoin = false });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString()!;
    }

    [Test]
    public async Task A_user_of_the_configured_issuer_joins_as_itself_where_guests_are_refused()
    {
        var meetingId = await CreateMeetingAsync();

        var (status, body) = await JoinAsync(meetingId, IssueToken(issuerKey));

        status.Should().Be(HttpStatusCode.OK);
        body.GetProperty("role").GetString().Should().Be("participant");
        body.GetProperty("userId").GetString().Should().Be("alice@idp", "the verified subject, not the claimed userId");
    }

    [Test]
    public async Task Tokens_of_another_key_issuer_or_audience_and_hmac_tokens_are_refused()
    {
        var meetingId = await CreateMeetingAsync();
        var otherKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = issuerKey.KeyId };

        foreach (var token in new[]
                 {
                     IssueToken(otherKey),
                     IssueToken(issuerKey, issuer: "https://evil.test"),
                     IssueToken(issuerKey, audience: "someone-else"),
                     IssueToken(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))),
                 })
            (await JoinAsync(meetingId, token)).Status.Should().Be(HttpStatusCode.Unauthorized);
    }
}
