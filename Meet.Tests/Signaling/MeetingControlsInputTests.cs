using Meet.Modules.Signaling;
using Meet.Modules.Signaling.Grpc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ChatMessage = Meet.Modules.Signaling.ChatMessage;

namespace Meet.Tests.Signaling;

// Issue 13's bad input on both raw transports (no client library in between): wrong types, empty and
// out-of-range fields, unknown actions and messages after leaving get coded errors and the session goes on.
public sealed class MeetingControlsInputTests : SignalingTestBase
{
    [Test]
    public async Task Malformed_hub_calls_get_coded_errors_and_calls_after_leave_are_409()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var joined = await JoinAsync(meetingId, "usr_hub");
        await using var client = await HubTestClient.ConnectAsync(Host.BaseAddress, joined.Token, messagePack: false);
        await client.JoinAsync("Hub");

        async Task<string> RefusedAsync(Func<Task> call) => (await FluentActions.Awaiting(call).Should().ThrowAsync<HubException>()).Which.Message;

        (await RefusedAsync(() => client.Connection.InvokeAsync("HostAction", (string?)null, null, null))).Should().Contain("400:");
        (await RefusedAsync(() => client.Connection.InvokeAsync("HostAction", "mute", "someone", null))).Should().Contain("403:");
        (await RefusedAsync(() => client.Connection.InvokeAsync<RosterPageMessage>("GetRosterPage", null, -1))).Should().Contain("400:");
        (await RefusedAsync(() => client.Connection.InvokeAsync<ChatMessage>("SendChat", (string?)null, null))).Should().Contain("400:");
        // A wrong argument type fails that invocation only (SignalR's binding error), not the connection.
        await FluentActions.Awaiting(() => client.Connection.InvokeAsync("RaiseHand", "not a bool")).Should().ThrowAsync<Exception>();
        var stored = await client.Connection.InvokeAsync<ChatMessage>("SendChat", "still talking", null);
        stored.Text.Should().Be("still talking");

        await client.Connection.InvokeAsync("Leave");
        (await RefusedAsync(() => client.Connection.InvokeAsync<ChatMessage>("SendChat", "after leave", null))).Should().Contain("409:");
        (await RefusedAsync(() => client.Connection.InvokeAsync("RaiseHand", true))).Should().Contain("409:");
    }

    [Test]
    public async Task Malformed_grpc_commands_get_errors_naming_their_request_and_the_stream_goes_on()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var joined = await JoinAsync(meetingId, "usr_grpc");
        using var session = await RawGrpcSession.JoinAsync(GrpcAddress, meetingId, joined.Token, batchedUpdates: true);

        await session.NextAsync(ServerMessage.PayloadOneofCase.Welcome);
        var bad = new (ulong Id, ClientMessage Message, int Code)[]
        {
            (1, new ClientMessage { Chat = new ChatSend { Text = "" } }, SignalingErrorCodes.BadRequest),
            (2, new ClientMessage { Chat = new ChatSend { Text = new string('x', 5000) } }, SignalingErrorCodes.TooLarge),
            (3, new ClientMessage { Chat = new ChatSend { Text = "hi", ToParticipantId = "nobody" } }, SignalingErrorCodes.NotFound),
            (4, new ClientMessage { HostAction = new HostAction() }, SignalingErrorCodes.BadRequest),
            (5, new ClientMessage { HostAction = new HostAction { Action = "end" } }, SignalingErrorCodes.Forbidden),
            (6, new ClientMessage { RosterPageRequest = new RosterPageRequest { Limit = 0 } }, SignalingErrorCodes.BadRequest),
        };
        foreach (var (id, message, code) in bad)
        {
            message.RequestId = id;
            await session.SendAsync(message);
            var error = await session.NextAsync(ServerMessage.PayloadOneofCase.Error);
            (error.Error.RequestId, error.Error.Code).Should().Be((id, code));
        }
        await session.SendAsync(new ClientMessage { Chat = new ChatSend { Text = "fine" }, RequestId = 7 });
        (await session.NextAsync(ServerMessage.PayloadOneofCase.Chat)).Chat.Text.Should().Be("fine");
        (await session.NextAsync(m => m.PayloadCase is ServerMessage.PayloadOneofCase.Ack or ServerMessage.PayloadOneofCase.Error)).Ack.RequestId.Should().Be(7UL);
        await session.SendAsync(new ClientMessage { Hand = new HandRequest { Raised = true } });
        var update = await session.NextAsync(ServerMessage.PayloadOneofCase.Updates);
        update.Updates.Updates.Should().ContainSingle().Which.Action.Should().Be(ParticipantUpdate.Types.Action.HandRaised);
    }
}
