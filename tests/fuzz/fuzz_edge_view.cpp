// The keeping edge's page-view report (sync/edgeviews.h): one UDP datagram, from any process
// on the server. Input: the datagram's bytes.
// Properties: nothing crashes; an accepted view keeps every bound the parser promises, and the
// same view written back in the edge's own form (a JSON line after the syslog prefix) reads
// back as the same view.
#include "sync/edgeviews.h"
#include "tests/fuzz/fuzzsupport.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>

using namespace rdk::sync;

namespace {

bool hasControl(const QString &text)
{
    for (QChar c : text)
        if (c.unicode() < 0x20 || (c.unicode() >= 0x7f && c.unicode() <= 0x9f))
            return true;
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray datagram(reinterpret_cast<const char *>(data), qsizetype(size));
    QString why;
    const auto view = parseEdgeView(datagram, &why);
    if (!view) {
        RDK_FUZZ_CHECK(!why.isEmpty());
        return 0;
    }
    RDK_FUZZ_CHECK(datagram.size() <= MaxEdgeViewDatagramBytes);
    RDK_FUZZ_CHECK(!view->client.isNull());
    RDK_FUZZ_CHECK(view->userAgent.size() <= MaxEdgeViewUserAgentBytes);
    RDK_FUZZ_CHECK(!hasControl(QString::fromUtf8(view->userAgent)));
    RDK_FUZZ_CHECK(view->path.startsWith(u'/') && view->path.toUtf8().size() <= MaxEdgeViewPathBytes);
    RDK_FUZZ_CHECK(!hasControl(view->path));
    RDK_FUZZ_CHECK(view->at.isValid() && view->at.toMSecsSinceEpoch() > 0);

    const QJsonObject line{{QStringLiteral("t"), double(view->at.toMSecsSinceEpoch()) / 1000.0},
                           {QStringLiteral("c"), view->client.toString()},
                           {QStringLiteral("ua"), QString::fromUtf8(view->userAgent)},
                           {QStringLiteral("p"), view->path}};
    const QByteArray again = "<190>Dec  8 00:02:26 rdk_views: " + QJsonDocument(line).toJson(QJsonDocument::Compact);
    if (again.size() > MaxEdgeViewDatagramBytes)
        return 0;   // JSON's escapes can make the same fields longer than the datagram was
    const auto reread = parseEdgeView(again, &why);
    RDK_FUZZ_CHECK(reread.has_value());
    RDK_FUZZ_CHECK(reread->client == view->client && reread->userAgent == view->userAgent && reread->path == view->path
                   && reread->at == view->at);
    return 0;
}
