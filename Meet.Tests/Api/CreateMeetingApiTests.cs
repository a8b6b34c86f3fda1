using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Meet.Modules.Storage;
using Meet.Tests.Support;

namespace Meet.Tests.Api;

[TestFixture(StorageProvider.Sqlite)]
[TestFixture(StorageProvider.Postgres)]
public sealed partial class CreateMeetingApiTests(StorageProvider provider) : ApiTestBase(provider)
{
    [GeneratedRegex("^mtg-[a-z]{6}-[0-9]{4}-[a-z]{3}$")]
    private static partial Regex MeetingIdShape();

    [Test]
    public async Task Seed_example_payload_creates_a_meeting_with_the_seed_response_fields()
    {
        var response = await PostAsync("/v1/meetings", """
            {"hostId":"usr_998273_alpha","meetingTitle":"Weekly Architecture Review","allowGuestJoin":true,"defaultMuted":true}
            """);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("meetingId", "hostId", "joinUrl", "accessToken", "createdAt");
        var meetingId = body.GetProperty("meetingId").GetString()!;
        meetingId.Should().MatchRegex(MeetingIdShape());
        body.GetProperty("hostId").GetString().Should().Be("usr_998273_alpha");
        body.GetProperty("joinUrl").GetString().Should().Be($"{MeetTestHost.PublicBaseUrl}/j/{meetingId}");
        body.GetProperty("createdAt").GetString().Should().EndWith("Z");
        response.Headers.Location!.ToString().Should().Be($"/v1/meetings/{meetingId}");
    }

    [Test]
    public async Task Access_token_is_a_host_token_scoped_to_the_new_meeting_with_expiry()
    {
        var meeting = await CreateMeetingAsync(hostId: "usr_host_1");

        var token = TestTokens.Read(meeting.GetProperty("accessToken").GetString()!);

        token.Alg.Should().Be("HS256");
        token.GetPayloadValue<string>("mtg").Should().Be(meeting.GetProperty("meetingId").GetString());
        token.GetPayloadValue<string>("role").Should().Be("host");
        token.Subject.Should().Be("usr_host_1");
        token.ValidTo.Should().BeAfter(token.IssuedAt);
    }

    [Test]
    public async Task Settings_are_stored_and_returned()
    {
        var meeting = await CreateMeetingAsync(title: "Stored settings", allowGuestJoin: false, defaultMuted: true);

        var stored = await DetailsAsync(meeting.GetProperty("meetingId").GetString()!);

        stored.GetProperty("meetingTitle").GetString().Should().Be("Stored settings");
        stored.GetProperty("allowGuestJoin").GetBoolean().Should().BeFalse();
        stored.GetProperty("defaultMuted").GetBoolean().Should().BeTrue();
        stored.GetProperty("status").GetString().Should().Be("active");
        stored.GetProperty("maxParticipantsCount").GetInt32().Should().Be(0);
    }

    [Test]
    public async Task Optional_flags_default_to_false()
    {
        var response = await PostAsync("/v1/meetings", """{"hostId":"h","meetingTitle":"t"}""");
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString();

        var stored = await DetailsAsync(id!);

        stored.GetProperty("allowGuestJoin").GetBoolean().Should().BeFalse();
        stored.GetProperty("defaultMuted").GetBoolean().Should().BeFalse();
        stored.GetProperty("e2ee").GetBoolean().Should().BeFalse();
    }

    // Issue 16: end-to-end encryption is opt-in at creation; the meeting's details and every join
    // response say so (the key itself never reaches the server: it stays in the link's fragment).
    [Test]
    public async Task End_to_end_encryption_is_stored_and_told_to_every_joiner()
    {
        var response = await PostAsync("/v1/meetings", """{"hostId":"h","meetingTitle":"t","allowGuestJoin":true,"e2ee":true}""");
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString()!;

        (await DetailsAsync(id)).GetProperty("e2ee").GetBoolean().Should().BeTrue();
        (await JoinAsync(id)).GetProperty("e2ee").GetBoolean().Should().BeTrue();
        (await JoinAsync(id, userId: null)).GetProperty("e2ee").GetBoolean().Should().BeTrue("a guest is told too");
        var plain = (await CreateMeetingAsync()).GetProperty("meetingId").GetString()!;
        (await JoinAsync(plain)).GetProperty("e2ee").GetBoolean().Should().BeFalse();
    }

    [TestCase("mix")]
    [TestCase("forward")]
    public async Task The_audio_mode_is_stored_and_returned(string mode)
    {
        var response = await PostAsync("/v1/meetings", $$"""{"hostId":"h","meetingTitle":"t","audioMode":"{{mode}}"}""");
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("meetingId").GetString();

        var stored = await DetailsAsync(id!);

        stored.GetProperty("audioMode").GetString().Should().Be(mode);
    }

    [Test]
    public async Task Without_an_audio_mode_the_meeting_forwards()
    {
        var meeting = await CreateMeetingAsync();

        var stored = await DetailsAsync(meeting.GetProperty("meetingId").GetString()!);

        stored.GetProperty("audioMode").GetString().Should().Be("forward", "Media:AudioMode's default");
    }

    [TestCase("\"mixed\"")]
    [TestCase("\"MIX\"")]
    [TestCase("\"\\ud800\"")]
    [TestCase("3")]
    [TestCase("true")]
    public async Task An_unknown_audio_mode_is_rejected_naming_the_choices(string value)
    {
        var problem = await ShouldBeProblemAsync(
            await PostAsync("/v1/meetings", $$"""{"hostId":"h","meetingTitle":"t","audioMode":{{value}}}"""), HttpStatusCode.BadRequest);

        problem.GetProperty("errors").GetProperty("audioMode")[0].GetString().Should().Contain("\"forward\" or \"mix\"");
    }

    [Test]
    public async Task Mixing_an_end_to_end_encrypted_meeting_is_refused()
    {
        var problem = await ShouldBeProblemAsync(
            await PostAsync("/v1/meetings", """{"hostId":"h","meetingTitle":"t","audioMode":"mix","e2ee":true}"""), HttpStatusCode.BadRequest);

        problem.GetProperty("errors").GetProperty("audioMode")[0].GetString().Should().Contain("e2ee");
    }

    [TestCase("""{"meetingTitle":"t"}""", "hostId")]
    [TestCase("""{"hostId":"h"}""", "meetingTitle")]
    [TestCase("""{"hostId":null,"meetingTitle":"t"}""", "hostId")]
    [TestCase("""{}""", "hostId")]
    public async Task Missing_field_is_rejected_naming_the_field(string json, string field)
    {
        var problem = await ShouldBeProblemAsync(await PostAsync("/v1/meetings", json), HttpStatusCode.BadRequest);

        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
        problem.GetProperty("detail").GetString().Should().Contain(field);
    }

    [TestCase("""{"hostId":42,"meetingTitle":"t"}""", "hostId")]
    [TestCase("""{"hostId":"h","meetingTitle":["t"]}""", "meetingTitle")]
    [TestCase("""{"hostId":"h","meetingTitle":"t","allowGuestJoin":"yes"}""", "allowGuestJoin")]
    [TestCase("""{"hostId":"h","meetingTitle":"t","defaultMuted":1}""", "defaultMuted")]
    [TestCase("""{"hostId":"h","meetingTitle":"t","e2ee":"true"}""", "e2ee")]
    [TestCase("""{"hostId":{},"meetingTitle":"t"}""", "hostId")]
    public async Task Wrong_typed_field_is_rejected_naming_the_field(string json, string field)
    {
        var problem = await ShouldBeProblemAsync(await PostAsync("/v1/meetings", json), HttpStatusCode.BadRequest);

        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().Equal(field);
    }

    [TestCase("hostId", 65)]
    [TestCase("meetingTitle", 257)]
    [TestCase("meetingTitle", 1000)]
    public async Task Oversize_field_is_rejected_naming_the_field(string field, int length)
    {
        var values = new Dictionary<string, string> { ["hostId"] = "h", ["meetingTitle"] = "t", [field] = new string('x', length) };

        var problem = await ShouldBeProblemAsync(await PostAsync("/v1/meetings", JsonSerializer.Serialize(values)), HttpStatusCode.BadRequest);

        problem.GetProperty("errors").GetProperty(field)[0].GetString().Should().Contain("at most");
    }

    [Test]
    public async Task Title_of_exactly_256_characters_is_accepted_counting_characters_not_utf16_units()
    {
        // 256 characters, each outside the BMP (two UTF-16 units): VARCHAR(256) counts characters.
        var title = string.Concat(Enumerable.Repeat("😀", 256));

        var meeting = await CreateMeetingAsync(title: title);

        var stored = await DetailsAsync(meeting.GetProperty("meetingId").GetString()!);
        stored.GetProperty("meetingTitle").GetString().Should().Be(title);
    }

    [TestCase("""{"hostId":"h","meetingTitle":"   "}""", "meetingTitle")]
    [TestCase("""{"hostId":"h\u0000","meetingTitle":"t"}""", "hostId")]
    [TestCase("""{"hostId":"h","meetingTitle":"\ud800"}""", "meetingTitle")]
    public async Task Blank_or_unstorable_text_is_rejected_naming_the_field(string json, string field)
    {
        var problem = await ShouldBeProblemAsync(await PostAsync("/v1/meetings", json), HttpStatusCode.BadRequest);

        problem.GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue(problem.ToString());
    }

    [TestCase("""{"hostId":"h","meetingTitle":"t" """)]
    [TestCase("""{hostId:"h"}""")]
    [TestCase("not json")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        var problem = await ShouldBeProblemAsync(await PostAsync("/v1/meetings", body), HttpStatusCode.BadRequest);

        problem.GetProperty("title").GetString().Should().Be("Malformed JSON");
    }

    [Test]
    public async Task Json_that_is_not_an_object_is_a_400_problem()
    {
        await ShouldBeProblemAsync(await PostAsync("/v1/meetings", "[1,2]"), HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Non_json_content_type_is_a_415_problem()
    {
        var response = await Client.PostAsync("/v1/meetings", Json("""{"hostId":"h","meetingTitle":"t"}""", "text/plain"));

        await ShouldBeProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Oversize_body_is_a_413_problem()
    {
        var json = JsonSerializer.Serialize(new { hostId = "h", meetingTitle = "t", padding = new string('x', 20_000) });

        await ShouldBeProblemAsync(await PostAsync("/v1/meetings", json), HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task Empty_body_is_a_400_problem()
    {
        await ShouldBeProblemAsync(await PostAsync("/v1/meetings"), HttpStatusCode.BadRequest);
    }
}
