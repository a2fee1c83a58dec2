using System.Buffers.Binary;

namespace StackGres.Ops.Tests.Maintenance;

/// <summary>
/// Damages pages of a stopped server's relation files in place, the way a bad disk or a torn write would: one line
/// pointer of a heap page, a whole page header, or the key of one index tuple of a B-tree leaf. PostgreSQL 15's
/// layout without data checksums (8 kB pages, 24-byte header, 4-byte line pointers).
/// </summary>
internal static class PageCorruption
{
    private const int PageSize = 8192;
    private const int PageHeaderSize = 24;
    private const int LinePointerSize = 4;
    private const int IndexTupleHeaderSize = 8;

    /// <summary>Points line pointer <paramref name="item"/> (1-based) of <paramref name="block"/> at an offset that is not maximally aligned.</summary>
    public static void MisalignLinePointer(string file, int block, int item)
    {
        const uint offset = 8191, normal = 1, length = 64;
        Patch(file, block, PageHeaderSize + ((item - 1) * LinePointerSize), BitConverterLittle(offset | (normal << 15) | (length << 17)));
    }

    /// <summary>Fills the page header of <paramref name="block"/> with 0xFF: no longer a page PostgreSQL accepts to read.</summary>
    public static void SmashHeader(string file, int block) => Patch(file, block, 0, Enumerable.Repeat((byte)0xFF, PageHeaderSize).ToArray());

    /// <summary>Overwrites the int4 key of index tuple <paramref name="item"/> (1-based) on B-tree page <paramref name="block"/>.</summary>
    public static void SetIndexKey(string file, int block, int item, int key)
    {
        var page = Read(file, block);
        var linePointer = BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(PageHeaderSize + ((item - 1) * LinePointerSize)));
        var tuple = (int)(linePointer & 0x7FFF);
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, key);
        Patch(file, block, tuple + IndexTupleHeaderSize, bytes);
    }

    private static byte[] BitConverterLittle(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Read(string file, int block)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read);
        var page = new byte[PageSize];
        stream.Position = (long)block * PageSize;
        stream.ReadExactly(page);
        return page;
    }

    private static void Patch(string file, int block, int offset, byte[] bytes)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
        stream.Position = ((long)block * PageSize) + offset;
        stream.Write(bytes);
    }
}
