namespace Meet.Modules.Media.Protocols.Ice;

// What the ICE-lite agent did with one incoming packet. Every value except Dropped means a
// response was written and must be sent back to the source address.
public enum IceCheckResult
{
    // Not a binding request for us, or FINGERPRINT missing/wrong: discard silently (RFC 8445 §7.3).
    Dropped,
    Answered,
    // Answered, and the source became the selected path (USE-CANDIDATE, RFC 8445 §7.3.1.5).
    Nominated,
    // 400: USERNAME, MESSAGE-INTEGRITY or PRIORITY missing (RFC 8489 §9.1.3, RFC 8445 §7.1.1).
    BadRequest,
    // 401: wrong USERNAME or MESSAGE-INTEGRITY; sent without integrity since we cannot sign it.
    Unauthorized,
    // 420: an authenticated check carried comprehension-required attributes we do not know (RFC 8489 §6.3.1.1).
    UnknownAttribute,
    // 487: the peer claims the controlled role too; an ICE-lite agent cannot switch (RFC 8445 §7.3.1.1).
    RoleConflict,
}
