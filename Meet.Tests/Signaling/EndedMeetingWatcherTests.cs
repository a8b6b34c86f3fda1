using Meet.Modules.Signaling.Internal;
using Meet.Modules.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Tests.Signaling;

// Issue 13: ended meetings close their sessions from an event, not from a storage read every second for
// every meeting. The backstop interval is an hour here, so only the event can close anything in time.
public sealed class EndedMeetingWatcherTests : SignalingTestBase
{
    protected override IReadOnlyDictionary<string, string> ExtraSettings => new Dictionary<string, string>
    {
        ["Signaling:EndedMeetingCheckInterval"] = "01:00:00",
    };

    private EndedMeetingWatcher Watcher => Host.Get<EndedMeetingWatcher>();

    private async Task<(HubTestClient Client, Joined Joined)> JoinedClientAsync(string meetingId, string name)
    {
        var joined = await JoinAsync(meetingId, name);
        var client = await HubTestClient.ConnectAsync(Host.BaseAddress, joined.Token, messagePack: false);
        await client.JoinAsync(name);
        return (client, joined);
    }

    [Test]
    public async Task A_rest_end_closes_every_session_at_once_without_reading_storage()
    {
        var (meetingId, hostToken) = await CreateMeetingAsync();
        var (alice, aliceJoined) = await JoinedClientAsync(meetingId, "alice");
        var (bob, _) = await JoinedClientAsync(meetingId, "bob");
        await using var _a = alice;
        await using var _b = bob;
        var checks = Watcher.StorageChecks;

        await EndMeetingAsync(meetingId, hostToken);

        await EventuallyAsync(() => alice.IsClosed && bob.IsClosed, "both sessions are closed");
        alice.Errors.Should().ContainSingle().Which.Code.Should().Be(410);
        bob.Errors.Should().ContainSingle().Which.Code.Should().Be(410);
        await EventuallyAsync(() => !Media.Participants.ContainsKey(aliceJoined.ParticipantId), "the media participant is freed");
        Watcher.StorageChecks.Should().Be(checks, "the REST end was announced; storage was not polled");
    }

    [Test]
    public async Task An_end_nobody_announced_is_found_by_one_storage_read_for_all_meetings()
    {
        var meetings = new List<(string MeetingId, HubTestClient Client)>();
        for (var i = 0; i < 3; i++)
        {
            var (meetingId, _) = await CreateMeetingAsync();
            meetings.Add((meetingId, (await JoinedClientAsync(meetingId, $"p{i}")).Client));
        }
        try
        {
            // Another tool ends the first meeting in storage: no event reaches this node.
            using (var scope = Host.Services.CreateScope())
                (await scope.ServiceProvider.GetRequiredService<IMeetingRepository>().TryEndAsync(meetings[0].MeetingId, DateTimeOffset.UtcNow, CancellationToken.None)).Should().BeTrue();
            await Task.Delay(300);
            meetings[0].Client.IsClosed.Should().BeFalse("nothing announced the end and the backstop has not run");
            var checks = Watcher.StorageChecks;

            await Watcher.CheckStorageAsync(CancellationToken.None);

            Watcher.StorageChecks.Should().Be(checks + 1, "one read covers every meeting the node holds");
            await EventuallyAsync(() => meetings[0].Client.IsClosed, "the ended meeting's session is closed");
            meetings[0].Client.Errors.Should().ContainSingle().Which.Code.Should().Be(410);
            meetings.Skip(1).Should().OnlyContain(m => !m.Client.IsClosed, "live meetings keep their sessions");
        }
        finally
        {
            foreach (var (_, client) in meetings)
                await client.DisposeAsync();
        }
    }

    [Test]
    public async Task A_join_that_reaches_the_roster_after_the_close_is_refused_with_410()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var late = await JoinAsync(meetingId, "late");
        await using var client = await HubTestClient.ConnectAsync(Host.BaseAddress, late.Token, messagePack: false);

        // The close ran (storage may not say ENDED yet): a join arriving now must not stay in the meeting.
        await Host.Get<SessionRegistry>().CloseEndedMeetingAsync(meetingId);

        await SignalingHubTests.ShouldBeRefusedAsync(() => client.JoinAsync("Late"), 410);
        Host.Get<SessionRegistry>().SessionsOf(meetingId).Should().BeEmpty();
        Media.Participants.Should().NotContainKey(late.ParticipantId);
    }
}
