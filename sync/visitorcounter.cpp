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
    m_shared.clear();
    m_sourceFailedAtMs = 0;
}

bool VisitorCounter::needsSalts(const QDate &todayUtc) const
{
    QMutexLocker lock(&m_mutex);
    return m_source && (!m_shared.contains(todayUtc) || !m_shared.contains(todayUtc.addDays(1)));
}

void VisitorCounter::refreshSalts(const QDate &todayUtc)
{
    SaltSource source;
    QList<QDate> missing;
    {
        QMutexLocker lock(&m_mutex);
        if (!m_source)
            return;
        // A database that can't answer costs one try every few seconds, not one per tick.
        constexpr qint64 kRetryMs = 5'000;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (m_sourceFailedAtMs != 0 && now - m_sourceFailedAtMs < kRetryMs)
            return;
        m_shared.removeIf([&todayUtc](const QHash<QDate, QByteArray>::iterator it) { return it.key() < todayUtc; });
        for (const QDate &day : {todayUtc, todayUtc.addDays(1)}) {
            if (!m_shared.contains(day))
                missing.append(day);
        }
        source = m_source;
    }
    for (const QDate &day : std::as_const(missing)) {
        auto salt = source(day);   // outside the lock: views go on being counted meanwhile
        QMutexLocker lock(&m_mutex);
        if (!salt || salt->size() < 16) {
            m_sourceFailedAtMs = QDateTime::currentMSecsSinceEpoch();
            return;
        }
        m_sourceFailedAtMs = 0;
        m_shared.insert(day, *salt);
    }
}

QByteArray VisitorCounter::visitorId(const QHostAddress &client, QByteArrayView userAgent, const QDate &todayUtc)
{
    if (looksLikeBot(userAgent))
        return {};
    QByteArray salt;
    {
        QMutexLocker lock(&m_mutex);
        if (m_source) {
            salt = m_shared.value(todayUtc);
            if (salt.isEmpty())
                return {};
        } else {
            if (m_saltDay != todayUtc) {
                m_salt.resize(32);
                QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_salt.data()), 8);
                m_saltDay = todayUtc;
            }
            salt = m_salt;
        }
    }
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, salt);
    mac.addData(client.toString().toUtf8());
    mac.addData("\n");
    mac.addData(userAgent.data(), std::min<qsizetype>(userAgent.size(), 512));
    return mac.result().left(16);
}

} // namespace rdk::sync
