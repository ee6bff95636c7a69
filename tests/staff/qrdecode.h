#pragma once
// A small QR decoder for tests: reads a clean, axis-aligned rendering (what QrCodeWidget
// paints) back into text, independently of the encoder. Byte mode, versions 1 to 10, all
// four error-correction levels; no error correction is applied (a clean image needs none).
// The mask and level are not taken from the format bits: every combination is tried and
// exactly one must yield a well-formed bit stream (byte mode, terminator, 0xEC/0x11 pad).

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QVector>

#include <array>
#include <optional>

namespace rdk::test::qr {

struct Grid {
    int size = 0;
    QVector<bool> dark;
    bool at(int row, int col) const { return dark.at(row * size + col); }
};

/// Finds the symbol in `image` (dark pixels' bounding box, module size from the top-left
/// finder's first row, which is 7 modules long) and samples each module's centre.
inline std::optional<Grid> sampleGrid(const QImage &image)
{
    auto isDark = [&](int x, int y) { return qGray(image.pixel(x, y)) < 128; };
    int left = image.width(), top = image.height(), right = -1, bottom = -1;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (isDark(x, y)) {
                left = qMin(left, x), right = qMax(right, x);
                top = qMin(top, y), bottom = qMax(bottom, y);
            }
    if (right < 0)
        return std::nullopt;
    int run = 0;
    while (left + run <= right && isDark(left + run, top))
        ++run;
    const double module = run / 7.0;
    const int size = qRound((right - left + 1) / module);
    if (size < 21 || (size - 17) % 4 != 0)
        return std::nullopt;
    Grid grid{size, QVector<bool>(size * size)};
    for (int r = 0; r < size; ++r)
        for (int c = 0; c < size; ++c)
            grid.dark[r * size + c] = isDark(left + int((c + 0.5) * module), top + int((r + 0.5) * module));
    return grid;
}

struct Blocks {
    int ecPerBlock, g1Count, g1Data, g2Count, g2Data;
};

// ISO/IEC 18004 table 9, versions 1..10, levels in the order L, M, Q, H.
inline Blocks blocksFor(int version, int level)
{
    static const Blocks table[10][4] = {
        {{7, 1, 19, 0, 0}, {10, 1, 16, 0, 0}, {13, 1, 13, 0, 0}, {17, 1, 9, 0, 0}},
        {{10, 1, 34, 0, 0}, {16, 1, 28, 0, 0}, {22, 1, 22, 0, 0}, {28, 1, 16, 0, 0}},
        {{15, 1, 55, 0, 0}, {26, 1, 44, 0, 0}, {18, 2, 17, 0, 0}, {22, 2, 13, 0, 0}},
        {{20, 1, 80, 0, 0}, {18, 2, 32, 0, 0}, {26, 2, 24, 0, 0}, {16, 4, 9, 0, 0}},
        {{26, 1, 108, 0, 0}, {24, 2, 43, 0, 0}, {18, 2, 15, 2, 16}, {22, 2, 11, 2, 12}},
        {{18, 2, 68, 0, 0}, {16, 4, 27, 0, 0}, {24, 4, 19, 0, 0}, {28, 4, 15, 0, 0}},
        {{20, 2, 78, 0, 0}, {18, 4, 31, 0, 0}, {18, 2, 14, 4, 15}, {26, 4, 13, 1, 14}},
        {{24, 2, 97, 0, 0}, {22, 2, 38, 2, 39}, {22, 4, 18, 2, 19}, {26, 4, 14, 2, 15}},
        {{30, 2, 116, 0, 0}, {22, 3, 36, 2, 37}, {20, 4, 16, 4, 17}, {24, 4, 12, 4, 13}},
        {{18, 2, 68, 2, 69}, {26, 4, 43, 1, 44}, {24, 6, 19, 2, 20}, {28, 6, 15, 2, 16}},
    };
    return table[version - 1][level];
}

inline QList<int> alignmentCentres(int version)
{
    static const QList<QList<int>> centres = {{},           {6, 18},     {6, 22},     {6, 26},     {6, 30},
                                              {6, 34},      {6, 22, 38}, {6, 24, 42}, {6, 26, 46}, {6, 28, 50}};
    return centres.at(version - 1);
}

/// Modules that carry no data: finders with separators, timing, alignment, format and
/// version areas, the dark module.
inline QVector<bool> functionModules(int size)
{
    const int version = (size - 17) / 4;
    QVector<bool> f(size * size, false);
    auto mark = [&](int r, int c) {
        if (r >= 0 && c >= 0 && r < size && c < size)
            f[r * size + c] = true;
    };
    for (int r = 0; r < 9; ++r)
        for (int c = 0; c < 9; ++c) {
            mark(r, c);                 // top-left finder, separator, format
            mark(r, size - 9 + c + 1);  // top-right (8 columns) and its format row
            mark(size - 9 + r + 1, c);  // bottom-left (8 rows) and its format column
        }
    for (int i = 0; i < size; ++i) {
        mark(6, i);
        mark(i, 6);
    }
    const QList<int> centres = alignmentCentres(version);
    for (int r : centres)
        for (int c : centres) {
            if ((r == 6 && c == 6) || (r == 6 && c == centres.last()) || (r == centres.last() && c == 6))
                continue;
            for (int dr = -2; dr <= 2; ++dr)
                for (int dc = -2; dc <= 2; ++dc)
                    mark(r + dr, c + dc);
        }
    if (version >= 7)
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 3; ++j) {
                mark(i, size - 11 + j);
                mark(size - 11 + j, i);
            }
    return f;
}

inline bool maskBit(int mask, int i, int j)
{
    switch (mask) {
    case 0: return (i + j) % 2 == 0;
    case 1: return i % 2 == 0;
    case 2: return j % 3 == 0;
    case 3: return (i + j) % 3 == 0;
    case 4: return (i / 2 + j / 3) % 2 == 0;
    case 5: return (i * j) % 2 + (i * j) % 3 == 0;
    case 6: return ((i * j) % 2 + (i * j) % 3) % 2 == 0;
    default: return ((i + j) % 2 + (i * j) % 3) % 2 == 0;
    }
}

/// The codewords in placement order, unmasked with `mask`.
inline QByteArray readCodewords(const Grid &grid, int mask)
{
    const QVector<bool> function = functionModules(grid.size);
    QByteArray bytes;
    int bits = 0, current = 0;
    bool upward = true;
    for (int col = grid.size - 1; col > 0; col -= 2) {
        if (col == 6)
            col = 5;
        for (int k = 0; k < grid.size; ++k) {
            const int row = upward ? grid.size - 1 - k : k;
            for (int c : {col, col - 1}) {
                if (function.at(row * grid.size + c))
                    continue;
                current = (current << 1) | int(grid.at(row, c) != maskBit(mask, row, c));
                if (++bits == 8) {
                    bytes.append(char(current));
                    bits = current = 0;
                }
            }
        }
        upward = !upward;
    }
    return bytes;
}

/// Byte-mode payload if `data` is a well-formed stream for this version, else nullopt.
inline std::optional<QByteArray> parseByteMode(const QByteArray &data, int version)
{
    int pos = 0;
    auto take = [&](int n) -> int {
        int v = 0;
        for (int i = 0; i < n; ++i, ++pos) {
            if (pos >= data.size() * 8)
                return -1;
            v = (v << 1) | ((quint8(data.at(pos / 8)) >> (7 - pos % 8)) & 1);
        }
        return v;
    };
    if (take(4) != 0b0100)
        return std::nullopt;
    const int count = take(version < 10 ? 8 : 16);
    if (count < 0 || pos + count * 8 > data.size() * 8)
        return std::nullopt;
    QByteArray out;
    for (int i = 0; i < count; ++i)
        out.append(char(take(8)));
    const int left = data.size() * 8 - pos;
    if (take(qMin(4, left)) != 0)  // terminator
        return std::nullopt;
    pos = (pos + 7) / 8 * 8;
    for (int i = 0; pos < data.size() * 8; ++i)
        if (take(8) != (i % 2 == 0 ? 0xEC : 0x11))
            return std::nullopt;
    return out;
}

/// Decodes the symbol in `image`; nullopt unless exactly one level/mask reading is valid.
inline std::optional<QByteArray> decode(const QImage &image)
{
    const auto grid = sampleGrid(image);
    if (!grid)
        return std::nullopt;
    const int version = (grid->size - 17) / 4;
    if (version < 1 || version > 10)
        return std::nullopt;
    std::optional<QByteArray> found;
    int matches = 0;
    for (int mask = 0; mask < 8; ++mask) {
        const QByteArray raw = readCodewords(*grid, mask);
        for (int level = 0; level < 4; ++level) {
            const Blocks b = blocksFor(version, level);
            const int blocks = b.g1Count + b.g2Count;
            const int dataTotal = b.g1Count * b.g1Data + b.g2Count * b.g2Data;
            if (raw.size() < dataTotal + blocks * b.ecPerBlock)
                continue;
            // Data codewords are interleaved block by block; longer (group 2) blocks last.
            QList<QByteArray> split(blocks);
            int index = 0;
            for (int i = 0; i < qMax(b.g1Data, b.g2Data); ++i)
                for (int blk = 0; blk < blocks; ++blk)
                    if (i < (blk < b.g1Count ? b.g1Data : b.g2Data))
                        split[blk].append(raw.at(index++));
            QByteArray data;
            for (const QByteArray &part : std::as_const(split))
                data += part;
            if (auto text = parseByteMode(data, version)) {
                found = text;
                ++matches;
            }
        }
    }
    return matches == 1 ? found : std::nullopt;
}

} // namespace rdk::test::qr
