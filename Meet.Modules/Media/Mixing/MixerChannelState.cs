namespace Meet.Modules.Media.Mixing;

internal enum MixerChannelState
{
    Idle,

    // Newly assigned: the first audible frame fades in, so a speaker joining the mix mid-word is no click.
    Entering,

    Active,

    // Left the top 3: one more frame fading out, then the channel passes to the pending speaker.
    Leaving,
}
