// Which address a request is charged to: X-Forwarded-For is only believed from a trusted proxy,
// read from the right, and garbage in it is ignored.
#include "sync/http/clientaddress.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

const QList<QHostAddress> caddyOnLoopback = {QHostAddress(u"127.0.0.1"_s), QHostAddress(u"::1"_s)};

} // namespace

class TstClientAddress final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void clientAddress_resolves_data();
    void clientAddress_resolves();
    void clientAddress_hugeHeader_boundedWork();
    void parseForwardedHop_parses_data();
    void parseForwardedHop_parses();
    void isOperatorPeer_loopbackOrAllowListOnly_data();
    void isOperatorPeer_loopbackOrAllowListOnly();
};

void TstClientAddress::clientAddress_resolves_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QByteArray>("forwardedFor");
    QTest::addColumn<QString>("expected");
    // Direct connections: the peer, whatever the header says.
    QTest::addRow("direct, no header") << u"203.0.113.7"_s << QByteArray() << u"203.0.113.7"_s;
    QTest::addRow("spoofed header from untrusted peer ignored") << u"203.0.113.7"_s << "1.2.3.4"_ba << u"203.0.113.7"_s;
    QTest::addRow("spoofed loopback from untrusted peer ignored") << u"203.0.113.7"_s << "127.0.0.1"_ba << u"203.0.113.7"_s;
    QTest::addRow("untrusted IPv4-mapped peer normalized") << u"::ffff:203.0.113.7"_s << "1.2.3.4"_ba << u"203.0.113.7"_s;
    // Behind Caddy on loopback.
    QTest::addRow("proxy, single hop") << u"127.0.0.1"_s << "198.51.100.23"_ba << u"198.51.100.23"_s;
    QTest::addRow("proxy over IPv6 loopback") << u"::1"_s << "198.51.100.23"_ba << u"198.51.100.23"_s;
    QTest::addRow("proxy as IPv4-mapped peer") << u"::ffff:127.0.0.1"_s << "198.51.100.23"_ba << u"198.51.100.23"_s;
    QTest::addRow("proxy, no header") << u"127.0.0.1"_s << QByteArray() << u"127.0.0.1"_s;
    QTest::addRow("proxy, blank header") << u"127.0.0.1"_s << "  "_ba << u"127.0.0.1"_s;
    QTest::addRow("client-written hops left of the real one ignored")
        << u"127.0.0.1"_s << "10.0.0.1, 1.2.3.4, 198.51.100.23"_ba << u"198.51.100.23"_s;
    QTest::addRow("trusted hops skipped from the right")
        << u"127.0.0.1"_s << "198.51.100.23, 127.0.0.1, ::1"_ba << u"198.51.100.23"_s;
    QTest::addRow("all hops trusted gives the left-most")
        << u"127.0.0.1"_s << "::1,127.0.0.1"_ba << u"::1"_s;
    QTest::addRow("IPv6 client") << u"127.0.0.1"_s << "2001:db8::42"_ba << u"2001:db8::42"_s;
    QTest::addRow("bracketed IPv6 with port") << u"127.0.0.1"_s << "[2001:db8::42]:5555"_ba << u"2001:db8::42"_s;
    QTest::addRow("IPv4 with port") << u"127.0.0.1"_s << "198.51.100.23:41000"_ba << u"198.51.100.23"_s;
    QTest::addRow("IPv4-mapped hop normalized") << u"127.0.0.1"_s << "::ffff:198.51.100.23"_ba << u"198.51.100.23"_s;
    QTest::addRow("no spaces") << u"127.0.0.1"_s << "1.1.1.1,198.51.100.23"_ba << u"198.51.100.23"_s;
    // Garbage: the walk stops and we keep the last address we could trust.
    QTest::addRow("garbage right-most keeps peer") << u"127.0.0.1"_s << "1.2.3.4, unknown"_ba << u"127.0.0.1"_s;
    QTest::addRow("garbage only") << u"127.0.0.1"_s << "<script>"_ba << u"127.0.0.1"_s;
    QTest::addRow("host name") << u"127.0.0.1"_s << "evil.example.com"_ba << u"127.0.0.1"_s;
    QTest::addRow("inet_aton short form") << u"127.0.0.1"_s << "1.2.3"_ba << u"127.0.0.1"_s;
    QTest::addRow("hex form") << u"127.0.0.1"_s << "0x7f.1"_ba << u"127.0.0.1"_s;
    QTest::addRow("octal-looking form") << u"127.0.0.1"_s << "010.1.1.1"_ba << u"127.0.0.1"_s;
    QTest::addRow("out of range") << u"127.0.0.1"_s << "256.1.1.1"_ba << u"127.0.0.1"_s;
    QTest::addRow("unspecified") << u"127.0.0.1"_s << "0.0.0.0"_ba << u"127.0.0.1"_s;
    QTest::addRow("multicast") << u"127.0.0.1"_s << "ff02::1"_ba << u"127.0.0.1"_s;
    QTest::addRow("empty hops") << u"127.0.0.1"_s << ",,"_ba << u"127.0.0.1"_s;
    QTest::addRow("trailing comma") << u"127.0.0.1"_s << "198.51.100.23,"_ba << u"127.0.0.1"_s;
    QTest::addRow("garbage left of real hop ignored")
        << u"127.0.0.1"_s << "not-an-ip, 198.51.100.23"_ba << u"198.51.100.23"_s;
    QTest::addRow("garbage between trusted hops stops the walk")
        << u"127.0.0.1"_s << "198.51.100.23, nope, 127.0.0.1"_ba << u"127.0.0.1"_s;
    QTest::addRow("NUL byte") << u"127.0.0.1"_s << QByteArray("1.2.3.4\0", 8) << u"127.0.0.1"_s;
}

void TstClientAddress::clientAddress_resolves()
{
    QFETCH(QString, peer);
    QFETCH(QByteArray, forwardedFor);
    QFETCH(QString, expected);
    const QHostAddress client = rdk::sync::clientAddress(QHostAddress(peer), forwardedFor, caddyOnLoopback);
    QCOMPARE(client.toString(), expected);
}

void TstClientAddress::clientAddress_hugeHeader_boundedWork()
{
    // 100k trusted hops then the real client: we stop after a bounded number of hops and keep
    // the last trusted one rather than walking a megabyte.
    QByteArray header = "198.51.100.23";
    for (int i = 0; i < 100'000; ++i)
        header += ", 127.0.0.1";
    const QHostAddress client = rdk::sync::clientAddress(QHostAddress(u"127.0.0.1"_s), header, caddyOnLoopback);
    QCOMPARE(client.toString(), u"127.0.0.1"_s);
    // An untrusted peer sending it is answered without looking at it at all.
    QCOMPARE(rdk::sync::clientAddress(QHostAddress(u"203.0.113.7"_s), header, caddyOnLoopback).toString(),
             u"203.0.113.7"_s);
}

void TstClientAddress::parseForwardedHop_parses_data()
{
    QTest::addColumn<QByteArray>("hop");
    QTest::addColumn<QString>("expected");
    QTest::addRow("IPv4") << "192.0.2.1"_ba << u"192.0.2.1"_s;
    QTest::addRow("IPv4 padded") << "  192.0.2.1\t"_ba << u"192.0.2.1"_s;
    QTest::addRow("IPv4 port") << "192.0.2.1:8080"_ba << u"192.0.2.1"_s;
    QTest::addRow("IPv6") << "2001:db8::1"_ba << u"2001:db8::1"_s;
    QTest::addRow("IPv6 bracketed") << "[2001:db8::1]"_ba << u"2001:db8::1"_s;
    QTest::addRow("IPv6 bracketed port") << "[2001:db8::1]:443"_ba << u"2001:db8::1"_s;
    QTest::addRow("IPv4 in brackets") << "[192.0.2.1]"_ba << QString();
    QTest::addRow("bracket without port") << "[2001:db8::1]:"_ba << QString();
    QTest::addRow("IPv6 port not a number") << "[2001:db8::1]:https"_ba << QString();
    QTest::addRow("IPv4 port not a number") << "192.0.2.1:x"_ba << QString();
    QTest::addRow("bracket then junk") << "[2001:db8::1]x"_ba << QString();
    QTest::addRow("unclosed bracket") << "[2001:db8::1"_ba << QString();
    QTest::addRow("empty brackets") << "[]"_ba << QString();
    QTest::addRow("leading zero") << "192.0.2.01"_ba << QString();
    QTest::addRow("five parts") << "1.2.3.4.5"_ba << QString();
    QTest::addRow("empty part") << "1..3.4"_ba << QString();
    QTest::addRow("sign") << "+1.2.3.4"_ba << QString();
    QTest::addRow("unknown") << "unknown"_ba << QString();
    QTest::addRow("obfuscated node") << "_hidden"_ba << QString();
    QTest::addRow("overlong") << QByteArray(65, '1') << QString();
    QTest::addRow("broadcast") << "255.255.255.255"_ba << QString();
    QTest::addRow("IPv6 unspecified") << "::"_ba << QString();
}

void TstClientAddress::parseForwardedHop_parses()
{
    QFETCH(QByteArray, hop);
    QFETCH(QString, expected);
    const QHostAddress address = rdk::sync::parseForwardedHop(hop);
    QCOMPARE(address.isNull() ? QString() : address.toString(), expected);
}

// /metrics: the socket's peer decides, and only loopback or the allow-list passes.
void TstClientAddress::isOperatorPeer_loopbackOrAllowListOnly_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<bool>("allowed");
    QTest::addRow("loopback v4") << u"127.0.0.1"_s << true;
    QTest::addRow("loopback v4 other") << u"127.8.0.1"_s << true;
    QTest::addRow("loopback v6") << u"::1"_s << true;
    QTest::addRow("mapped loopback") << u"::ffff:127.0.0.1"_s << true;
    QTest::addRow("allow-listed scraper") << u"10.0.0.5"_s << true;
    QTest::addRow("mapped allow-listed") << u"::ffff:10.0.0.5"_s << true;
    QTest::addRow("lan neighbour refused") << u"10.0.0.6"_s << false;
    QTest::addRow("internet refused") << u"203.0.113.9"_s << false;
    QTest::addRow("v6 internet refused") << u"2001:db8::1"_s << false;
}

void TstClientAddress::isOperatorPeer_loopbackOrAllowListOnly()
{
    QFETCH(QString, peer);
    QFETCH(bool, allowed);
    QCOMPARE(rdk::sync::isOperatorPeer(QHostAddress(peer), {QHostAddress(u"10.0.0.5"_s)}), allowed);
}

QTEST_GUILESS_MAIN(TstClientAddress)
#include "tst_clientaddress.moc"
