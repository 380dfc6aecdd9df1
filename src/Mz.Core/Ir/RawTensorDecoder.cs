using System;
using Mz.Core.Onnx;

namespace Mz.Core.Ir;

/// <summary>
/// Decodes raw little-endian tensor bytes (ONNX raw_data, safetensors payloads): float32/float64 copied
/// bit-exactly, float16/bfloat16 widened exactly to float32, integers and bools to int64.
/// </summary>
public static class RawTensorDecoder
{
    /// <summary>Little-endian raw bytes of <paramref name="count"/> elements at <paramref name="offset"/>, widened to the compute types.</summary>
    public static TensorData Decode(string name, ElementType type, long[] shape, byte[] bytes, int offset, int count)
    {
        switch (type)
        {
            case ElementType.Float32:
            {
                var values = new float[count];
                Buffer.BlockCopy(bytes, offset, values, 0, count * 4);
                if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
                return new TensorData(name, type, shape, float32: values);
            }
            case ElementType.Float64:
            {
                var values = new double[count];
                Buffer.BlockCopy(bytes, offset, values, 0, count * 8);
                return new TensorData(name, type, shape, float64: values);
            }
            case ElementType.Float16:
            case ElementType.BFloat16:
            {
                var values = new float[count];
                for (int i = 0; i < count; i++)
                {
                    ushort bits = (ushort)(bytes[offset + 2 * i] | bytes[offset + 2 * i + 1] << 8);
                    values[i] = type == ElementType.Float16 ? OnnxModelReader.HalfToSingle(bits) : OnnxModelReader.BFloat16ToSingle(bits);
                }
                return new TensorData(name, type, shape, float32: values);
            }
            default:
            {
                int size = ElementTypes.SizeInBytes(type);
                var values = new long[count];
                for (int i = 0; i < count; i++)
                {
                    int p = offset + i * size;
                    values[i] = type switch
                    {
                        ElementType.Int64 or ElementType.UInt64 => BitConverter.ToInt64(bytes, p),
                        ElementType.Int32 => BitConverter.ToInt32(bytes, p),
                        ElementType.UInt32 => BitConverter.ToUInt32(bytes, p),
                        ElementType.Int16 => BitConverter.ToInt16(bytes, p),
                        ElementType.UInt16 => BitConverter.ToUInt16(bytes, p),
                        ElementType.Int8 => (sbyte)bytes[p],
                        _ => bytes[p],
                    };
                }
                return new TensorData(name, type, shape, int64: values);
            }
        }
    }
}
