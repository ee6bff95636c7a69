// The raffle's result mails (issue 15): raffle_won carries the claim link and the deadline in
// the shop's time zone, raffle_lost says what happens next; everything from the data escaped.
#include "domain/mailtemplates.h"

#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

QJsonObject payload(const QString &kind)
{
    QJsonObject p{{u"shop"_s, QJsonObject{{u"name"_s, u"Real Deal <Kickz>"_s}, {u"timezone"_s, u"Europe/Berlin"_s},
                                          {u"currency"_s, u"EUR"_s}, {u"address"_s, u"Torstr. 1, Berlin"_s}}},
                  {u"release_id"_s, u"6f1c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6"_s},
                  {u"release_at"_s, u"2026-12-12T09:00:00+00:00"_s},
                  {u"product"_s, QJsonObject{{u"name"_s, u"Jordan 1 \"Chicago\""_s}, {u"sku"_s, u"AJ1-CHI"_s},
                                             {u"price_minor"_s, 18000}, {u"currency"_s, u"EUR"_s}}},
                  {u"size"_s, u"10.5"_s},
                  {u"draw_rank"_s, 3}};
    if (kind == u"raffle_won"_s) {
        p.insert(u"claim_code"_s, u"0b3a6a51-9c1e-4e0e-9d65-2f0a8b7e4c11"_s);
        p.insert(u"claim_deadline"_s, u"2026-12-13T17:30:00.123456+00:00"_s);
    }
    return p;
}

} // namespace

class TestRaffleMail final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void won_hasTheClaimLinkAndTheDeadlineInShopTime()
    {
        QVERIFY(isKnownMailKind(u"raffle_won"_s));
        const auto mail = renderMail(u"raffle_won"_s, payload(u"raffle_won"_s), MailShopDetails{{}, {}, u"https://shop.example"_s});
        QVERIFY2(mail, qPrintable(mail ? QString() : mail.error().message));
        QCOMPARE(mail->subject, u"You won the raffle for Jordan 1 \"Chicago\" at Real Deal <Kickz>"_s);
        QVERIFY(mail->text.contains(u"https://shop.example/drops/AJ1-CHI/claim/0b3a6a51-9c1e-4e0e-9d65-2f0a8b7e4c11"_s));
        QVERIFY2(mail->text.contains(u"13 Dec 2026, 18:30 CET"_s), qPrintable(mail->text));
        QVERIFY(mail->text.contains(u"size 10.5"_s));
        QVERIFY(mail->text.contains(u"Torstr. 1, Berlin"_s));
        QVERIFY(mail->html.contains(u"Real Deal &lt;Kickz&gt;"_s));
        QVERIFY(!mail->html.contains(u"<Kickz>"_s));
        QVERIFY(mail->html.contains(u"&quot;Chicago&quot;"_s) || mail->html.contains(u"\"Chicago\""_s));
    }

    void lost_saysWhatHappensNext()
    {
        const auto mail = renderMail(u"raffle_lost"_s, payload(u"raffle_lost"_s), MailShopDetails{});
        QVERIFY(mail);
        QVERIFY(mail->subject.contains(u"not this time"_s));
        QVERIFY(mail->text.contains(u"next entry"_s));
        QVERIFY(!mail->text.contains(u"/claim/"_s));
    }

    void wonWithoutCodeOrDeadline_isRefused_data()
    {
        QTest::addColumn<QString>("drop");
        QTest::addRow("no claim code") << u"claim_code"_s;
        QTest::addRow("no deadline") << u"claim_deadline"_s;
        QTest::addRow("no product") << u"product"_s;
    }
    void wonWithoutCodeOrDeadline_isRefused()
    {
        QFETCH(QString, drop);
        QJsonObject p = payload(u"raffle_won"_s);
        p.remove(drop);
        const auto mail = renderMail(u"raffle_won"_s, p, MailShopDetails{});
        QVERIFY(!mail);
        QVERIFY(!mail.error().message.isEmpty());
    }

    void claimCodeThatIsNotAUuid_isRefused()
    {
        QJsonObject p = payload(u"raffle_won"_s);
        p.insert(u"claim_code"_s, u"../../admin\"><script>"_s);
        QVERIFY(!renderMail(u"raffle_won"_s, p, MailShopDetails{}));
    }
};

QTEST_GUILESS_MAIN(TestRaffleMail)
#include "tst_raffle_mail.moc"
