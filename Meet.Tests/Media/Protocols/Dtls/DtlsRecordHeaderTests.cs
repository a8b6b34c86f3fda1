using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Dtls;

namespace Meet.Tests.Media.Protocols.Dtls;

[TestFixture]
public sealed class DtlsRecordHeaderTests
{
    // First record of a DTLS 1.2 ClientHello as sent by Chromium: handshake(22), version DTLS 1.0
    // (0xfeff, RFC 6347 §4.2.1), epoch 0, sequence 0, then the handshake header msg_type 1.
    private static readonly byte[] ClientHelloStart =
    [
        0x16, 0xfe, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04,
        0x01, 0x00, 0x00, 0x00,
    ];

    [Test]
    public void Header_round_trips()
    {
        var header = new DtlsRecordHeader(23, 0xfefd, 1, 0x0000_1234_5678_9abc, 3);
        byte[] datagram = new byte[header.GetSerializedSize() + header.Length];

        header.TryWrite(datagram, out int written).Should().BeTrue();
        DtlsRecordHeader.TryParse(datagram, out DtlsRecordHeader parsed).Should().BeTrue();

        written.Should().Be(DtlsRecordHeader.Size);
        parsed.Should().Be(header);
    }

    [Test]
    public void Client_hello_is_recognised()
    {
        DtlsRecordHeader.IsClientHello(ClientHelloStart).Should().BeTrue();
        DtlsRecordHeader.TryParse(ClientHelloStart, out DtlsRecordHeader header).Should().BeTrue();
        header.Epoch.Should().Be(0);
        header.Version.Should().Be(0xfeff);
    }

    [Test]
    public void Encrypted_epoch_1_handshake_record_is_not_a_client_hello()
    {
        byte[] record = (byte[])ClientHelloStart.Clone();
        record[4] = 1;

        DtlsRecordHeader.IsClientHello(record).Should().BeFalse();
    }

    [Test]
    public void Truncated_input_is_rejected_at_every_length()
    {
        for (int length = 0; length < ClientHelloStart.Length; length++)
        {
            DtlsRecordHeader.TryParse(ClientHelloStart.AsSpan(0, length), out _).Should().BeFalse($"length {length}");
            DtlsRecordHeader.IsClientHello(ClientHelloStart.AsSpan(0, length)).Should().BeFalse();
        }
    }

    [TestCase((byte)0x00, false)]
    [TestCase((byte)0x13, false)]
    [TestCase((byte)0x14, true)]
    [TestCase((byte)0x3f, true)]
    [TestCase((byte)0x40, false)]
    [TestCase((byte)0x80, false)]
    public void Rfc7983_first_byte_range_identifies_dtls(byte first, bool isDtls)
    {
        DtlsRecordHeader.IsDtls([first, 0xfe, 0xfd]).Should().Be(isDtls);
    }

    [Test]
    public void Writing_into_a_short_buffer_fails()
    {
        new DtlsRecordHeader(22, 0xfefd, 0, 0, 0).TryWrite(new byte[12], out int written).Should().BeFalse();
        written.Should().Be(0);
    }

    [Test]
    public void Random_bytes_never_throw()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            bool parsed = DtlsRecordHeader.TryParse(bytes, out DtlsRecordHeader header);
            _ = DtlsRecordHeader.IsClientHello(bytes);
            return !parsed || header.Length <= bytes.Length - DtlsRecordHeader.Size;
        }).QuickCheckThrowOnFailure();
    }
}
