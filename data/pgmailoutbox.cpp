#include "data/pgmailoutbox.h"

#include "data/pgfunctionerror.h"
#include "data/pgmailrows.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

bool isUuid(const QString &id)
{
    static const QRegularExpression uuid(u"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"_s);
    return uuid.match(id).hasMatch();
}

} // namespace

Result<QList<MailRow>> PgMailOutbox::claim(int limit)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<MailRow>> {
        QList<MailRow> rows;
        for (const auto &r : tx.exec_params("SELECT id, order_id::text, kind, recipient, payload::text, attempts, "
                                            "message_id::text FROM rdk.claim_mail($1) ORDER BY id",
                                            std::max(1, limit))) {
            MailRow row;
            row.id = r[0].as<qint64>();
            row.orderId = text(r[1]);
            row.kind = text(r[2]);
            row.recipient = text(r[3]);
            row.payload = QJsonDocument::fromJson(r[4].as<std::string>().c_str()).object();
            row.attempts = r[5].as<int>();
            row.messageToken = text(r[6]);
            rows.append(row);
        }
        return rows;
    });
}

Status PgMailOutbox::sent(qint64 id)
{
    return m_session.transact([&](pqxx::work &tx) -> Status {
        tx.exec_params("SELECT rdk.mail_sent($1)", id);
        return {};
    });
}

Result<QString> PgMailOutbox::failed(qint64 id, const QString &error, bool permanent)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QString> {
        return text(tx.exec_params1("SELECT rdk.mail_failed($1, $2, $3)", id, str(error.left(500)), permanent)[0]);
    });
}

QList<OrderMail> readOrderMails(pqxx::work &tx, const QString &orderId)
{
    QList<OrderMail> mails;
    if (!tx.exec1("SELECT has_table_privilege('public.mail_outbox', 'SELECT') "
                  "OR has_column_privilege('public.mail_outbox', 'state', 'SELECT')")[0].as<bool>())
        return mails;
    for (const auto &r : tx.exec_params(
             "SELECT id, kind, state, attempts, coalesce(last_error, ''), "
             "(extract(epoch FROM created_at) * 1000)::bigint, (extract(epoch FROM sent_at) * 1000)::bigint, "
             "(extract(epoch FROM next_attempt_at) * 1000)::bigint "
             "FROM public.mail_outbox WHERE order_id = $1::uuid ORDER BY created_at, id",
             str(orderId))) {
        OrderMail m;
        m.id = r[0].as<qint64>();
        m.kind = text(r[1]);
        m.state = text(r[2]);
        m.attempts = r[3].as<int>();
        m.lastError = text(r[4]);
        m.createdAt = fromMillis(r[5]);
        m.sentAt = fromMillis(r[6]);
        m.nextAttemptAt = fromMillis(r[7]);
        mails.append(m);
    }
    return mails;
}

Result<QList<OrderMail>> PgOrderMail::mailsOf(const QString &orderId)
{
    if (!isUuid(orderId))
        return QList<OrderMail>();
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<OrderMail>> { return readOrderMails(tx, orderId); });
}

Result<qint64> PgOrderMail::emailReceipt(const QString &orderId, const QString &email)
{
    if (!isUuid(orderId))
        return Error::notFound(u"The order no longer exists."_s);
    return m_session->transact([&](pqxx::work &tx) -> Result<qint64> {
        // The function's refusals are sentences for the cashier ("That is not an e-mail address ...").
        return keepSentences(tx, [&](pqxx::work &t) -> Result<qint64> {
            return t.exec_params1("SELECT rdk.pos_email_receipt($1::uuid, $2)", str(orderId), str(email))[0].as<qint64>();
        });
    });
}

} // namespace rdk::data
