using Meet.Modules.Media;
using Meet.Modules.Signaling;
using Meet.Modules.Signaling.Grpc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using TileSize = Meet.Modules.Media.TileSize;

namespace Meet.Tests.Signaling;

// Issue 11 on both transports: tile sizes in (hub SetTileSizes, gRPC tile_sizes), dynacast out (hub
// "PublisherLayers", gRPC publisher_layers). Absurd sizes get coded errors and the session goes on.
public sealed class TileSizeSignalingTests : SignalingTestBase
{
    [Test]
    public async Task Hub_tile_sizes_reach_the_sfu_and_absurd_ones_get_400_or_413()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var alice = await JoinAsync(meetingId, "alice");
        await using var client = await HubTestClient.ConnectAsync(Host.BaseAddress, alice.Token, messagePack: false);
        var layers = new System.Collections.Concurrent.ConcurrentQueue<PublisherLayersMessage>();
        client.Connection.On<PublisherLayersMessage>("PublisherLayers", layers.Enqueue);
        await client.JoinAsync("Alice");
        var media = Media.Participants[alice.ParticipantId];

        await client.Connection.InvokeAsync("SetTileSizes", new[] { new TileSizeMessage("1", 320, 180, false), new TileSizeMessage("3", 0, 0, true) });
        media.TileSizes.Should().ContainSingle().Which.Should().Equal(new TileSize("1", 320, 180, false), new TileSize("3", 0, 0, true));

        async Task<string> RefusedAsync(object? tiles) =>
            (await FluentActions.Awaiting(() => client.Connection.InvokeAsync("SetTileSizes", tiles)).Should().ThrowAsync<HubException>()).Which.Message;
        (await RefusedAsync(null)).Should().Contain("400:");
        (await RefusedAsync(new[] { new TileSizeMessage("1", -1, 180, false) })).Should().Contain("400:");
        (await RefusedAsync(new[] { new TileSizeMessage("1", 320, 1_000_000, false) })).Should().Contain("400:");
        (await RefusedAsync(new[] { new TileSizeMessage("", 320, 180, false) })).Should().Contain("400:");
        (await RefusedAsync(new[] { new TileSizeMessage(new string('m', 33), 320, 180, false) })).Should().Contain("400:");
        (await RefusedAsync(Enumerable.Range(0, TileSize.MaxTilesPerMessage + 1).Select(i => new TileSizeMessage(i.ToString(), 1, 1, false)).ToArray()))
            .Should().Contain("413:");
        media.TileSizes.Should().ContainSingle("nothing refused reached the SFU");

        // Dynacast: the SFU's layer states reach the publisher's client.
        media.Listener.OnPublisherLayers("1", [new PublisherLayerState("q", true), new PublisherLayerState("f", false)]);
        await EventuallyAsync(() => !layers.IsEmpty, "the layer states arrive");
        layers.Single().Should().BeEquivalentTo(new PublisherLayersMessage("1", [new PublisherLayerMessage("q", true), new PublisherLayerMessage("f", false)]));
    }

    [Test]
    public async Task Grpc_tile_sizes_reach_the_sfu_absurd_ones_get_coded_errors_and_publisher_layers_come_back()
    {
        var (meetingId, _) = await CreateMeetingAsync();
        var joined = await JoinAsync(meetingId, "usr_tiles");
        using var session = await RawGrpcSession.JoinAsync(GrpcAddress, meetingId, joined.Token);

        await session.NextAsync(ServerMessage.PayloadOneofCase.Welcome);
        var tiles = new TileSizes();
        tiles.Tiles.Add(new Modules.Signaling.Grpc.TileSize { Mid = "1", Width = 640, Height = 360 });
        await session.SendAsync(new ClientMessage { TileSizes = tiles, RequestId = 1 });
        (await session.NextAsync(m => m.PayloadCase is ServerMessage.PayloadOneofCase.Ack or ServerMessage.PayloadOneofCase.Error)).Ack.RequestId.Should().Be(1UL);
        var media = Media.Participants[joined.ParticipantId];
        media.TileSizes.Should().ContainSingle().Which.Should().Equal(new TileSize("1", 640, 360, false));

        var absurd = new TileSizes();
        absurd.Tiles.Add(new Modules.Signaling.Grpc.TileSize { Mid = "1", Width = int.MaxValue, Height = 360 });
        var flood = new TileSizes();
        for (var i = 0; i <= TileSize.MaxTilesPerMessage; i++)
            flood.Tiles.Add(new Modules.Signaling.Grpc.TileSize { Mid = "m" + i, Width = 1, Height = 1 });
        foreach (var (id, message, code) in new (ulong, TileSizes, int)[] { (2, absurd, SignalingErrorCodes.BadRequest), (3, flood, SignalingErrorCodes.TooLarge) })
        {
            await session.SendAsync(new ClientMessage { TileSizes = message, RequestId = id });
            var error = await session.NextAsync(ServerMessage.PayloadOneofCase.Error);
            (error.Error.RequestId, error.Error.Code).Should().Be((id, code));
        }
        media.TileSizes.Should().ContainSingle("nothing refused reached the SFU");

        media.Listener.OnPublisherLayers("1", [new PublisherLayerState("q", true), new PublisherLayerState("h", false)]);
        var layers = (await session.NextAsync(ServerMessage.PayloadOneofCase.PublisherLayers)).PublisherLayers;
        layers.Mid.Should().Be("1");
        layers.Layers.Select(l => (l.Rid, l.Active)).Should().Equal(("q", true), ("h", false));
    }
}
