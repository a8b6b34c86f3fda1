namespace Meet.Modules.Media.Protocols.Ice;

public enum IceResponseResult
{
    // Not a response to a check of ours, or failed FINGERPRINT / MESSAGE-INTEGRITY.
    Ignored,
    // A check succeeded and its (nominated) pair is now the selected one.
    Selected,
    // A check or consent check succeeded; the selected pair did not change.
    Succeeded,
    // The peer answered with an error; the pair failed.
    PairFailed,
}
