// What a customer's mail is made of (ADR 0018): addresses, RFC 2047 headers, MIME, quoted-
// printable, SMTP dot-stuffing and the templates, including hostile shop names, product names
// and recipients. No database, no network.
#include "domain/mailmessage.h"
#include "domain/mailtemplates.h"

#include <QJsonArray>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;

namespace {

QJsonObject payload(const QString &shopName, const QString &currency = u"USD"_s, const QString &timeZone = u"America/New_York"_s)
{
    return QJsonObject{
        {u"shop"_s, QJsonObject{{u"name"_s, shopName}, {u"timezone"_s, timeZone}, {u"currency"_s, currency}}},
        {u"order_number"_s, 1042},
        {u"currency"_s, currency},
        {u"paid_at"_s, u"2026-12-07T13:05:00.123456+00:00"_s},
        {u"subtotal_minor"_s, 24000},
        {u"discount_minor"_s, 1000},
        {u"shipping_minor"_s, 500},
        {u"tax_minor"_s, 0},
        {u"total_minor"_s, 23500},
        {u"refunded_minor"_s, 2000},
        {u"refund_minor"_s, 2000},
        {u"carrier"_s, u"UPS"_s},
        {u"tracking_number"_s, u"1Z999AA10123456784"_s},
        {u"lines"_s, QJsonArray{QJsonObject{{u"name"_s, u"Air Max <script>alert(1)</script>"_s}, {u"size"_s, u"10"_s},
                                            {u"quantity"_s, 2}, {u"line_total_minor"_s, 24000}}}},
    };
}

rdk::MailEnvelope envelope(const QString &subject)
{
    rdk::MailEnvelope m;
    m.from = u"shop@example.com"_s;
    m.fromName = u"Real Deal Kickz"_s;
    m.to = u"buyer@example.com"_s;
    m.messageId = rdk::mailMessageId(u"3f1c2b7e-0d1f-4a51-9a57-4f6d3b1f1d2a"_s, m.from);
    m.date = QDateTime(QDate(2026, 12, 7), QTime(13, 5), QTimeZone::utc());
    m.content = {subject, u"Hello.\n.leading dot\n"_s + QString(200, u'x') + u"\nend = here \n"_s, u"<p>Hello</p>"_s};
    return m;
}

QList<QByteArray> headerLines(const QByteArray &message)
{
    return message.left(message.indexOf("\r\n\r\n")).split('\n');
}

} // namespace

class TestMailMessages final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sendableAddress_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::addRow("plain") << u"buyer@example.com"_s << u"buyer@example.com"_s;
        QTest::addRow("trimmed") << u"  Buyer+tag@Mail.Example.co.uk \t"_s << u"Buyer+tag@Mail.Example.co.uk"_s;
        QTest::addRow("CRLF header injection") << u"a@example.com\r\nBcc: b@example.com"_s << QString();
        QTest::addRow("LF") << u"a@example.com\nb"_s << QString();
        QTest::addRow("display name") << u"Eve <eve@example.com>"_s << QString();
        QTest::addRow("two addresses") << u"a@example.com,b@example.com"_s << QString();
        QTest::addRow("space inside") << u"a b@example.com"_s << QString();
        QTest::addRow("no domain dot") << u"a@localhost"_s << QString();
        QTest::addRow("non-ASCII") << u"jörg@example.com"_s << QString();
        QTest::addRow("local part over 64") << (QString(65, u'a') + u"@example.com"_s) << QString();
        QTest::addRow("domain starts with hyphen") << u"a@-example.com"_s << QString();
    }

    void sendableAddress()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(rdk::sendableAddress(input), expected);
    }

    void encodeHeaderText_asciiStays_utf8BecomesEncodedWords_lineBreaksRefused()
    {
        QCOMPARE(*rdk::encodeHeaderText(u"Your order RDK-1042"_s), QByteArray("Your order RDK-1042"));
        const QString german = u"Ihre Bestellung bei Größenwahn Sneaker — Größe 10, Farbe Weiß, und noch viel mehr Text"_s;
        const auto encoded = rdk::encodeHeaderText(german);
        QVERIFY(encoded);
        QByteArray decoded;
        for (const QByteArray &word : encoded->split(' ')) {
            QVERIFY2(word.startsWith("=?UTF-8?B?") && word.endsWith("?=") && word.size() <= 75, word.constData());
            decoded += QByteArray::fromBase64(word.mid(10, word.size() - 12));
        }
        QCOMPARE(QString::fromUtf8(decoded), german);
        QVERIFY(!rdk::encodeHeaderText(u"Hi\r\nBcc: all@example.com"_s));
        QVERIFY(!rdk::encodeHeaderText(u"Hi\nBcc: all@example.com"_s));
    }

    void buildMimeMessage_is7BitWithShortLines_andAStableMessageId()
    {
        rdk::MailEnvelope m = envelope(u"Your receipt from Größenwahn, RDK-1042"_s);
        m.fromName = u"Größenwahn \"Kickz\""_s;
        const auto message = rdk::buildMimeMessage(m);
        QVERIFY(message);
        for (const QByteArray &line : message->split('\n')) {
            QVERIFY2(line.size() <= 79, line.constData());   // 78 + the CR
            for (const char c : line)
                QVERIFY2(uchar(c) < 128, line.constData());
        }
        QVERIFY(message->contains("Message-ID: <rdk.3f1c2b7e0d1f4a519a574f6d3b1f1d2a@example.com>\r\n"));
        QVERIFY(message->contains("Content-Type: multipart/alternative;"));
        QVERIFY(message->contains("Date: Mon, 07 Dec 2026 13:05:00 +0000\r\n"));
        QVERIFY(message->contains("\r\n=2Eleading dot\r\n"));   // quoted-printable never starts a line with '.'
        QVERIFY(message->contains("end =3D here=20\r\n"));
        // Every attempt of one row builds the same bytes.
        QCOMPARE(*rdk::buildMimeMessage(m), *message);
    }

    void buildMimeMessage_hostileHeaders_areRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addRow("subject with CRLF") << u"subject"_s << u"Hi\r\nBcc: all@example.com"_s;
        QTest::addRow("sender name with LF") << u"fromName"_s << u"Shop\nBcc: all@example.com"_s;
        QTest::addRow("recipient with CRLF") << u"to"_s << u"a@example.com\r\nBcc: all@example.com"_s;
        QTest::addRow("recipient with a name") << u"to"_s << u"Eve <eve@example.com>"_s;
        QTest::addRow("sender with CRLF") << u"from"_s << u"shop@example.com\r\nX: y"_s;
        QTest::addRow("message id with CRLF") << u"messageId"_s << u"<a@b>\r\nBcc: x@example.com"_s;
    }

    void buildMimeMessage_hostileHeaders_areRefused()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        rdk::MailEnvelope m = envelope(u"Hello"_s);
        if (field == u"subject"_s)
            m.content.subject = value;
        else if (field == u"fromName"_s)
            m.fromName = value;
        else if (field == u"to"_s)
            m.to = value;
        else if (field == u"from"_s)
            m.from = value;
        else
            m.messageId = value;
        QVERIFY(!rdk::buildMimeMessage(m));
        QVERIFY(rdk::buildMimeMessage(envelope(u"Hello"_s)));   // positive control
    }

    void smtpDotStuff_doublesLeadingDots_andEndsWithALoneDot()
    {
        QCOMPARE(rdk::smtpDotStuff("a\r\n.b\r\n.\r\n..c\r\nd"), QByteArray("a\r\n..b\r\n..\r\n...c\r\nd\r\n.\r\n"));
        QCOMPARE(rdk::smtpDotStuff("bare\nlf\rcr\r\n"), QByteArray("bare\r\nlf\r\ncr\r\n.\r\n"));
    }

    void quotedPrintable_keepsLinesShort_andEscapes()
    {
        const QByteArray qp = rdk::quotedPrintable(QByteArray(300, 'a') + "\n\xc3\xa9=x \n.dot");
        for (const QByteArray &line : qp.split('\n'))
            QVERIFY2(line.size() <= 77, line.constData());
        QVERIFY(qp.contains("=C3=A9=3Dx=20\r\n=2Edot"));
    }

    void renderMail_hostileShopName_staysOneLine_andCantAddAHeader()
    {
        const auto content = rdk::renderMail(u"order_paid"_s, payload(u"Evil\r\nBcc: all@example.com"_s), {});
        QVERIFY(content);
        QVERIFY(!content->subject.contains(u'\r') && !content->subject.contains(u'\n'));
        rdk::MailEnvelope m = envelope(content->subject);
        m.fromName = u"Evil Bcc: all@example.com"_s;
        m.content = *content;
        const auto message = rdk::buildMimeMessage(m);
        QVERIFY(message);
        for (const QByteArray &line : headerLines(*message))
            QVERIFY2(!line.startsWith("Bcc"), line.constData());
    }

    void renderMail_escapesHtml_andUsesTheShopsCurrencyAndTimeZone()
    {
        const auto content = rdk::renderMail(u"order_paid"_s, payload(u"Kickz & <Co>"_s, u"EUR"_s, u"Europe/Berlin"_s),
                                             {u"Hauptstr. 1, Berlin"_s, u"Returns within 14 days."_s, u"https://shop.example"_s});
        QVERIFY(content);
        QCOMPARE(content->subject, u"Your order RDK-1042 at Kickz & <Co> is confirmed"_s);
        QVERIFY2(content->html.contains(u"Air Max &lt;script&gt;alert(1)&lt;/script&gt; — size 10"_s), qPrintable(content->html));
        QVERIFY(!content->html.contains(u"<script>"_s));
        QVERIFY(content->html.contains(u"Kickz &amp; &lt;Co&gt;"_s));
        QVERIFY2(content->text.contains(u"paid 7 Dec 2026, 14:05 CET"_s), qPrintable(content->text));
        QVERIFY2(content->text.contains(u"€235.00"_s) && content->text.contains(u"-€10.00"_s), qPrintable(content->text));
        QVERIFY(content->text.contains(u"Hauptstr. 1, Berlin"_s) && content->text.contains(u"Returns within 14 days."_s));
        QVERIFY(content->html.contains(u"https://shop.example/orders/lookup"_s));
    }

    void renderMail_eachKindSaysWhatHappened_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("subject");
        QTest::addColumn<QString>("says");
        QTest::addRow("paid") << u"order_paid"_s << u"Your order RDK-1042 at Kickz is confirmed"_s << u"$235.00"_s;
        QTest::addRow("shipped") << u"order_shipped"_s << u"Your order RDK-1042 from Kickz is on its way"_s
                                 << u"Carrier: UPS. Tracking number: 1Z999AA10123456784."_s;
        QTest::addRow("refunded") << u"order_refunded"_s << u"Refund of $20.00 for your order RDK-1042 at Kickz"_s
                                  << u"We refunded $20.00 for your order RDK-1042."_s;
        QTest::addRow("counter receipt") << u"counter_receipt"_s << u"Your receipt from Kickz, RDK-1042"_s
                                         << u"Sale RDK-1042, paid 7 Dec 2026, 08:05 EST."_s;
        QTest::addRow("ready for pickup") << u"order_ready_for_pickup"_s << u"Your order RDK-1042 is ready to pick up at Kickz"_s
                                          << u"Your order RDK-1042 is ready to pick up."_s;
    }

    void renderMail_shopSettingsAddressAndShippingChoice_areUsed()
    {
        QJsonObject data = payload(u"Kickz"_s);
        QJsonObject shop = data.value(u"shop"_s).toObject();
        shop.insert(u"address"_s, u"12 Sneaker Row\nBrooklyn, NY"_s);
        data.insert(u"shop"_s, shop);
        data.insert(u"shipping_method"_s, u"Express"_s);
        data.insert(u"fulfillment"_s, u"ship"_s);
        const auto paid = rdk::renderMail(u"order_paid"_s, data, {u"Old address from the settings file"_s, {}, u"https://shop.example"_s});
        QVERIFY(paid);
        QVERIFY2(paid->text.contains(u"12 Sneaker Row Brooklyn, NY"_s), qPrintable(paid->text));
        QVERIFY(!paid->text.contains(u"Old address"_s));
        QVERIFY(paid->text.contains(u"Shipping: Express."_s));
        QVERIFY(paid->text.contains(u"https://shop.example/policies/returns"_s));
        QVERIFY(paid->html.contains(u"href=\"https://shop.example/contact\""_s));

        data.insert(u"shipping_method"_s, u"Pick up <b>in</b> Brooklyn"_s);
        data.insert(u"fulfillment"_s, u"pickup"_s);
        const auto pickup = rdk::renderMail(u"order_paid"_s, data, {});
        QVERIFY(pickup->text.contains(u"You chose Pick up <b>in</b> Brooklyn: we'll e-mail you when it's ready"_s));
        QVERIFY(pickup->html.contains(u"Pick up &lt;b&gt;in&lt;/b&gt; Brooklyn"_s));
        const auto ready = rdk::renderMail(u"order_ready_for_pickup"_s, data, {});
        QVERIFY2(ready->text.contains(u"Collect it at 12 Sneaker Row Brooklyn, NY."_s), qPrintable(ready->text));
    }

    void renderMail_eachKindSaysWhatHappened()
    {
        QFETCH(QString, kind);
        QFETCH(QString, subject);
        QFETCH(QString, says);
        const auto content = rdk::renderMail(kind, payload(u"Kickz"_s), {});
        QVERIFY(content);
        QCOMPARE(content->subject, subject);
        QVERIFY2(content->text.contains(says), qPrintable(content->text));
        QVERIFY2(content->html.contains(says.toHtmlEscaped()), qPrintable(content->html));
        // Previews for docs/screenshots (rendered with a browser): RDK_MAIL_PREVIEW_DIR only.
        if (const QString dir = qEnvironmentVariable("RDK_MAIL_PREVIEW_DIR"); !dir.isEmpty()) {
            QJsonObject preview = payload(u"Real Deal Kickz"_s);
            QJsonObject shopObject = preview.value(u"shop"_s).toObject();
            shopObject.insert(u"address"_s, u"212 Bedford Ave, Brooklyn, NY 11249"_s);
            preview.insert(u"shop"_s, shopObject);
            const bool pickup = kind == u"order_ready_for_pickup"_s;
            preview.insert(u"shipping_method"_s, pickup ? u"Pick up in Brooklyn"_s : u"Express (1-2 days)"_s);
            preview.insert(u"fulfillment"_s, pickup ? u"pickup"_s : u"ship"_s);
            const auto shop = rdk::renderMail(kind, preview,
                                              {QString(), u"Returns within 30 days, unworn, with the box."_s,
                                               u"https://shop.example"_s});
            QFile html(dir + u"/mail-"_s + kind + u".html"_s);
            QVERIFY(html.open(QIODevice::WriteOnly));
            html.write(shop->html.toUtf8());
        }
    }

    void renderMail_unknownKindOrEmptyPayload_isRefused()
    {
        QVERIFY(!rdk::renderMail(u"newsletter"_s, payload(u"Kickz"_s), {}));
        QVERIFY(!rdk::renderMail(u"order_paid"_s, QJsonObject{}, {}));
        QVERIFY(!rdk::renderMail(u"order_paid"_s, payload(QString()), {}));
    }
};

QTEST_GUILESS_MAIN(TestMailMessages)
#include "tst_mail_messages.moc"
