using System;
using System.Collections.Generic;
using System.Text;

namespace Mz.Core.Onnx;

/// <summary>
/// A minimal reader of the protobuf wire format over a byte array window. We keep our own (about 200 lines)
/// instead of Google.Protobuf because the generator runs inside the compiler, where every extra DLL is a
/// version-clash risk (see docs/DESIGN.md §6).
/// </summary>
public sealed class ProtobufReader
{
    public const int WireVarint = 0, Wire64 = 1, WireLengthDelimited = 2, WireStartGroup = 3, WireEndGroup = 4, Wire32 = 5;

    private readonly byte[] _buffer;
    private readonly int _end;
    private int _position;

    public ProtobufReader(byte[] buffer, int offset, int length)
    {
        if (offset < 0 || length < 0 || offset > buffer.Length - length)
            throw new OnnxFormatException($"protobuf window {offset}+{length} lies outside the {buffer.Length}-byte buffer");
        _buffer = buffer;
        _position = offset;
        _end = offset + length;
    }

    public byte[] Buffer => _buffer;
    public int Position => _position;
    public bool AtEnd => _position >= _end;

    /// <summary>Reads the next field key; returns false at the end of the message.</summary>
    public bool TryReadTag(out int fieldNumber, out int wireType)
    {
        if (_position >= _end) { fieldNumber = 0; wireType = 0; return false; }
        ulong key = ReadVarint();
        fieldNumber = (int)(key >> 3);
        wireType = (int)(key & 7);
        if (fieldNumber <= 0 || key >> 3 > int.MaxValue)
            throw new OnnxFormatException($"invalid protobuf field number {key >> 3} at byte {_position}");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _end) throw new OnnxFormatException($"truncated varint at byte {_position}");
            byte b = _buffer[_position++];
            if (shift == 63 && b > 1) throw new OnnxFormatException($"varint longer than 64 bits at byte {_position}");
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new OnnxFormatException($"varint longer than 10 bytes at byte {_position}");
    }

    public long ReadInt64() => unchecked((long)ReadVarint());

    public uint ReadFixed32()
    {
        Require(4);
        uint v = (uint)(_buffer[_position] | _buffer[_position + 1] << 8 | _buffer[_position + 2] << 16 | _buffer[_position + 3] << 24);
        _position += 4;
        return v;
    }

    public ulong ReadFixed64()
    {
        ulong lo = ReadFixed32();
        ulong hi = ReadFixed32();
        return lo | hi << 32;
    }

    public float ReadFloat() => BitConverter.ToSingle(BitConverter.GetBytes(ReadFixed32()), 0);

    public double ReadDouble() => BitConverter.Int64BitsToDouble(unchecked((long)ReadFixed64()));

    /// <summary>Reads a length prefix and returns the (offset, length) window of the payload, advancing past it.</summary>
    public (int Offset, int Length) ReadLengthDelimited()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_end - _position))
            throw new OnnxFormatException($"length prefix {length} at byte {_position} runs past the end of its message ({_end - _position} bytes left)");
        int offset = _position;
        _position += (int)length;
        return (offset, (int)length);
    }

    public ProtobufReader ReadMessage()
    {
        var (offset, length) = ReadLengthDelimited();
        return new ProtobufReader(_buffer, offset, length);
    }

    public string ReadString()
    {
        var (offset, length) = ReadLengthDelimited();
        return Encoding.UTF8.GetString(_buffer, offset, length);
    }

    public byte[] ReadBytes()
    {
        var (offset, length) = ReadLengthDelimited();
        var bytes = new byte[length];
        Array.Copy(_buffer, offset, bytes, 0, length);
        return bytes;
    }

    /// <summary>Reads a repeated int64 field that may be packed (length-delimited) or one unpacked element.</summary>
    public void ReadRepeatedInt64(int wireType, List<long> into)
    {
        if (wireType == WireLengthDelimited)
        {
            var inner = ReadMessage();
            while (!inner.AtEnd) into.Add(inner.ReadInt64());
        }
        else if (wireType == WireVarint) into.Add(ReadInt64());
        else throw WrongWireType(wireType, "int64");
    }

    /// <summary>Reads a repeated float field, packed or unpacked.</summary>
    public void ReadRepeatedFloat(int wireType, List<float> into)
    {
        if (wireType == WireLengthDelimited)
        {
            var inner = ReadMessage();
            while (!inner.AtEnd) into.Add(inner.ReadFloat());
        }
        else if (wireType == Wire32) into.Add(ReadFloat());
        else throw WrongWireType(wireType, "float");
    }

    /// <summary>Reads a repeated double field, packed or unpacked.</summary>
    public void ReadRepeatedDouble(int wireType, List<double> into)
    {
        if (wireType == WireLengthDelimited)
        {
            var inner = ReadMessage();
            while (!inner.AtEnd) into.Add(inner.ReadDouble());
        }
        else if (wireType == Wire64) into.Add(ReadDouble());
        else throw WrongWireType(wireType, "double");
    }

    /// <summary>Skips a field of any wire type; groups are skipped with a nesting bound.</summary>
    public void Skip(int wireType, int depth = 0)
    {
        switch (wireType)
        {
            case WireVarint: ReadVarint(); break;
            case Wire64: Require(8); _position += 8; break;
            case WireLengthDelimited: ReadLengthDelimited(); break;
            case Wire32: Require(4); _position += 4; break;
            case WireStartGroup:
                if (depth > 64) throw new OnnxFormatException("protobuf groups nested deeper than 64 levels");
                while (true)
                {
                    if (!TryReadTag(out _, out int inner)) throw new OnnxFormatException("unterminated protobuf group");
                    if (inner == WireEndGroup) break;
                    Skip(inner, depth + 1);
                }
                break;
            default: throw new OnnxFormatException($"unknown protobuf wire type {wireType} at byte {_position}");
        }
    }

    public OnnxFormatException WrongWireType(int wireType, string expected) =>
        new($"unexpected wire type {wireType} for a {expected} field at byte {_position}");

    private void Require(int count)
    {
        if (_end - _position < count) throw new OnnxFormatException($"truncated fixed-width field at byte {_position}");
    }
}
