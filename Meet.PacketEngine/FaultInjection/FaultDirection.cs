namespace Meet.PacketEngine.FaultInjection;

[Flags]
public enum FaultDirection
{
    Receive = 1,
    Send = 2,
    Both = Receive | Send,
}
