namespace Meet.Modules.Media.Protocols.Stun;

// RFC 8489 §5: the 14-bit type interleaves method and class bits (M11..M7 C1 M6..M4 C0 M3..M0).
// ICE only ever uses the Binding method, so its four classes are listed directly.
public enum StunMessageType : ushort
{
    BindingRequest = 0x0001,
    BindingIndication = 0x0011,
    BindingSuccessResponse = 0x0101,
    BindingErrorResponse = 0x0111,
}
