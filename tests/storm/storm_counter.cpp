// The storm's counter: point-of-sale calls through the real data layer (data::PgPos) as a
// staff login, one command per process, answers as one JSON line on stdout.
//   storm-counter sale URL SKU:SIZE:QTY [...]   -> {"order_id", "order_number", "total"}; exit 3 when out of stock
//   storm-counter link URL ORDER SECONDS        -> {"payment_link_id", "url"} once ready (a failed link is retried);
//                                                  exit 4 on timeout, 5 when the order is no longer pending
//   storm-counter cancel URL ORDER              -> {"canceled": true}
// Exit 1 on any other error, with the reason on stderr. Connection drops (the storm restarts
// PostgreSQL) are retried for a few seconds, as the desk's reconnect would.
#include "data/pgpos.h"
#include "data/pgsession.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <cstdio>
#include <functional>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

int fail(const QString &why, int code = 1)
{
    std::fprintf(stderr, "storm-counter: %s\n", qPrintable(why));
    return code;
}

void answer(const QJsonObject &json)
{
    std::printf("%s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
}

/// Opens a session, retrying for up to 20 s while the server restarts.
Result<std::unique_ptr<data::PgSession>> connect(const std::string &url)
{
    QElapsedTimer timer;
    timer.start();
    for (;;) {
        auto session = data::PgSession::open(url);
        if (session || timer.elapsed() > 20'000)
            return session;
        QThread::msleep(250);
    }
}

/// Runs `call` on a fresh PgPos, once more on a new connection if the first one was lost.
template <typename T>
Result<T> withStore(const std::string &url, const std::function<Result<T>(PosStore &)> &call)
{
    for (int attempt = 0;; ++attempt) {
        auto session = connect(url);
        if (!session)
            return session.error();
        data::PgPos store(**session);
        Result<T> result = call(store);
        if (result || result.error().code != ErrorCode::Unavailable || attempt >= 3)
            return result;
        QThread::msleep(500);
    }
}

int sale(const std::string &url, const QStringList &items)
{
    PosSaleRequest request;
    for (const QString &item : items) {
        const QStringList parts = item.split(u':');
        if (parts.size() != 3)
            return fail(u"items are SKU:SIZE:QTY, not %1"_s.arg(item));
        request.lines.append(PosLineRequest{parts[0], parts[1], parts[2].toInt(), Money()});
    }
    auto placed = withStore<PosOrderState>(url, [&](PosStore &store) { return store.placeSale(request); });
    if (!placed)
        return fail(placed.error().message, placed.error().code == ErrorCode::OutOfStock ? 3 : 1);
    answer({{u"order_id"_s, placed->orderId}, {u"order_number"_s, placed->orderNumber},
            {u"total"_s, placed->totals.total.minor()}});
    return 0;
}

int waitForLink(const std::string &url, const QString &orderId, int seconds)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < seconds * 1000LL) {
        auto state = withStore<PosOrderState>(url, [&](PosStore &store) { return store.orderState(orderId); });
        if (!state)
            return fail(state.error().message);
        if (state->status != OrderStatus::Pending)
            return fail(u"order is %1"_s.arg(toString(state->status)), 5);
        if (state->link.state == PaymentLinkState::Ready) {
            answer({{u"payment_link_id"_s, state->link.paymentLinkId}, {u"url"_s, state->link.url}});
            return 0;
        }
        if (state->link.state == PaymentLinkState::Failed) {
            auto retried = withStore<bool>(url, [&](PosStore &store) -> Result<bool> {
                if (auto status = store.retryPaymentLink(orderId); !status)
                    return status.error();
                return true;
            });
            if (!retried)
                return fail(retried.error().message);
        }
        QThread::msleep(100);
    }
    return fail(u"no payment link after %1 s"_s.arg(seconds), 4);
}

int cancel(const std::string &url, const QString &orderId)
{
    auto canceled = withStore<bool>(url, [&](PosStore &store) -> Result<bool> {
        if (auto status = store.cancelSale(orderId, u"storm: buyer walked away"_s); !status)
            return status.error();
        return true;
    });
    if (!canceled)
        return fail(canceled.error().message, canceled.error().code == ErrorCode::Conflict ? 5 : 1);
    answer({{u"canceled"_s, true}});
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.size() < 3)
        return fail(u"usage: storm-counter sale|link|cancel URL ..."_s);
    const std::string url = args[1].toStdString();
    if (args[0] == u"sale"_s)
        return sale(url, args.mid(2));
    if (args[0] == u"link"_s && args.size() == 4)
        return waitForLink(url, args[2], args[3].toInt());
    if (args[0] == u"cancel"_s)
        return cancel(url, args[2]);
    return fail(u"unknown command %1"_s.arg(args[0]));
}
