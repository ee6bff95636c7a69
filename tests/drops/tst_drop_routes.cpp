// Drop day through a real rdk-sync on loopback (issue 15, spec section 3): the waiting room's
// challenge, join, status and checkout gate, the release time reached while a shopper waits,
// the product page that changes by itself at the release, the raffle's entry and claim pages,
// and what a bot or a hostile client sends to every new route.
#include "domain/proofofwork.h"
#include "sync/queueticket.h"
#include "tests/support/e2efixture.h"
#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QTest>
#include <QUrlQuery>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

constexpr char kWebhookSecret[] = "whsec_test_drop_routes_secret";
constexpr int kBits = 8;   // cheap for tests; the release's pow_bits

using Reply = test::HttpReply;
using Headers = QList<QPair<QByteArray, QByteArray>>;

QByteArray formHeader() { return "application/x-www-form-urlencoded"; }

// The shop's clock a page's countdown starts from (data-now="...").
QDateTime dataNow(const QByteArray &page)
{
    const qsizetype at = page.indexOf("data-now=\"");
    if (at < 0)
        return {};
    const qsizetype from = at + qsizetype(sizeof("data-now=\"") - 1);
    return QDateTime::fromString(QString::fromLatin1(page.mid(from, page.indexOf('"', from) - from)), Qt::ISODateWithMs);
}

// The tests send the cookies they mean to send, and no others: nothing is kept between requests.
class NoCookies final : public QNetworkCookieJar {
public:
    bool setCookiesFromUrl(const QList<QNetworkCookie> &, const QUrl &) override { return false; }
    QList<QNetworkCookie> cookiesForUrl(const QUrl &) const override { return {}; }
};

} // namespace

class TestDropRoutes final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    test::Login m_service;
    QString m_tenant;
    test::ServiceProcess m_sandbox;
    test::ServiceProcess m_sync;
    QNetworkAccessManager m_nam;
    int m_client = 0;

    // Each request comes from its own address (rdk-sync trusts X-Forwarded-For from loopback,
    // where the edge would be), so the tests never meet a rate limit meant for one shopper.
    QByteArray nextClient() { return "198.18.0." + QByteArray::number(++m_client % 250 + 1); }

    Reply get(const QString &path, const QByteArray &cookie = {})
    {
        Headers headers{{"X-Forwarded-For", nextClient()}};
        if (!cookie.isEmpty())
            headers.append({"Cookie", cookie});
        return test::httpRequest(m_nam, "GET", m_sync.url(path), {}, headers);
    }

    Reply post(const QString &path, const QByteArray &body, const QByteArray &cookie = {}, const Headers &extra = {})
    {
        Headers headers{{"X-Forwarded-For", nextClient()}, {"Content-Type", formHeader()}};
        if (!cookie.isEmpty())
            headers.append({"Cookie", cookie});
        headers.append(extra);
        return test::httpRequest(m_nam, "POST", m_sync.url(path), body, headers);
    }

    std::string owner(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::work tx(c);
        const pqxx::result r = tx.exec(sql);
        tx.commit();
        return r.empty() || r[0].empty() || r[0][0].is_null() ? std::string() : r[0][0].c_str();
    }

    QString productId(const QString &sku)
    {
        return QString::fromStdString(owner("SELECT id FROM products WHERE sku = '" + sku.toStdString() + "'"));
    }

    /// A release straight into the table as the owner (test data with chosen times).
    QString addRelease(const QString &sku, const QString &allocation, const QString &visibility, const QString &releaseAt,
                       const QString &opensAt, int perMinute = 60, const QString &closesAt = u"NULL"_s)
    {
        const std::string claimHours = allocation == u"raffle"_s ? "24" : "NULL";
        return QString::fromStdString(owner(
            "INSERT INTO releases (tenant_id, product_id, release_at, visibility, allocation, admit_per_minute, pow_bits, "
            "queue_opens_at, entries_close_at, claim_hours) VALUES ('" + m_tenant.toStdString() + "', '"
            + productId(sku).toStdString() + "', " + releaseAt.toStdString() + ", '" + visibility.toStdString() + "', '"
            + allocation.toStdString() + "', " + std::to_string(perMinute) + ", " + std::to_string(kBits) + ", "
            + opensAt.toStdString() + ", " + closesAt.toStdString() + ", " + claimHours + ") RETURNING id"));
    }

    QByteArray secretOf(const QString &release)
    {
        return QByteArray::fromHex(QByteArray::fromStdString(
            owner("SELECT encode(secret, 'hex') FROM releases WHERE id = '" + release.toStdString() + "'")));
    }

    /// A solved challenge as drop.js would send it.
    QByteArray solvedForm(const QString &sku, const QByteArray &extra = {})
    {
        const QJsonObject challenge = get(u"/drops/%1/challenge"_s.arg(sku)).json();
        const QByteArray text = challenge.value(u"challenge"_s).toString().toLatin1();
        const QByteArray nonce = solveChallenge(text, challenge.value(u"bits"_s).toInt());
        return "challenge=" + QUrl::toPercentEncoding(QString::fromLatin1(text)) + "&nonce=" + nonce + "&website=" + extra;
    }

    /// Joins and returns the Cookie header holding the ticket (empty when refused).
    QByteArray join(const QString &sku)
    {
        const Reply joined = post(u"/drops/%1/join"_s.arg(sku), solvedForm(sku));
        const QByteArray setCookie = joined.headers.value("set-cookie");
        return joined.status == 303 ? setCookie.left(setCookie.indexOf(';')) : QByteArray();
    }

    QJsonObject status(const QString &sku, const QByteArray &cookie) { return get(u"/drops/%1/status"_s.arg(sku), cookie).json(); }

    Reply checkout(const QString &sku, const QByteArray &cookie, const QByteArray &email = "shopper@example.com")
    {
        const QByteArray form = "items%5B0%5D%5Bsku%5D=" + sku.toLatin1()
            + "&items%5B0%5D%5Bsize%5D=10&items%5B0%5D%5Bquantity%5D=1&email=" + QUrl::toPercentEncoding(QString::fromLatin1(email));
        return post(u"/api/checkout"_s, form, cookie);
    }

    static QString noticeOf(const Reply &reply)
    {
        const QUrl location(QString::fromUtf8(reply.headers.value("location")));
        return QUrlQuery(location).queryItemValue(u"notice"_s, QUrl::FullyDecoded);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_nam.setCookieJar(new NoCookies);
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"drop-shop"_s);
        const QString other = m_db->createTenant(u"other-shop"_s);
        m_service = m_db->createServiceLogin(m_tenant);
        QString error;
        const QList<QPair<QString, QString>> products = {
            {u"DROP-Q"_s, u"Dunk Low Retro Panda"_s}, {u"DROP-SOON"_s, u"Dunk Low Soon"_s}, {u"DROP-R"_s, u"Air Jordan 1 High Chicago"_s},
            {u"DROP-H"_s, u"Dunk Low Hidden"_s}, {u"DROP-PAGE"_s, u"Dunk Low Page"_s}, {u"DROP-R2"_s, u"Air Jordan 1 High Chicago Lost & Found"_s},
            {u"DROP-TWO"_s, u"Dunk Low Two Processes"_s}, {u"DROP-CLOCK"_s, u"Dunk Low Clock"_s}};
        for (const auto &[sku, name] : products) {
            QVERIFY2(!test::seedProduct(*m_db, {.tenantId = m_tenant, .sku = sku, .name = name, .colorway = u"White/Black"_s,
                                                .size10 = 5, .photoSeed = 11},
                                        &error)
                          .isEmpty(),
                     qPrintable(error));
        }
        QVERIFY(!test::seedProduct(*m_db, {.tenantId = other, .sku = u"OTHER-DROP"_s, .size10 = 5}, &error).isEmpty());
        // Open now, released in a day: a waiting room people can join.
        addRelease(u"DROP-Q"_s, u"queue"_s, u"coming_soon"_s, u"now() + interval '1 day'"_s, u"now() - interval '1 minute'"_s);
        // Entries open now, close in a day.
        addRelease(u"DROP-R"_s, u"raffle"_s, u"coming_soon"_s, u"now() + interval '2 days'"_s, u"now() - interval '1 minute'"_s,
                   60, u"now() + interval '1 day'"_s);
        addRelease(u"DROP-R2"_s, u"raffle"_s, u"coming_soon"_s, u"now() + interval '2 days'"_s, u"now() - interval '1 minute'"_s,
                   60, u"now() + interval '1 day'"_s);
        addRelease(u"DROP-H"_s, u"queue"_s, u"hidden"_s, u"now() + interval '1 day'"_s, u"now() - interval '1 minute'"_s);
        // Another shop's release: this shop's rdk-sync must not know it.
        pqxx::connection c(m_db->ownerUrl());
        pqxx::work tx(c);
        tx.exec("INSERT INTO releases (tenant_id, product_id, release_at, queue_opens_at) SELECT tenant_id, id, now() + interval "
                "'1 day', now() - interval '1 minute' FROM products WHERE sku = 'OTHER-DROP'");
        tx.commit();
        QVERIFY2(test::startSyncStack(m_sandbox, m_sync, m_nam,
                                      {QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)), u"drop-shop"_s,
                                       QString::fromLatin1(kWebhookSecret), u"sk_test_drop_routes"_s},
                                      &error),
                 qPrintable(error));
        // rdk-sync reads its releases once a second.
        QTRY_COMPARE_WITH_TIMEOUT(get(u"/drops/DROP-Q/challenge"_s).status, 200, 5000);
    }

    void challenge_isSignedForTheReleaseAndCheap()
    {
        const Reply reply = get(u"/drops/drop-q/challenge"_s);   // SKUs are normalised like /products/{sku}
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.headers.value("cache-control"), QByteArray("no-store"));
        const QJsonObject body = reply.json();
        QCOMPARE(body.value(u"bits"_s).toInt(), kBits);
        QCOMPARE(body.value(u"expires_in"_s).toInt(), 300);
        const QList<QByteArray> parts = body.value(u"challenge"_s).toString().toLatin1().split('.');
        QCOMPARE(parts.size(), 5);
        const QString release = QString::fromStdString(owner("SELECT r.id FROM releases r JOIN products p ON p.id = r.product_id WHERE p.sku = 'DROP-Q'"));
        QCOMPARE(QString::fromLatin1(parts[0]), release);
        QVERIFY(qAbs(parts[1].toLongLong() - QDateTime::currentSecsSinceEpoch()) < 30);
    }

    void catalog_marksComingReleases_andHidesHiddenOnes()
    {
        const Reply catalog = get(u"/?per_page=60"_s);
        QCOMPARE(catalog.status, 200);
        QVERIFY(catalog.body.contains("Dunk Low Retro Panda"));
        QVERIFY(catalog.body.contains("badge badge-drop\">Drops "));
        QVERIFY(!catalog.body.contains("Dunk Low Hidden"));
        QCOMPARE(get(u"/products/DROP-H"_s).status, 404);
    }

    void unknownHiddenOrOtherShopsRelease_isNotFound_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addRow("no release") << u"/drops/DROP-PAGE/challenge"_s;
        QTest::addRow("unknown sku") << u"/drops/NOPE-1/challenge"_s;
        QTest::addRow("hidden before its time") << u"/drops/DROP-H/challenge"_s;
        QTest::addRow("hidden room") << u"/drops/DROP-H"_s;
        QTest::addRow("another shop's") << u"/drops/OTHER-DROP/challenge"_s;
        QTest::addRow("hostile sku") << u"/drops/%3Cscript%3E/challenge"_s;
        QTest::addRow("oversized sku") << u"/drops/"_s + QString(3000, u'A') + u"/status"_s;
    }
    void unknownHiddenOrOtherShopsRelease_isNotFound()
    {
        QFETCH(QString, path);
        const Reply reply = get(path);
        QCOMPARE(reply.status, 404);
        QVERIFY(!reply.body.contains("<script>"));
    }

    void join_badProof_isRefusedWithASentence_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("sentence");
        const QString release = QString::fromStdString(owner("SELECT r.id FROM releases r JOIN products p ON p.id = r.product_id WHERE p.sku = 'DROP-Q'"));
        const QByteArray secret = secretOf(release);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const auto form = [](const QByteArray &challenge, const QByteArray &nonce) {
            return "challenge=" + QUrl::toPercentEncoding(QString::fromLatin1(challenge)) + "&nonce=" + nonce + "&website=";
        };
        const QByteArray expired = makeChallenge(secret, release, now - 400, kBits, QByteArray(8, 'e'));
        const QByteArray forged = makeChallenge(QByteArray(32, 'f'), release, now, kBits, QByteArray(8, 'f'));
        const QByteArray cheap = makeChallenge(secret, release, now, 0, QByteArray(8, 'c'));
        QByteArray good = makeChallenge(secret, release, now, kBits, QByteArray(8, 'g'));
        QByteArray wrong = "0";
        while (hasLeadingZeroBits(proofDigest(good, wrong), kBits))
            wrong = QByteArray::number(wrong.toInt() + 1);
        QTest::addRow("no proof (no JavaScript, or a script)") << QByteArray("website=") << u"didn't send the check"_s;
        QTest::addRow("honeypot filled") << form(good, solveChallenge(good, kBits)).replace("website=", "website=http%3A%2F%2Fbot")
                                         << u"couldn't take this request"_s;
        QTest::addRow("expired") << form(expired, solveChallenge(expired, kBits)) << u"expired"_s;
        QTest::addRow("forged") << form(forged, solveChallenge(forged, kBits)) << u"isn't one we gave out"_s;
        QTest::addRow("cheaper than the release asks") << form(cheap, "0") << u"longer check"_s;
        QTest::addRow("wrong answer") << form(good, wrong) << u"isn't right"_s;
        QTest::addRow("garbage") << QByteArray("challenge=%00%01%02&nonce=-1&website=") << u"isn't one we gave out"_s;
        QTest::addRow("not a form") << QByteArray("{\"challenge\": 1}") << u"didn't send the check"_s;
    }
    void join_badProof_isRefusedWithASentence()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, sentence);
        const Reply reply = post(u"/drops/DROP-Q/join"_s, body);
        QCOMPARE(reply.status, 400);
        QVERIFY(!reply.headers.contains("set-cookie"));
        QVERIFY2(QString::fromUtf8(reply.body).replace(u"&#39;"_s, u"'"_s).contains(sentence), reply.body.right(2000).constData());
    }

    void join_reusedProof_isRefused()
    {
        const QByteArray form = solvedForm(u"DROP-Q"_s);
        const Reply first = post(u"/drops/DROP-Q/join"_s, form);
        QCOMPARE(first.status, 303);   // positive control: the honest join
        const Reply again = post(u"/drops/DROP-Q/join"_s, form);
        QCOMPARE(again.status, 400);
        QVERIFY(again.body.contains("already used"));
    }

    void join_honest_getsATicketAndKeepsItOnASecondJoin()
    {
        const Reply joined = post(u"/drops/DROP-Q/join"_s, solvedForm(u"DROP-Q"_s));
        QCOMPARE(joined.status, 303);
        QCOMPARE(joined.headers.value("location"), QByteArray("/drops/DROP-Q"));
        const QByteArray setCookie = joined.headers.value("set-cookie");
        QVERIFY2(setCookie.startsWith("rdk_q_"), setCookie.constData());
        QVERIFY(setCookie.contains("; HttpOnly; SameSite=Lax; Path=/"));
        const QByteArray cookie = setCookie.left(setCookie.indexOf(';'));
        QVERIFY(cookie.mid(cookie.indexOf('=') + 1).startsWith("v1."));
        const QJsonObject place = status(u"DROP-Q"_s, cookie);
        QCOMPARE(place.value(u"admitted"_s).toBool(), false);
        QVERIFY(place.value(u"position"_s).toInt() >= 1);
        QVERIFY(place.value(u"estimate_seconds"_s).toInt() > 3600);   // released in a day
        QVERIFY(place.contains(u"release_at"_s) && place.contains(u"now"_s));
        // Joining again (a refresh, a second tab) keeps the ticket: no new cookie, same place.
        const Reply again = post(u"/drops/DROP-Q/join"_s, "website=", cookie);
        QCOMPARE(again.status, 303);
        QVERIFY(!again.headers.contains("set-cookie"));
        QCOMPARE(status(u"DROP-Q"_s, cookie).value(u"position"_s).toInt(), place.value(u"position"_s).toInt());
        // The waiting room page shows the place.
        const Reply room = get(u"/drops/DROP-Q"_s, cookie);
        QCOMPARE(room.status, 200);
        QVERIFY(room.body.contains("data-queue-position"));
        QVERIFY(room.body.contains("/static/drop.js"));
    }

    void status_withoutOrWithABadTicket_isNotFoundWithASentence_data()
    {
        QTest::addColumn<QByteArray>("cookie");
        const QString release = QString::fromStdString(owner("SELECT r.id FROM releases r JOIN products p ON p.id = r.product_id WHERE p.sku = 'DROP-Q'"));
        const QString other = QString::fromStdString(owner("SELECT r.id FROM releases r JOIN products p ON p.id = r.product_id WHERE p.sku = 'DROP-R'"));
        const QByteArray name = sync::queueCookieName(release);
        const QByteArray secret = secretOf(release);
        const QByteArray random(12, 'r');
        QByteArray earlier = sync::makeQueueTicket(secret, release, QDateTime::currentMSecsSinceEpoch(), random);
        const QByteArray joinTime = earlier.split('.')[2];
        earlier.replace("." + joinTime + ".", ".1000.");   // moved to the front of the queue
        QTest::addRow("no cookie") << QByteArray();
        QTest::addRow("forged with another key") << name + '=' + sync::makeQueueTicket(QByteArray(32, 'x'), release, 1000, random);
        QTest::addRow("join time moved earlier") << name + '=' + earlier;
        QTest::addRow("another release's ticket") << name + '=' + sync::makeQueueTicket(secretOf(other), other, 1000, random);
        QTest::addRow("garbage") << name + "=v1.%00.<script>";
        QTest::addRow("oversized") << name + '=' + QByteArray(6000, 'a');
    }
    void status_withoutOrWithABadTicket_isNotFoundWithASentence()
    {
        QFETCH(QByteArray, cookie);
        const Reply reply = get(u"/drops/DROP-Q/status"_s, cookie);
        QVERIFY2(reply.status == 404, reply.body.left(400).constData());
        QVERIFY(!reply.json().value(u"error"_s).toObject().value(u"message"_s).toString().isEmpty());
        QVERIFY(reply.json().contains(u"now"_s));
    }

    // The release time comes while the shopper waits: nothing but time passes (no database
    // write by the test), and the status flips to admitted; checkout then takes the ticket.
    void releaseTimeReached_whileWaiting_admitsAndCheckoutTakesTheTicket()
    {
        const QString release = addRelease(u"DROP-SOON"_s, u"queue"_s, u"coming_soon"_s, u"now() + interval '4 seconds'"_s,
                                           u"now() - interval '1 minute'"_s, 6000);
        QTRY_COMPARE_WITH_TIMEOUT(get(u"/drops/DROP-SOON/challenge"_s).status, 200, 5000);
        const QByteArray cookie = join(u"DROP-SOON"_s);
        QVERIFY(!cookie.isEmpty());
        QCOMPARE(status(u"DROP-SOON"_s, cookie).value(u"admitted"_s).toBool(), false);
        // Before the release: the cart gets a sentence, not an error page.
        const Reply early = checkout(u"DROP-SOON"_s, cookie);
        QCOMPARE(early.status, 303);
        QVERIFY2(noticeOf(early).contains(u"goes on sale at"_s), qPrintable(noticeOf(early)));
        QTRY_VERIFY_WITH_TIMEOUT(status(u"DROP-SOON"_s, cookie).value(u"admitted"_s).toBool(), 15000);
        // Without a ticket, or with a forged one, checkout sends the shopper back with a sentence.
        const Reply without = checkout(u"DROP-SOON"_s, {});
        QCOMPARE(without.status, 303);
        QVERIFY2(noticeOf(without).contains(u"waiting room"_s), qPrintable(noticeOf(without)));
        const QByteArray forged = sync::queueCookieName(release) + '='
            + sync::makeQueueTicket(QByteArray(32, 'x'), release, 1000, QByteArray(12, 'r'));
        QVERIFY(noticeOf(checkout(u"DROP-SOON"_s, forged)).contains(u"waiting room"_s));
        QCOMPARE(owner("SELECT count(*) FROM orders WHERE release_id = '" + release.toStdString() + "'"), std::string("0"));
        // Admitted: checkout goes to the payment page with the ticket on the order.
        const Reply placed = checkout(u"DROP-SOON"_s, cookie);
        QCOMPARE(placed.status, 303);
        QVERIFY2(QString::fromUtf8(placed.headers.value("location")).contains(u"/pay/cs_"_s), placed.headers.value("location").constData());
        const QByteArray ticket = cookie.mid(cookie.indexOf('=') + 1);
        QCOMPARE(owner("SELECT release_ticket FROM orders WHERE release_id = '" + release.toStdString() + "'"), ticket.toStdString());
        // The same ticket can't pay a second live order.
        const Reply twice = checkout(u"DROP-SOON"_s, cookie, "other@example.com");
        QCOMPARE(twice.status, 303);
        QVERIFY2(noticeOf(twice).contains(u"already been used"_s), qPrintable(noticeOf(twice)));
    }

    // A product page cached before the release says "coming soon"; after the release time it
    // sells, with no database change in between: rdk-sync drops the cached page by itself.
    void productPage_cachedBeforeRelease_changesAtReleaseTime()
    {
        addRelease(u"DROP-PAGE"_s, u"queue"_s, u"coming_soon"_s, u"now() + interval '5 seconds'"_s,
                   u"now() - interval '1 minute'"_s, 600);
        QTRY_COMPARE_WITH_TIMEOUT(get(u"/drops/DROP-PAGE/challenge"_s).status, 200, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(get(u"/products/DROP-PAGE"_s).body.contains("data-release-at"), 5000);
        const Reply before = get(u"/products/DROP-PAGE"_s);
        QVERIFY(before.body.contains("Release in"));
        QVERIFY(before.body.contains("Join the queue"));
        QVERIFY(!before.body.contains("action=\"/cart/add\""));
        QTRY_VERIFY_WITH_TIMEOUT(get(u"/products/DROP-PAGE"_s).body.contains("action=\"/cart/add\""), 15000);
        const Reply after = get(u"/products/DROP-PAGE"_s);
        QVERIFY(after.body.contains("Released."));
        QVERIFY(!after.body.contains("data-release-at"));
    }

    // A page with a countdown is cached, but its clock (data-now, which drop.js counts down
    // from) is never more than a second old: a page kept until the next change would make every
    // shopper's countdown run late by the page's age.
    void productPage_countdownClock_isNeverOld()
    {
        addRelease(u"DROP-CLOCK"_s, u"queue"_s, u"coming_soon"_s, u"now() + interval '10 minutes'"_s, u"now()"_s, 600);
        QTRY_VERIFY_WITH_TIMEOUT(get(u"/products/DROP-CLOCK"_s).body.contains("data-release-at"), 5000);
        const QDateTime shown = dataNow(get(u"/products/DROP-CLOCK"_s).body);
        QVERIFY(shown.isValid());
        QVERIFY(qAbs(shown.msecsTo(QDateTime::currentDateTimeUtc())) < 5000);   // seconds, not hours (slow CI included)
        QTest::qWait(1200);
        const QDateTime later = dataNow(get(u"/products/DROP-CLOCK"_s).body);
        QVERIFY2(later > shown, qPrintable(later.toString(Qt::ISODateWithMs) + u" after "_s + shown.toString(Qt::ISODateWithMs)));
    }

    // Two rdk-sync processes of one shop (behind the edge's round-robin) give a ticket the same
    // place: each publishes its own counts once a second and reads back the sum.
    void twoProcesses_agreeOnEveryPlace()
    {
        test::ServiceProcess sandbox2;
        test::ServiceProcess sync2;
        QString error;
        QVERIFY2(test::startSyncStack(sandbox2, sync2, m_nam,
                                      {QString::fromUtf8(RDK_SANDBOX_BINARY), QString::fromUtf8(RDK_SYNC_BINARY),
                                       QString::fromStdString(m_db->urlFor(m_service.login, m_service.password)), u"drop-shop"_s,
                                       QString::fromLatin1(kWebhookSecret), u"sk_test_drop_routes"_s},
                                      &error),
                 qPrintable(error));
        const auto on = [&](test::ServiceProcess &sync, const QByteArray &verb, const QString &path, const QByteArray &body,
                            const QByteArray &cookie) {
            Headers headers{{"X-Forwarded-For", nextClient()}, {"Content-Type", formHeader()}};
            if (!cookie.isEmpty())
                headers.append({"Cookie", cookie});
            return test::httpRequest(m_nam, verb, sync.url(path), body, headers);
        };
        QCOMPARE(on(sync2, "GET", u"/drops/DROP-TWO/challenge"_s, {}, {}).status, 404);   // no release yet
        addRelease(u"DROP-TWO"_s, u"queue"_s, u"coming_soon"_s, u"now() + interval '1 day'"_s, u"now() - interval '1 minute'"_s);
        QList<QByteArray> cookies;
        for (int i = 0; i < 5; ++i) {
            test::ServiceProcess &sync = i % 2 == 0 ? m_sync : sync2;   // 3 tickets from the first, 2 from the second
            QTRY_COMPARE_WITH_TIMEOUT(on(sync, "GET", u"/drops/DROP-TWO/challenge"_s, {}, {}).status, 200, 5000);
            const QJsonObject challenge = on(sync, "GET", u"/drops/DROP-TWO/challenge"_s, {}, {}).json();
            const QByteArray text = challenge.value(u"challenge"_s).toString().toLatin1();
            const Reply joined = on(sync, "POST", u"/drops/DROP-TWO/join"_s,
                                    "challenge=" + QUrl::toPercentEncoding(QString::fromLatin1(text)) + "&nonce="
                                        + solveChallenge(text, challenge.value(u"bits"_s).toInt()) + "&website=",
                                    {});
            QCOMPARE(joined.status, 303);
            const QByteArray setCookie = joined.headers.value("set-cookie");
            cookies.append(setCookie.left(setCookie.indexOf(';')));
            QTest::qWait(110);   // each ticket in a 100 ms bucket of its own, so places are distinct (not a timing assertion)
        }
        // Within the publish period both processes give every ticket its place in join order.
        for (int i = 0; i < cookies.size(); ++i) {
            QTRY_COMPARE_WITH_TIMEOUT(on(m_sync, "GET", u"/drops/DROP-TWO/status"_s, {}, cookies[i]).json().value(u"position"_s).toInt(),
                                      i + 1, 5000);
            QTRY_COMPARE_WITH_TIMEOUT(on(sync2, "GET", u"/drops/DROP-TWO/status"_s, {}, cookies[i]).json().value(u"position"_s).toInt(),
                                      i + 1, 5000);
        }
        QCOMPARE(owner("SELECT count(DISTINCT process) FROM release_queue_counts c JOIN releases r ON r.id = c.release_id "
                       "JOIN products p ON p.id = r.product_id WHERE p.sku = 'DROP-TWO'"),
                 std::string("2"));
    }

    void raffle_enterOncePerPerson()
    {
        const Reply page = get(u"/drops/DROP-R"_s);
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("Enter the raffle"));
        QVERIFY(page.body.contains("name=\"website\""));
        const Reply entered = post(u"/drops/DROP-R/enter"_s, solvedForm(u"DROP-R"_s) + "&email=ann%40example.com&size=10");
        QCOMPARE(entered.status, 303);
        QCOMPARE(entered.headers.value("location"), QByteArray("/drops/DROP-R/entered"));
        QCOMPARE(get(u"/drops/DROP-R/entered"_s).status, 200);
        // The same person again, spelled differently: refused with a sentence.
        const Reply again = post(u"/drops/DROP-R/enter"_s, solvedForm(u"DROP-R"_s) + "&email=ANN%40example.com&size=10");
        QCOMPARE(again.status, 409);
        QVERIFY(again.body.contains("already entered"));
        QCOMPARE(owner("SELECT count(*) FROM raffle_entries"), std::string("1"));
    }

    void raffle_badEntry_isRefusedAndNothingIsStored_data()
    {
        QTest::addColumn<QByteArray>("fields");
        QTest::addColumn<bool>("withProof");
        QTest::addColumn<int>("status");
        QTest::addRow("no proof") << QByteArray("email=bob%40example.com&size=10&website=") << false << 400;
        QTest::addRow("honeypot") << QByteArray("http%3A%2F%2Fx&email=bob%40example.com&size=10") << true << 400;
        QTest::addRow("bad e-mail") << QByteArray("&email=not-an-address&size=10") << true << 400;
        QTest::addRow("size not in the product") << QByteArray("&email=bob%40example.com&size=13") << true << 400;
        QTest::addRow("hostile size") << QByteArray("&email=bob%40example.com&size=%3Cscript%3E") << true << 400;
    }
    void raffle_badEntry_isRefusedAndNothingIsStored()
    {
        QFETCH(QByteArray, fields);
        QFETCH(bool, withProof);
        QFETCH(int, status);
        const std::string before = owner("SELECT count(*) FROM raffle_entries");
        const QByteArray body = withProof ? solvedForm(u"DROP-R"_s) + fields : fields;
        const Reply reply = post(u"/drops/DROP-R/enter"_s, body);
        QCOMPARE(reply.status, status);
        QVERIFY(reply.body.contains("role=\"alert\""));
        QVERIFY(!reply.body.contains("<script>"));
        QCOMPARE(owner("SELECT count(*) FROM raffle_entries"), before);
    }

    void raffle_queueRoutes_refuseARaffle()
    {
        const Reply join = post(u"/drops/DROP-R/join"_s, solvedForm(u"DROP-R"_s));
        QCOMPARE(join.status, 400);
        QVERIFY(join.body.contains("raffle"));
    }

    void claim_winnerSeesThePayButtonAndPays()
    {
        // The draw is the database's (dropdb's tests); here a winner as the draw leaves one.
        const std::string code = "3f0c8f6e-4b5a-4c1d-9e2f-0a1b2c3d4e5f";
        owner("INSERT INTO raffle_entries (tenant_id, release_id, email, email_key, size, state, draw_rank, claim_code, "
              "claim_deadline) SELECT r.tenant_id, r.id, 'win@example.com', 'win@example.com', '10', 'won', 1, '" + code
              + "', now() + interval '1 day' FROM releases r JOIN products p ON p.id = r.product_id WHERE p.sku = 'DROP-R'");
        owner("UPDATE releases SET release_at = now() - interval '1 second', queue_opens_at = now() - interval '2 minutes', "
              "entries_close_at = now() - interval '1 minute', draw_seed = 'seed', drawn_at = now(), drawn_by = 'test' "
              "FROM products p WHERE p.id = releases.product_id AND p.sku = 'DROP-R'");
        const Reply page = get(u"/drops/DROP-R/claim/"_s + QString::fromStdString(code));
        QCOMPARE(page.status, 200);
        QVERIFY(page.body.contains("You won a pair."));
        QVERIFY(page.body.contains("Pay for my pair"));
        const Reply pay = post(u"/drops/DROP-R/claim/"_s + QString::fromStdString(code), {});
        QCOMPARE(pay.status, 303);
        QVERIFY2(pay.headers.value("location").contains("/pay/cs_"), pay.headers.value("location").constData());
        QCOMPARE(owner("SELECT count(*) FROM orders WHERE raffle_entry_id IS NOT NULL"), std::string("1"));
    }

    void claim_unknownOrMalformedCode_isNotFound_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addRow("unknown code") << u"/drops/DROP-R/claim/00000000-0000-4000-8000-000000000000"_s;
        QTest::addRow("not a uuid") << u"/drops/DROP-R/claim/abc"_s;
        QTest::addRow("oversized") << u"/drops/DROP-R/claim/"_s + QString(2000, u'a');
        QTest::addRow("another product's path") << u"/drops/DROP-Q/claim/3f0c8f6e-4b5a-4c1d-9e2f-0a1b2c3d4e5f"_s;
        QTest::addRow("sql in the code") << u"/drops/DROP-R/claim/'%20OR%201=1--"_s;
    }
    void claim_unknownOrMalformedCode_isNotFound()
    {
        QFETCH(QString, path);
        QCOMPARE(get(path).status, 404);
        QCOMPARE(post(path, {}).status, 404);
    }

    void forms_fromAnotherSite_areRefused()
    {
        const Headers foreign{{"Origin", "https://evil.example"}};
        QCOMPARE(post(u"/drops/DROP-Q/join"_s, solvedForm(u"DROP-Q"_s), {}, foreign).status, 403);
        QCOMPARE(post(u"/drops/DROP-R/enter"_s, "email=x%40example.com&size=10", {}, foreign).status, 403);
    }

    void oversizedBody_isRefused()
    {
        QCOMPARE(post(u"/drops/DROP-Q/join"_s, "website=&challenge=" + QByteArray(20'000, 'a')).status, 413);
        QCOMPARE(post(u"/drops/DROP-R/enter"_s, "email=" + QByteArray(20'000, 'a')).status, 413);
    }

    // Reference screenshots in a real browser (RDK_SCREENSHOTS=docs/screenshots), which also runs
    // drop.js for real: the countdown ticks, the join solves its proof of work, the entry goes in.
    void screenshots_ofTheDropPages()
    {
        const QString shots = qEnvironmentVariable("RDK_SCREENSHOTS");
        if (shots.isEmpty())
            QSKIP("RDK_SCREENSHOTS is not set");
        if (QStandardPaths::findExecutable(u"node"_s).isEmpty() || !QFile::exists(u"/usr/bin/chromium"_s)
            || !QFile::exists(QStringLiteral(RDK_SOURCE_DIR "/tests/browser/node_modules/playwright-core/package.json")))
            QSKIP("node, chromium or playwright-core (npm ci --prefix tests/browser) is missing");
        QProcess node;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"RDK_STOREFRONT_URL"_s, m_sync.url(u"/"_s).toString());
        env.insert(u"RDK_SCREENSHOTS"_s, QDir(shots).absolutePath());
        env.insert(u"RDK_SOON_SKU"_s, u"DROP-Q"_s);
        env.insert(u"RDK_RAFFLE_SKU"_s, u"DROP-R2"_s);
        env.insert(u"RDK_CLAIM_PATH"_s, u"/drops/DROP-R/claim/3f0c8f6e-4b5a-4c1d-9e2f-0a1b2c3d4e5f"_s);
        node.setProcessEnvironment(env);
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start(QStandardPaths::findExecutable(u"node"_s), {QStringLiteral(RDK_SOURCE_DIR "/tests/drops/drop_screenshots.js")});
        QVERIFY(node.waitForFinished(120'000));
        const QByteArray output = node.readAll();
        QVERIFY2(node.exitCode() == 0, output.constData());
    }

    void dropScript_isServedFromTheShop()
    {
        const Reply script = get(u"/static/drop.js"_s);
        QCOMPARE(script.status, 200);
        QVERIFY(script.headers.value("content-type").startsWith("text/javascript"));
        QVERIFY(script.body.contains("sha256Hex"));
        QVERIFY(script.headers.value("content-security-policy").contains("script-src 'self'"));
    }
};

QTEST_MAIN(TestDropRoutes)
#include "tst_drop_routes.moc"
