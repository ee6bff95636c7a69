#include "sync/visitorcounter.h"

#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

bool VisitorCounter::looksLikeBot(QByteArrayView userAgent)
{
    if (userAgent.isEmpty())
        return true;
    static const QRegularExpression bots(
        u"bot|crawl|spider|slurp|curl/|wget|python-requests|httpclient|go-http-client|headlesschrome|lighthouse|"
        "facebookexternalhit|preview|monitor|uptime|wrk|okhttp|java/"_s,
        QRegularExpression::CaseInsensitiveOption);
    return bots.match(QString::fromLatin1(userAgent.first(std::min<qsizetype>(userAgent.size(), 512)))).hasMatch();
}

void VisitorCounter::setSaltSource(SaltSource source)
{
    QMutexLocker lock(&m_mutex);
    m_source = std::move(source);
    m_saltDay = {};
}

QByteArray VisitorCounter::visitorId(const QHostAddress &client, QByteArrayView userAgent, const QDate &todayUtc)
{
    if (looksLikeBot(userAgent))
        return {};
    QByteArray salt;
    {
        QMutexLocker lock(&m_mutex);
        if (m_saltDay != todayUtc) {
            if (m_source) {
                // A database that can't answer costs one try every few seconds, not one per view.
                constexpr qint64 kRetryMs = 5'000;
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                if (m_sourceFailedAtMs != 0 && now - m_sourceFailedAtMs < kRetryMs)
                    return {};
                auto shared = m_source(todayUtc);
                if (!shared || shared->size() < 16) {
                    m_sourceFailedAtMs = now;
                    return {};
                }
                m_sourceFailedAtMs = 0;
                m_salt = *shared;
            } else {
                m_salt.resize(32);
                QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_salt.data()), 8);
            }
            m_saltDay = todayUtc;
        }
        salt = m_salt;
    }
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, salt);
    mac.addData(client.toString().toUtf8());
    mac.addData("\n");
    mac.addData(userAgent.data(), std::min<qsizetype>(userAgent.size(), 512));
    return mac.result().left(16);
}

} // namespace rdk::sync
