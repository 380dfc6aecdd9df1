using System.IO;
using System.Text;

namespace Mz.Cli.Checking;

/// <summary>The few protobuf wire-format writes the model rewriter needs (varints and length-delimited fields).</summary>
public sealed class ProtobufWriter
{
    private readonly MemoryStream _stream = new();

    public ProtobufWriter Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _stream.WriteByte((byte)value);
        return this;
    }

    public ProtobufWriter Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    public ProtobufWriter VarintField(int field, long value) => Tag(field, 0).Varint(unchecked((ulong)value));

    public ProtobufWriter BytesField(int field, byte[] bytes) => BytesField(field, bytes, 0, bytes.Length);

    public ProtobufWriter BytesField(int field, byte[] bytes, int offset, int length)
    {
        Tag(field, 2).Varint((ulong)length);
        _stream.Write(bytes, offset, length);
        return this;
    }

    public ProtobufWriter StringField(int field, string text) => BytesField(field, Encoding.UTF8.GetBytes(text));

    /// <summary>Copies already-encoded fields verbatim.</summary>
    public ProtobufWriter Raw(byte[] bytes, int offset, int length)
    {
        _stream.Write(bytes, offset, length);
        return this;
    }

    public byte[] ToArray() => _stream.ToArray();
}
