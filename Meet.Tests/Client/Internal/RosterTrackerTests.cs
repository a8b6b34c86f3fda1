using Meet.Modules.Client.Internal;
using Meet.Modules.Signaling;

namespace Meet.Tests.Client.Internal;

// The client's roster: snapshot + versioned updates, in order, nothing lost (issue 9, defect 2).
[TestFixture]
public sealed class RosterTrackerTests
{
    private static ParticipantUpdateMessage Joined(string id, long version) => new(id, id.ToUpperInvariant(), ParticipantUpdateMessage.Joined, null) { Version = version };

    private static ParticipantUpdateMessage Left(string id, long version) => new(id, id.ToUpperInvariant(), ParticipantUpdateMessage.Left, null) { Version = version };

    private static ParticipantInfo Info(string id) => new(id, id.ToUpperInvariant(), false, false, false);

    // Defect 2: JOINED updates that arrived right after the welcome, before the client applied it,
    // were wiped when the roster was rebuilt from the welcome.
    [Test]
    public void Updates_that_arrive_before_the_welcome_is_applied_are_kept()
    {
        var tracker = new RosterTracker();
        tracker.BeginSnapshot();
        tracker.Apply(Joined("c", 4)).Should().BeEmpty("the snapshot is not applied yet");
        tracker.Apply(Joined("d", 5)).Should().BeEmpty();

        var applied = tracker.ApplySnapshot(3, [Info("a")], "self");
        applied.Select(u => u.ParticipantId).Should().Equal("c", "d");
        tracker.Participants.Keys.Should().BeEquivalentTo(["a", "c", "d"]);
        tracker.Version.Should().Be(5);
    }

    [Test]
    public void Updates_already_in_the_snapshot_are_not_applied_twice()
    {
        var tracker = new RosterTracker();
        tracker.Apply(Left("a", 3));
        tracker.ApplySnapshot(3, [Info("b")], "self").Should().BeEmpty();
        tracker.Apply(Joined("b", 2)).Should().BeEmpty();
        tracker.Participants.Keys.Should().Equal("b");
    }

    [Test]
    public void Out_of_order_updates_wait_for_the_missing_version()
    {
        var tracker = new RosterTracker();
        tracker.ApplySnapshot(1, [], "self");
        tracker.Apply(Left("a", 3)).Should().BeEmpty();
        tracker.HasGap.Should().BeTrue();
        tracker.Apply(Joined("a", 2)).Select(u => u.Version).Should().Equal(2, 3);
        tracker.HasGap.Should().BeFalse();
        tracker.Participants.Should().BeEmpty("a joined and left, in that order");
    }

    [Test]
    public void A_snapshot_closes_a_gap_and_keeps_what_follows_it()
    {
        var tracker = new RosterTracker();
        tracker.ApplySnapshot(1, [], "self");
        tracker.Apply(Joined("x", 5));
        tracker.Apply(Joined("y", 9));
        tracker.HasGap.Should().BeTrue();

        tracker.ApplySnapshot(8, [Info("x"), Info("z")], "self").Select(u => u.ParticipantId).Should().Equal("y");
        tracker.HasGap.Should().BeFalse();
        tracker.Participants.Keys.Should().BeEquivalentTo(["x", "y", "z"]);
    }

    [Test]
    public void Changes_about_ourselves_advance_the_version_but_never_list_us()
    {
        var tracker = new RosterTracker();
        tracker.ApplySnapshot(1, [Info("self"), Info("a")], "self");
        tracker.Apply(new ParticipantUpdateMessage("self", "Me", ParticipantUpdateMessage.Muted, "audio") { Version = 2 });
        tracker.Apply(new ParticipantUpdateMessage("a", "A", ParticipantUpdateMessage.Muted, "video") { Version = 3 });
        tracker.Version.Should().Be(3);
        tracker.Participants.Keys.Should().Equal("a");
        tracker.Participants["a"].VideoMuted.Should().BeTrue();
    }

    [Test]
    public void Random_delivery_orders_with_duplicates_converge_on_the_server_roster([Range(1, 50)] int seed)
    {
        var random = new Random(seed);
        // The server's history: joins and leaves of 40 ids; version n is the n-th change.
        var server = new HashSet<string>(StringComparer.Ordinal);
        var history = new List<ParticipantUpdateMessage>();
        for (var v = 1; v <= 300; v++)
        {
            var id = "p" + random.Next(40);
            var update = server.Add(id) ? Joined(id, v) : Left(id, v);
            if (update.Action == ParticipantUpdateMessage.Left)
                server.Remove(id);
            history.Add(update);
        }
        // The client joins at version 100: it gets the snapshot then, and everything after, shuffled
        // within small windows and sometimes duplicated; some arrive before the snapshot.
        var atJoin = new HashSet<string>(StringComparer.Ordinal);
        foreach (var update in history.Take(100))
        {
            if (update.Action == ParticipantUpdateMessage.Joined)
                atJoin.Add(update.ParticipantId);
            else
                atJoin.Remove(update.ParticipantId);
        }
        var deliveries = history.Skip(100).ToList();
        deliveries.AddRange(deliveries.Where(_ => random.Next(10) == 0).ToList());
        deliveries = deliveries.Select((u, i) => (u, key: i / 1.0 + random.Next(8))).OrderBy(x => x.key).Select(x => x.u).ToList();

        var tracker = new RosterTracker();
        tracker.BeginSnapshot();
        var early = random.Next(0, 10);
        foreach (var update in deliveries.Take(early))
            tracker.Apply(update);
        tracker.ApplySnapshot(100, atJoin.Select(Info).ToList(), "self");
        foreach (var update in deliveries.Skip(early))
            tracker.Apply(update);

        tracker.Version.Should().Be(300, $"seed {seed}");
        tracker.Participants.Keys.Should().BeEquivalentTo(server, $"seed {seed}");
    }
}
