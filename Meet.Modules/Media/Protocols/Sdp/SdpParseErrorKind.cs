namespace Meet.Modules.Media.Protocols.Sdp;

public enum SdpParseErrorKind
{
    None,
    // The document exceeds SessionDescription.MaxLength characters or MaxLines lines.
    TooLarge,
    // A line is longer than SessionDescription.MaxLineLength.
    LineTooLong,
    // Not "<letter>=<value>".
    MalformedLine,
    // A type letter RFC 8866 does not define; §5 says to reject such a description.
    UnknownLineType,
    // v=, o=, s= missing or out of place (RFC 8866 §5: they come first, in that order).
    MissingRequiredLine,
    // A line type that may not appear where it does (e.g. t= inside an m-section).
    MisplacedLine,
    // A known line or attribute whose value does not follow its grammar.
    InvalidValue,
}
