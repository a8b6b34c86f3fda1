using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Meet.Modules.Media.Protocols.Srtp.Crypto;

// CTR built from ECB for platforms without AES-NI or OpenSSL. Aes.EncryptEcb allocates per call, so
// this keeps one ECB ICryptoTransform and reusable counter/keystream arrays instead.
internal sealed class PortableAesCtr : CtrCipher
{
    private const int ChunkBlocks = 32;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[ChunkBlocks * 16];
    private readonly byte[] _keystream = new byte[ChunkBlocks * 16];

    public PortableAesCtr(ReadOnlySpan<byte> key)
    {
        _aes = System.Security.Cryptography.Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
    }

    public override void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        uint counter = BinaryPrimitives.ReadUInt32BigEndian(iv.Slice(12));
        int offset = 0;
        while (offset < data.Length)
        {
            int chunk = Math.Min(data.Length - offset, ChunkBlocks * 16);
            int blocks = (chunk + 15) / 16;
            for (int i = 0; i < blocks; i++)
            {
                var block = _counters.AsSpan(i * 16, 16);
                iv.Slice(0, 12).CopyTo(block);
                BinaryPrimitives.WriteUInt32BigEndian(block.Slice(12), counter++);
            }

            _ecb.TransformBlock(_counters, 0, blocks * 16, _keystream, 0);
            Xor(data.Slice(offset, chunk), _keystream);

            offset += chunk;
        }
    }

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        for (; i + 16 <= target.Length; i += 16)
        {
            var block = Vector128.Create(target.Slice(i, 16)) ^ Vector128.Create(keystream.Slice(i, 16));
            block.CopyTo(target.Slice(i, 16));
        }

        for (; i < target.Length; i++)
        {
            target[i] ^= keystream[i];
        }
    }

    public override void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
    }
}
