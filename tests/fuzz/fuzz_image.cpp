// Uploaded image bytes -> accepted (variants rendered) or refused with a reason.
// Properties: nothing crashes or hangs; an accepted image yields the four variants, each
// within its size bound; a refusal carries a message.
#include "data/media/imagepipeline.h"
#include "tests/fuzz/fuzzsupport.h"

#include <QGuiApplication>

#include <cstddef>
#include <cstdint>

using namespace rdk;
using namespace Qt::Literals::StringLiterals;

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // Image format plugins (WebP) are found through the application object.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    static QGuiApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto type = sniffImageType(bytes);
    RDK_FUZZ_CHECK(type.ok() || !type.error().message.isEmpty());
    // Small bounds keep each run fast; the checks are the same as with the real limits.
    ImageLimits limits;
    limits.maxBytes = 512 * 1024;
    limits.maxPixels = 4'000'000;
    const auto processed = processProductImage(bytes, u"FUZZ-1"_s, u"upload.bin"_s, limits);
    if (!processed) {
        RDK_FUZZ_CHECK(!processed.error().message.isEmpty());
        return 0;
    }
    RDK_FUZZ_CHECK(type.ok());
    RDK_FUZZ_CHECK(processed->variants.size() == 4);
    RDK_FUZZ_CHECK(processed->contentHash.size() == 64);
    const ImageVariant *thumb = processed->variant(u"thumb"_s);
    RDK_FUZZ_CHECK(thumb && thumb->width <= 200 && thumb->height <= 200 && !thumb->bytes.isEmpty());
    return 0;
}
