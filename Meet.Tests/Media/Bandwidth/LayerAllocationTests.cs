using Meet.Modules.Media.Bandwidth;

namespace Meet.Tests.Media.Bandwidth;

[TestFixture]
public sealed class LayerAllocationTests
{
    private static LayerRequest Track(int current = -1, int max = 2) => new()
    {
        MaxLayer = max,
        CurrentLayer = current,
        Bitrate0 = 150_000,
        Bitrate1 = 500_000,
        Bitrate2 = 1_500_000,
    };

    private static int[] Allocate(double budget, params LayerRequest[] tracks)
    {
        LayerAllocation.Allocate(budget, tracks);
        return tracks.Select(t => t.Chosen).ToArray();
    }

    [Test]
    public void Ample_bandwidth_gives_every_track_its_best_layer_and_reports_what_it_wants()
    {
        LayerRequest[] tracks = [Track(), Track()];
        LayerAllocation.Allocate(10_000_000, tracks).Should().Be(3_000_000);
        tracks.Select(t => t.Chosen).Should().Equal(2, 2);
    }

    [Test]
    public void A_400_kbps_path_gets_the_180p_layer_and_the_speaker_climbs_first()
    {
        Allocate(400_000, Track()).Should().Equal(0);
        // Both get 180p first; of what is left the speaker (first) climbs before the other does.
        Allocate(1_300_000, Track(), Track()).Should().Equal(1, 1);
        Allocate(1_800_000, Track(), Track()).Should().Equal(2, 0);
    }

    [Test]
    public void Every_visible_track_keeps_its_lowest_layer_even_over_budget_and_hidden_tracks_get_nothing()
    {
        Allocate(100_000, Track(), Track(max: -1), Track()).Should().Equal(0, -1, 0);
    }

    [Test]
    public void Layers_above_what_arrives_or_what_the_tile_needs_are_never_chosen()
    {
        Allocate(10_000_000, Track(max: 1), Track(max: 0)).Should().Equal(1, 0);
    }

    [Test]
    public void Hysteresis_keeps_a_layer_at_its_edge_and_needs_headroom_to_climb()
    {
        // 720p costs 1.5 Mbps: an estimate of 1.45 Mbps keeps a track already on it...
        Allocate(1_450_000, Track(current: 2)).Should().Equal(2);
        // ...but does not let one on 360p climb, and 1.5 Mbps exactly is not headroom either.
        Allocate(1_450_000, Track(current: 1)).Should().Equal(1);
        Allocate(1_500_000, Track(current: 1)).Should().Equal(1);
        Allocate(1_750_000, Track(current: 1)).Should().Equal(2);
        // Clearly below: down it goes.
        Allocate(1_200_000, Track(current: 2)).Should().Equal(1);
    }

    [Test]
    public void An_estimate_wobbling_around_a_layer_edge_does_not_flip_the_layer()
    {
        var current = 1;
        var switches = 0;
        var random = new Random(3);
        for (var tick = 0; tick < 600; tick++)
        {
            // ±8 % noise around 1.5 Mbps, the 720p layer's cost.
            var estimate = 1_500_000 * (1 + (random.NextDouble() - 0.5) * 0.16);
            var chosen = Allocate(estimate, Track(current: current))[0];
            if (chosen != current)
                switches++;
            current = chosen;
        }
        switches.Should().BeLessThanOrEqualTo(2);
    }
}
