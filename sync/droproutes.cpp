// Drop day's routes (issue 15, spec section 3, ADR 0030): thin handlers over the waiting room's
// tokens (domain/proofofwork, sync/queueticket), its shared arithmetic (sync/queueboard), the
// release SQL API (data/pgreleases) and the page renderers (sync/storefront/droppages).
#include "sync/droproutes.h"

#include "data/pgreleases.h"
#include "data/pgstorefront.h"
#include "domain/sku.h"
#include "sync/cartcookie.h"
#include "sync/catalogcache.h"
#include "sync/catalogchanges.h"
#include "sync/checkoutform.h"
#include "sync/queueticket.h"
#include "sync/storefront/droppages.h"
#include "sync/syncserver.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTimeZone>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <limits>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcDrops, "rdk.sync.drops")

namespace rdk::sync {
namespace {

using HttpStatus = QHttpServerResponder::StatusCode;

// The releases and every process's queue counts are read this often; this process's counts are
// published as often. Admission answers are at most this stale across processes.
constexpr int kRefreshMs = 1000;
// Raffle winners past their deadline are passed on (rdk.release_sweep) every this many refreshes.
constexpr int kSweepEveryTicks = 10;
// Product names for the drop pages are read again this often (and whenever the releases change).
constexpr int kNamesEveryTicks = 30;
// A purge at a release's instant is repeated this much later, in case this host's clock runs a
// little ahead of the database's (which decides what the storefront's reads return).
constexpr qint64 kPurgeRepeatsMs[] = {0, 1000, 3000};

QHttpServerResponse json(const QJsonObject &object, HttpStatus status = HttpStatus::Ok)
{
    QHttpServerResponse response("application/json", QJsonDocument(object).toJson(QJsonDocument::Compact), status);
    response.setHeader("Cache-Control", "no-store");
    return response;
}

QHttpServerResponse jsonError(HttpStatus status, const QString &message, QJsonObject extra = {})
{
    extra.insert(u"error"_s, QJsonObject{{u"message"_s, message}});
    return json(extra, status);
}

QHttpServerResponse html(QByteArray body, HttpStatus status = HttpStatus::Ok)
{
    QHttpServerResponse response("text/html; charset=utf-8", std::move(body), status);
    response.setHeader("Cache-Control", "no-store");
    return response;
}

QHttpServerResponse seeOther(const QString &location)
{
    QHttpServerResponse response(HttpStatus::SeeOther);
    response.setHeader("Location", location.toUtf8());
    response.setHeader("Cache-Control", "no-store");
    return response;
}

QString isoUtc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), count / 4);
    return bytes;
}

QString normalizedCode(const QString &code)
{
    static const QRegularExpression uuid(u"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"_s);
    const QString lower = code.trimmed().toLower();
    return code.size() <= 40 && uuid.match(lower).hasMatch() ? lower : QString();
}

bool sameRelease(const Release &a, const Release &b)
{
    return a.productId == b.productId && a.sku == b.sku && a.sizes == b.sizes && a.releaseAt == b.releaseAt
        && a.visibility == b.visibility && a.allocation == b.allocation && a.admitPerMinute == b.admitPerMinute
        && a.limitPerBuyer == b.limitPerBuyer && a.powBits == b.powBits && a.queueOpensAt == b.queueOpensAt
        && a.entriesCloseAt == b.entriesCloseAt && a.drawnAt == b.drawnAt && a.timeZone == b.timeZone;
}

DropView viewOf(const Release &release, const QString &name)
{
    DropView view;
    view.releaseId = release.id;
    view.sku = release.sku;
    view.productName = name.isEmpty() ? release.sku : name;
    view.releaseAt = release.releaseAt;
    view.queueOpensAt = release.queueOpensAt.isValid() ? release.queueOpensAt : release.releaseAt.addSecs(-30 * 60);
    view.entriesCloseAt = release.entriesCloseAt;
    view.timeZone = release.timeZone;
    view.raffle = release.allocation == ReleaseAllocation::Raffle;
    view.comingSoon = release.visibility == ReleaseVisibility::ComingSoon;
    view.sizes = release.sizes;
    view.limitPerBuyer = release.limitPerBuyer;
    view.admitPerMinute = release.admitPerMinute;
    view.drawn = release.drawnAt.isValid();
    return view;
}

} // namespace

DropRoutes::DropRoutes(SyncServer &server)
    : m_server(server),
      m_process(u"%1/%2/%3"_s.arg(QHostInfo::localHostName().left(40)).arg(QCoreApplication::applicationPid())
                    .arg(QDateTime::currentMSecsSinceEpoch()))
{
    m_refreshTimer.setInterval(kRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &DropRoutes::refresh);
    m_purgeTimer.setSingleShot(true);
    m_purgeTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_purgeTimer, &QTimer::timeout, this, &DropRoutes::purgeDue);
}

DropRoutes::~DropRoutes() = default;

void DropRoutes::start()
{
    m_stopped = false;
    m_purgedUpTo = QDateTime::currentMSecsSinceEpoch();
    m_refreshTimer.start();
    refresh();
}

void DropRoutes::stop()
{
    m_stopped = true;
    m_refreshTimer.stop();
    m_purgeTimer.stop();
}

std::optional<Release> DropRoutes::releaseForSku(const QString &rawSku) const
{
    const auto sku = normalizeSku(rawSku);
    if (!sku)
        return std::nullopt;
    const QMutexLocker lock(&m_mutex);
    const auto id = m_releaseBySku.constFind(*sku);
    if (id == m_releaseBySku.cend())
        return std::nullopt;
    const Release &release = m_releases[*id];
    // A hidden release doesn't exist for shoppers until its time: the same 404 as an unknown SKU.
    if (release.visibility == ReleaseVisibility::Hidden && QDateTime::currentDateTimeUtc() < release.releaseAt)
        return std::nullopt;
    return release;
}

std::optional<Release> DropRoutes::releaseById(const QString &id) const
{
    const QMutexLocker lock(&m_mutex);
    const auto it = m_releases.constFind(id);
    return it == m_releases.cend() ? std::nullopt : std::optional<Release>(*it);
}

void DropRoutes::addRoutes(QHttpServer &http)
{
    using Method = QHttpServerRequest::Method;
    // `inMemory`: answered from this process's memory (no database), so on the server's own
    // thread rather than behind checkouts waiting for Stripe on the worker pool.
    const auto one = [this, &http](const QString &pattern, Method method,
                                   QHttpServerResponse (DropRoutes::*handler)(const RequestInfo &, const QString &),
                                   bool inMemory) {
        http.route(pattern, method, [this, pattern, handler, inMemory](const QString &sku, const QHttpServerRequest &r,
                                                                       QHttpServerResponder &&responder) {
            m_server.handle(r, std::move(responder), pattern, [this, handler, sku](const RequestInfo &i) { return (this->*handler)(i, sku); },
                            inMemory ? SyncServer::Answer::Here : SyncServer::Answer::OnPool);
        });
    };
    const auto two = [this, &http](const QString &pattern, Method method,
                                   QHttpServerResponse (DropRoutes::*handler)(const RequestInfo &, const QString &, const QString &)) {
        http.route(pattern, method, [this, pattern, handler](const QString &sku, const QString &code, const QHttpServerRequest &r,
                                                             QHttpServerResponder &&responder) {
            m_server.handle(r, std::move(responder), pattern,
                            [this, handler, sku, code](const RequestInfo &i) { return (this->*handler)(i, sku, code); });
        });
    };
    one(u"/drops/<arg>/challenge"_s, Method::Get, &DropRoutes::challenge, true);
    one(u"/drops/<arg>/status"_s, Method::Get, &DropRoutes::status, true);
    one(u"/drops/<arg>/join"_s, Method::Post, &DropRoutes::join, true);
    one(u"/drops/<arg>/enter"_s, Method::Post, &DropRoutes::enter, false);
    one(u"/drops/<arg>/entered"_s, Method::Get, &DropRoutes::entered, true);
    two(u"/drops/<arg>/claim/<arg>"_s, Method::Get, &DropRoutes::claim);
    two(u"/drops/<arg>/claim/<arg>"_s, Method::Post, &DropRoutes::payClaim);
    one(u"/drops/<arg>"_s, Method::Get, &DropRoutes::room, true);
    http.route(u"/static/drop.js"_s, Method::Get, [this](const QHttpServerRequest &r, QHttpServerResponder &&responder) {
        m_server.handle(r, std::move(responder), u"/static/drop.js"_s, [this](const RequestInfo &i) {
            return m_server.cached(i, u"asset:drop.js"_s, {}, "text/javascript; charset=utf-8",
                                   [] { return Result<QByteArray>(storefrontAsset(u"drop.js"_s)); });
        });
    });
}

// ---------------------------------------------------------------- storefront hooks

ProductPageExtras DropRoutes::productExtras(const StorefrontProduct &product) const
{
    // The release read with the product (the same snapshot the page is rendered from), else
    // this process's copy.
    std::optional<Release> release = product.release;
    if (!release) {
        const QMutexLocker lock(&m_mutex);
        for (const Release &r : std::as_const(m_releases))
            if (r.productId == product.id)
                release = r;
    }
    if (!release)
        return {};
    return dropProductExtras(viewOf(*release, product.name), QDateTime::currentDateTimeUtc());
}

QHash<QString, QString> DropRoutes::catalogBadges() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QLocale english(QLocale::English, QLocale::UnitedStates);
    QHash<QString, QString> badges;
    const QMutexLocker lock(&m_mutex);
    for (const Release &r : std::as_const(m_releases)) {
        if (r.visibility == ReleaseVisibility::Hidden || now >= r.releaseAt)
            continue;
        const QTimeZone zone(r.timeZone.toLatin1());
        const QDateTime local = zone.isValid() ? r.releaseAt.toTimeZone(zone) : r.releaseAt.toUTC();
        badges.insert(r.productId, u"Drops "_s + english.toString(local, u"ddd d MMM, HH:mm"_s));
    }
    return badges;
}

Status DropRoutes::attachPasses(CheckoutRequest &cart, const QByteArray &cookieHeader) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const CartItem &item : cart.items) {
        const std::optional<Release> release = releaseForSku(item.sku);
        if (!release || !release->covers(item.size))
            continue;
        if (release->allocation == ReleaseAllocation::Raffle)
            return Error::forbidden(u"This release is sold to raffle winners: a winner pays through the link in their e-mail."_s);
        if (now < release->releaseAt)
            continue;   // the database says when it goes on sale, in the shop's time
        qint64 joinedAtMs = 0;
        const auto ticket = ticketOf(*release, cookieHeader, &joinedAtMs);
        if (!ticket)
            return Error::forbidden(u"This release is sold through its waiting room: join it at %1 and check out when "
                                    "your turn comes."_s.arg(dropPath(release->sku)));
        const QueueStanding standing = m_board.standing(release->id, joinedAtMs, release->admitPerMinute,
                                                        release->releaseAt.toMSecsSinceEpoch(), now.toMSecsSinceEpoch());
        if (!standing.admitted)
            return Error::forbidden(u"Your turn in the waiting room hasn't come yet (your place: %1). The waiting room at "
                                    "%2 tells you when it does."_s.arg(standing.position).arg(dropPath(release->sku)));
        cart.pass.ticket = QString::fromLatin1(*ticket);
    }
    return {};
}

std::optional<QByteArray> DropRoutes::ticketOf(const Release &release, const QByteArray &cookieHeader, qint64 *joinedAtMs) const
{
    const QByteArray value = cookieValue(cookieHeader, queueCookieName(release.id));
    const auto ticket = verifyQueueTicket(release.secret, release.id, value);
    if (!ticket)
        return std::nullopt;
    if (joinedAtMs)
        *joinedAtMs = ticket->joinedAtMs;
    return ticket->text;
}

// ---------------------------------------------------------------- waiting room

QHttpServerResponse DropRoutes::challenge(const RequestInfo &, const QString &sku)
{
    const std::optional<Release> release = releaseForSku(sku);
    if (!release)
        return jsonError(HttpStatus::NotFound, u"There is no release of this product."_s);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const DropView view = viewOf(*release, {});
    if (now < view.queueOpensAt)
        return jsonError(HttpStatus::BadRequest, (view.raffle ? u"Entries open %1."_s : u"The waiting room opens %1."_s)
                                                     .arg(formatShopTime(view.queueOpensAt, view.timeZone)));
    if (view.raffle && (view.drawn || (view.entriesCloseAt.isValid() && now >= view.entriesCloseAt)))
        return jsonError(HttpStatus::BadRequest, u"Entries for this raffle are closed."_s);
    const QByteArray text = makeChallenge(release->secret, release->id, now.toSecsSinceEpoch(), release->powBits, randomBytes(8));
    return json(QJsonObject{{u"challenge"_s, QString::fromLatin1(text)},
                            {u"bits"_s, release->powBits},
                            {u"expires_in"_s, kChallengeLifetimeSeconds}});
}

QString DropRoutes::checkProof(const Release &release, const QUrlQuery &form, qint64 nowSecs)
{
    // A person never sees the honeypot; only a script that fills every field does.
    if (!form.queryItemValue(u"website"_s, QUrl::FullyDecoded).isEmpty())
        return u"We couldn't take this request. Please reload the page and try again."_s;
    const QByteArray challenge = form.queryItemValue(u"challenge"_s, QUrl::FullyDecoded).toLatin1();
    const QByteArray nonce = form.queryItemValue(u"nonce"_s, QUrl::FullyDecoded).toLatin1();
    ChallengeFields fields;
    ProofCheck check = verifyProof(release.secret, release.id, release.powBits, challenge, nonce, nowSecs, &fields);
    if (check == ProofCheck::Ok) {
        switch (m_used.claim(challenge, fields.issuedAt, nowSecs)) {
        case UsedChallenges::Claim::Fresh: break;
        case UsedChallenges::Claim::Reused: check = ProofCheck::Reused; break;
        case UsedChallenges::Claim::Full: return u"The waiting room is very busy. Please try again in a minute."_s;
        }
    }
    return proofCheckMessage(check);
}

QHttpServerResponse DropRoutes::refusedJoin(const RequestInfo &info, const Release &release, const QString &sentence)
{
    const PageContext context{m_server.m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const DropView view = viewOf(release, {});
    if (view.raffle)
        return html(renderRaffleEntryPage(context, view, release.sizes, RaffleEntryForm{{}, {}, sentence}, now), HttpStatus::BadRequest);
    return html(renderWaitingRoomPage(context, view, std::nullopt, now, sentence), HttpStatus::BadRequest);
}

QHttpServerResponse DropRoutes::join(const RequestInfo &info, const QString &sku)
{
    if (!m_server.sameOrigin(info))
        return m_server.pageError(info, 403, u"This form must be sent from the shop's own pages."_s);
    const std::optional<Release> release = releaseForSku(sku);
    if (!release)
        return m_server.pageError(info, 404, u"There is no release of this product."_s);
    if ((release->allocation == ReleaseAllocation::Raffle))
        return refusedJoin(info, *release, u"This release is a raffle: enter it instead of queueing."_s);
    const QString room = dropPath(release->sku);
    // A second join keeps the place the shopper already has.
    if (ticketOf(*release, info.cookie))
        return seeOther(room);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const DropView view = viewOf(*release, {});
    if (now < view.queueOpensAt)
        return refusedJoin(info, *release, u"The waiting room isn't open yet: it opens %1."_s.arg(formatShopTime(view.queueOpensAt, view.timeZone)));
    const QString problem = checkProof(*release, formFields(info.body), now.toSecsSinceEpoch());
    if (!problem.isEmpty())
        return refusedJoin(info, *release, problem);
    const qint64 joinedAtMs = now.toMSecsSinceEpoch();
    const QByteArray ticket = makeQueueTicket(release->secret, release->id, joinedAtMs, randomBytes(12));
    m_board.recordJoin(release->id, joinedAtMs);
    QHttpServerResponse response = seeOther(room);
    // Kept across browser restarts until a day after the release.
    const qint64 keepSeconds = std::max<qint64>(3600, now.secsTo(release->releaseAt) + 24 * 3600);
    response.setHeader("Set-Cookie", queueSetCookie(release->id, ticket, m_server.m_https, int(std::min<qint64>(keepSeconds, 8 * 24 * 3600))));
    return response;
}

QHttpServerResponse DropRoutes::room(const RequestInfo &info, const QString &sku)
{
    const std::optional<Release> release = releaseForSku(sku);
    if (!release)
        return m_server.pageError(info, 404, u"There is no release of this product."_s);
    const PageContext context{m_server.m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString name;
    QStringList sizes = release->sizes;
    {
        const QMutexLocker lock(&m_mutex);
        name = m_names.value(release->id);
        if (sizes.isEmpty())
            sizes = m_sizes.value(release->id);
    }
    const DropView view = viewOf(*release, name);
    if (view.raffle)
        return html(renderRaffleEntryPage(context, view, sizes, {}, now));
    qint64 joinedAtMs = 0;
    std::optional<QueueStanding> standing;
    if (ticketOf(*release, info.cookie, &joinedAtMs))
        standing = m_board.standing(release->id, joinedAtMs, release->admitPerMinute, release->releaseAt.toMSecsSinceEpoch(),
                                    now.toMSecsSinceEpoch());
    return html(renderWaitingRoomPage(context, view, standing, now, {}));
}

QHttpServerResponse DropRoutes::status(const RequestInfo &info, const QString &sku)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const std::optional<Release> release = releaseForSku(sku);
    if (!release)
        return jsonError(HttpStatus::NotFound, u"There is no release of this product."_s, {{u"now"_s, isoUtc(now)}});
    const QJsonObject times{{u"release_at"_s, isoUtc(release->releaseAt)}, {u"now"_s, isoUtc(now)}};
    qint64 joinedAtMs = 0;
    if ((release->allocation == ReleaseAllocation::Raffle) || !ticketOf(*release, info.cookie, &joinedAtMs))
        return jsonError(HttpStatus::NotFound, u"You have no place in this waiting room yet: join it first."_s, times);
    const QueueStanding standing = m_board.standing(release->id, joinedAtMs, release->admitPerMinute,
                                                    release->releaseAt.toMSecsSinceEpoch(), now.toMSecsSinceEpoch());
    QJsonObject body = times;
    body.insert(u"position"_s, standing.position);
    body.insert(u"ahead"_s, standing.ahead);
    body.insert(u"estimate_seconds"_s, standing.estimateSeconds);
    body.insert(u"admitted"_s, standing.admitted);
    return json(body);
}

// ---------------------------------------------------------------- raffle

QHttpServerResponse DropRoutes::enter(const RequestInfo &info, const QString &sku)
{
    if (!m_server.sameOrigin(info))
        return m_server.pageError(info, 403, u"This form must be sent from the shop's own pages."_s);
    const std::optional<Release> release = releaseForSku(sku);
    if (!release || !(release->allocation == ReleaseAllocation::Raffle))
        return m_server.pageError(info, 404, u"There is no raffle for this product."_s);
    const QUrlQuery form = formFields(info.body);
    RaffleEntryForm entry{form.queryItemValue(u"email"_s, QUrl::FullyDecoded).trimmed().left(254),
                          form.queryItemValue(u"size"_s, QUrl::FullyDecoded).trimmed().left(10), QString()};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QString name;
    QStringList sizes = release->sizes;
    {
        const QMutexLocker lock(&m_mutex);
        name = m_names.value(release->id);
        if (sizes.isEmpty())
            sizes = m_sizes.value(release->id);
    }
    const PageContext context{m_server.m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    const auto refuse = [&](const QString &problem, HttpStatus status) {
        entry.problem = problem;
        return html(renderRaffleEntryPage(context, viewOf(*release, name), sizes, entry, now), status);
    };
    const QString problem = checkProof(*release, form, now.toSecsSinceEpoch());
    if (!problem.isEmpty())
        return refuse(problem, HttpStatus::BadRequest);
    if (!looksLikeEmail(entry.email))
        return refuse(u"Enter a valid e-mail address; the result of the draw is sent there."_s, HttpStatus::BadRequest);
    const auto entered = m_server.m_sessions.run(
        [&](data::PgSession &s) { return data::PgReleases(s).enterRaffle(release->id, entry.email, entry.size); });
    if (!entered) {
        const Error &error = entered.error();
        if (error.code == ErrorCode::Unavailable || error.code == ErrorCode::Internal)
            return m_server.pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
        return refuse(error.message, error.code == ErrorCode::Conflict ? HttpStatus::Conflict : HttpStatus::BadRequest);
    }
    return seeOther(dropPath(release->sku) + u"/entered"_s);
}

QHttpServerResponse DropRoutes::entered(const RequestInfo &info, const QString &sku)
{
    const std::optional<Release> release = releaseForSku(sku);
    if (!release || !(release->allocation == ReleaseAllocation::Raffle))
        return m_server.pageError(info, 404, u"There is no raffle for this product."_s);
    QString name;
    {
        const QMutexLocker lock(&m_mutex);
        name = m_names.value(release->id);
    }
    const PageContext context{m_server.m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    return html(renderRaffleEnteredPage(context, viewOf(*release, name)));
}

std::variant<DropRoutes::FoundClaim, QHttpServerResponse> DropRoutes::findClaim(const RequestInfo &info, const QString &sku,
                                                                                const QString &rawCode)
{
    const QString code = normalizedCode(rawCode);
    const auto wantedSku = normalizeSku(sku);
    if (code.isEmpty() || !wantedSku)
        return m_server.pageError(info, 404, u"We couldn't find that raffle entry. Check the link in your e-mail."_s);
    const auto found = m_server.m_sessions.run([&](data::PgSession &s) { return data::PgReleases(s).claimStatus(code); });
    if (!found)
        return m_server.pageError(info, 503, u"The shop is briefly unavailable. Please try again in a moment."_s);
    if (!found->has_value() || (*found)->sku != *wantedSku)
        return m_server.pageError(info, 404, u"We couldn't find that raffle entry. Check the link in your e-mail."_s);
    return FoundClaim{code, *wantedSku, **found};
}

QHttpServerResponse DropRoutes::claim(const RequestInfo &info, const QString &sku, const QString &rawCode)
{
    auto found = findClaim(info, sku, rawCode);
    if (auto *refusal = std::get_if<QHttpServerResponse>(&found))
        return std::move(*refusal);
    const auto &[code, wantedSku, entry] = std::get<FoundClaim>(found);
    const PageContext context{m_server.m_options.shopName, info.path, cartUnits(cartFromCookieHeader(info.cookie))};
    const QString notice = info.query.queryItemValue(u"notice"_s, QUrl::FullyDecoded).left(300);
    return html(renderRaffleClaimPage(context,
                                      RaffleClaimView{code, toString(entry.state), entry.size, entry.deadline, entry.productName, entry.sku},
                                      entry.timeZone, QDateTime::currentDateTimeUtc(), notice));
}

QHttpServerResponse DropRoutes::payClaim(const RequestInfo &info, const QString &sku, const QString &rawCode)
{
    if (!m_server.sameOrigin(info))
        return m_server.pageError(info, 403, u"This form must be sent from the shop's own pages."_s);
    auto found = findClaim(info, sku, rawCode);
    if (auto *refusal = std::get_if<QHttpServerResponse>(&found))
        return std::move(*refusal);
    const auto &[code, wantedSku, entry] = std::get<FoundClaim>(found);
    const QString back = dropPath(wantedSku) + u"/claim/"_s + code;
    // The database checks the claim again (state, deadline, size, one pair) as it holds the pair.
    CheckoutRequest cart;
    cart.items.append(CartItem{wantedSku, entry.size, 1});
    cart.pass.claim = code;
    const CheckoutOutcome outcome = m_server.m_services.checkout.start(cart);
    if (!outcome.ok()) {
        const bool ours = outcome.failedAt == CheckoutStep::PlaceOrder && outcome.error.code != ErrorCode::Internal
            && outcome.error.code != ErrorCode::Unavailable;
        const QString notice = ours ? outcome.error.message
                                    : u"We couldn't start the payment right now; nothing was charged. Please try again."_s;
        return seeOther(back + u"?notice="_s + QString::fromLatin1(QUrl::toPercentEncoding(notice)));
    }
    return seeOther(outcome.started->session.url.toString());
}

// ---------------------------------------------------------------- refresh and purges

void DropRoutes::refresh()
{
    if (m_stopped || m_refreshing.exchange(true))
        return;
    const int tick = m_ticks++;
    (void)QtConcurrent::run(&m_server.m_pool, [this, tick] {
        auto releases = m_server.m_sessions.run([](data::PgSession &s) { return data::PgReleases(s).storefrontReleases(); });
        if (!releases) {
            qCWarning(lcDrops).noquote() << "releases not read:" << releases.error().message;
            m_refreshing = false;
            return;
        }
        const QSet<QString> purgeNow = takeReleases(*releases);
        if (!purgeNow.isEmpty() || tick % kNamesEveryTicks == 0)
            readProductNames(*releases);
        exchangeQueueCounts(*releases);
        if (tick % kSweepEveryTicks == 0) {
            auto swept = m_server.m_sessions.run([](data::PgSession &s) { return data::PgReleases(s).sweep(); });
            if (swept && *swept > 0)
                qCInfo(lcDrops) << "raffle sweep moved" << *swept << "entries";
        }
        QMetaObject::invokeMethod(this, [this, purgeNow] {
            for (const QString &tag : purgeNow)
                m_server.m_cache.invalidateTag(tag);
            if (!purgeNow.isEmpty())
                m_server.m_cache.invalidateTag(u"catalog"_s);
            armPurge();
        }, Qt::QueuedConnection);
        m_refreshing = false;
    });
}

QSet<QString> DropRoutes::takeReleases(const QList<Release> &releases)
{
    QSet<QString> changedTags;
    const QMutexLocker lock(&m_mutex);
    QHash<QString, Release> next;
    for (const Release &r : releases) {
        next.insert(r.id, r);
        const auto old = m_releases.constFind(r.id);
        if (!m_loaded || old == m_releases.cend() || !sameRelease(*old, r))
            changedTags.insert(CatalogChanges::productTag(r.productId));
    }
    for (auto it = m_releases.cbegin(); it != m_releases.cend(); ++it)
        if (!next.contains(it.key())) {
            changedTags.insert(CatalogChanges::productTag(it->productId));
            m_board.forget(it.key());
        }
    m_releases = std::move(next);
    m_releaseBySku.clear();
    for (const Release &r : std::as_const(m_releases))
        if (const auto sku = normalizeSku(r.sku))
            m_releaseBySku.insert(*sku, r.id);
    m_loaded = true;
    return changedTags;
}

void DropRoutes::readProductNames(const QList<Release> &releases)
{
    QStringList skus;
    for (const Release &r : releases)
        skus.append(r.sku);
    auto products = m_server.m_sessions.run([&](data::PgSession &s) { return data::PgStorefront(s).productsBySku(skus); });
    if (!products)
        return;
    const QMutexLocker lock(&m_mutex);
    for (const Release &r : releases)
        for (const StorefrontProduct &p : *products) {
            if (p.id != r.productId)
                continue;
            m_names.insert(r.id, p.name);
            QStringList sizes;
            for (const StorefrontSize &size : p.sizes)
                if (!size.size.isEmpty())
                    sizes.append(size.size);
            m_sizes.insert(r.id, sizes);
        }
}

void DropRoutes::exchangeQueueCounts(const QList<Release> &releases)
{
    // This process's tickets out, every process's back in: the one write per second.
    SessionProvider &sessions = m_server.m_sessions;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QHash<QString, QueueBoard::Histogram> unpublished = m_board.unpublished();
    for (const Release &r : releases) {
        if (r.allocation == ReleaseAllocation::Raffle || now < r.queueOpensAt.addSecs(-60))
            continue;
        const auto mine = unpublished.constFind(r.id);
        const bool publishing = mine != unpublished.cend();
        if (publishing) {
            QMap<qint64, int> counts;
            for (auto it = mine->cbegin(); it != mine->cend(); ++it)
                counts.insert(it.key(), int(std::min<qint64>(it.value(), std::numeric_limits<int>::max())));
            const Status published = sessions.run([&](data::PgSession &s) { return data::PgReleases(s).publishQueue(r.id, m_process, counts); });
            if (!published) {
                qCWarning(lcDrops).noquote() << "queue counts not published:" << published.error().message;
                continue;
            }
        }
        auto counts = sessions.run([&](data::PgSession &s) { return data::PgReleases(s).queueCounts(r.id); });
        if (!counts) {
            qCWarning(lcDrops).noquote() << "queue counts not read:" << counts.error().message;
            continue;
        }
        QueueBoard::Histogram summed;
        for (const auto &[bucket, tickets] : *counts)
            summed.insert(bucket, tickets);
        m_board.refreshed(r.id, publishing ? &*mine : nullptr, summed);
    }
}

void DropRoutes::armPurge()
{
    // Every instant at which a release's pages change by themselves: the waiting room or the
    // entries open, the release, the entries close. An instant that passed since the last purge
    // but whose timer has not fired yet is kept, so a late timer still purges it.
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    QMap<qint64, QSet<QString>> purges;
    {
        const QMutexLocker lock(&m_mutex);
        for (const Release &r : std::as_const(m_releases)) {
            const QSet<QString> tags{CatalogChanges::productTag(r.productId), u"catalog"_s};
            for (const QDateTime &at : {r.queueOpensAt, r.releaseAt, r.entriesCloseAt}) {
                if (!at.isValid())
                    continue;
                for (const qint64 repeat : kPurgeRepeatsMs) {
                    const qint64 when = at.toMSecsSinceEpoch() + repeat;
                    if (when > m_purgedUpTo)
                        purges[when].unite(tags);
                }
            }
        }
    }
    m_purges = std::move(purges);
    if (m_purges.isEmpty() || m_stopped) {
        m_purgeTimer.stop();
        return;
    }
    const qint64 wait = std::clamp<qint64>(m_purges.firstKey() - nowMs, 0, 60'000);
    m_purgeTimer.start(int(wait));
}

void DropRoutes::purgeDue()
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    while (!m_purges.isEmpty() && m_purges.firstKey() <= nowMs) {
        const QSet<QString> tags = m_purges.take(m_purges.firstKey());
        int dropped = 0;
        for (const QString &tag : tags)
            dropped += m_server.m_cache.invalidateTag(tag);
        qCInfo(lcDrops) << "release time reached: dropped" << dropped << "cached pages";
    }
    m_purgedUpTo = std::max(m_purgedUpTo, nowMs);
    if (m_purges.isEmpty() || m_stopped)
        return;
    // A timer may fire a little early: it is armed again for what is still ahead.
    m_purgeTimer.start(int(std::clamp<qint64>(m_purges.firstKey() - nowMs, 0, 60'000)));
}

} // namespace rdk::sync

namespace rdk::sync {

void SyncServer::addDropRoutes(QHttpServer &http)
{
    if (!m_drops) {
        m_drops = std::make_unique<DropRoutes>(*this);
        m_drops->start();
    }
    m_drops->addRoutes(http);
}

} // namespace rdk::sync
