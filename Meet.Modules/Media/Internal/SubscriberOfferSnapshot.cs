using Meet.Modules.Media.Routing;

namespace Meet.Modules.Media.Internal;

// What one subscriber offer carried, kept until its answer arrives: the answer is checked against
// this (RFC 3264 §6: same m-lines in the same order), never against slots added since.
internal sealed class SubscriberOfferSnapshot(ulong version, IReadOnlyList<SubscriberOfferSnapshot.Section> sections)
{
    public ulong Version { get; } = version;

    public IReadOnlyList<Section> Sections { get; } = sections;

    // Consumer null = offered `inactive`.
    public readonly record struct Section(SubscriberSlot Slot, Consumer? Consumer);
}
