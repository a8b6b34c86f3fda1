namespace Meet.Modules.Media.Routing;

// Issue 11: tile sizes in, dynacast out. A subscriber's tile sizes cap and pause its own consumers;
// once per tick, after every subscriber chose its layers, each simulcast producer learns which of its
// layers some consumer forwards or wants, and a layer nobody wanted for DynacastPauseDelay is paused at
// the publisher (announced as PublisherLayers after the lock is released), resumed as soon as wanted.
internal sealed partial class Router
{
    private readonly List<(RouterMember Member, string Mid, IReadOnlyList<PublisherLayerState> Layers)> _layerEvents = [];

    // Media:DynacastPauseDelay in Stopwatch ticks; 0 = dynacast off.
    public long DynacastPauseDelay { get; init; }

    // Under Enter().
    public (int Applied, int Unknown) SetTileSizes(RouterMember member, IReadOnlyList<TileSize> tiles)
    {
        var result = member.Subscribing.SetTileSizes(tiles, Selection, sender);
        sender.Counters.Adaptive.TileSizes(result.Applied, result.Unknown);
        return result;
    }

    private void UpdateDynacast(long now)
    {
        if (DynacastPauseDelay <= 0)
            return;
        foreach (var member in _members)
        {
            foreach (var producer in member.Publishing.Producers)
            {
                if (producer.Kind != MediaKind.Video || producer.Layers.Length < 2)
                    continue;
                if (producer.UpdateDynacast(WantedLayers(producer), now, DynacastPauseDelay, sender))
                    _layerEvents.Add((member, producer.Mid, producer.DynacastStates()));
            }
        }
    }

    // Bit i: some live, unpaused consumer's tile asks for layer i (its ceiling: the highest layer its tile
    // needs), or it forwards layer i, or its bandwidth chose it. The ceiling, not the bandwidth choice,
    // is what keeps a layer published (as LiveKit's "max subscribed quality"): a subscriber's estimate can
    // only grow to afford a layer that is being sent, so pausing by bandwidth would never recover.
    private static int WantedLayers(Producer producer)
    {
        var wanted = 0;
        foreach (var consumer in producer.Consumers)
        {
            if (consumer.IsClosed || consumer.IsPaused)
                continue;
            var ceiling = consumer.LayerCeiling == int.MaxValue ? producer.TopLayer : consumer.LayerCeiling;
            wanted |= 1 << Math.Clamp(ceiling, 0, 30);
            if (consumer.TargetLayer >= 0)
                wanted |= 1 << Math.Min(consumer.TargetLayer, 30);
            if (consumer.CurrentLayer >= 0)
                wanted |= 1 << Math.Min(consumer.CurrentLayer, 30);
        }
        return wanted;
    }
}
