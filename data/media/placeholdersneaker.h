#pragma once

#include <QtGlobal>

class QImage;

namespace rdk {

inline constexpr quint32 PlaceholderPaletteCount = 12;

/// A generated studio-style product photo for the demo store: a soft backdrop with a
/// stylised sneaker in side view. The colourway is `seed % PlaceholderPaletteCount`:
/// 0 Chicago, 1 Panda, 2 University Blue, 3 Bred Toe, 4 Royal Toe, 5 Mocha, 6 Shadow,
/// 7 Pine Green, 8 Triple Black, 9 Grey Gum, 10 Olive Sail, 11 Sunset Orange; the rest of
/// the seed varies the cut (high/low), stripes and lighting. The same seed and size always
/// give the same pixels. Draws no text (headless machines have no fonts). Any thread.
QImage renderPlaceholderSneaker(quint32 seed, int width, int height);

} // namespace rdk
