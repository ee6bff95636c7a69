// drop.js's pure-JS SHA-256 and proof-of-work solver, run under node, checked against the C++
// verifier rdk-sync uses: what a browser solves is what the server accepts. Skipped when node
// is missing (it is a Debian package the browser tests need anyway).
#include "domain/proofofwork.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

QStringList runNode(const QStringList &arguments)
{
    QProcess node;
    node.start(QStandardPaths::findExecutable(u"node"_s),
               QStringList{QStringLiteral(RDK_DROPJS_CHECK), QStringLiteral(RDK_DROPJS)} + arguments);
    if (!node.waitForFinished(60'000) || node.exitCode() != 0)
        return {u"node failed: "_s + QString::fromUtf8(node.readAllStandardError())};
    return QString::fromLatin1(node.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
}

} // namespace

class TestDropJs final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(u"node"_s).isEmpty())
            QSKIP("node is not installed");
    }

    void sha256_matchesAtEveryPaddingBoundary()
    {
        QStringList inputs;
        for (const int length : {0, 1, 3, 54, 55, 56, 57, 63, 64, 65, 110, 118, 119, 120, 127, 128, 200})
            inputs.append(QString(length, u'x'));
        inputs.append(u"6f1c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6.1796000000.18.0123456789abcdef.deadbeef:12345"_s);
        const QStringList digests = runNode(QStringList{u"sha"_s} + inputs);
        QCOMPARE(digests.size(), inputs.size());
        for (qsizetype i = 0; i < inputs.size(); ++i)
            QCOMPARE(digests[i].toLatin1(), QCryptographicHash::hash(inputs[i].toLatin1(), QCryptographicHash::Sha256).toHex());
    }

    void solvedInJs_isAcceptedByTheServer()
    {
        const QByteArray secret(32, '\x5a');
        const QString release = u"6f1c2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6"_s;
        constexpr qint64 now = 1'796'000'000;
        constexpr int bits = 14;
        QStringList challenges;
        for (int i = 0; i < 5; ++i)
            challenges.append(QString::fromLatin1(makeChallenge(secret, release, now + i, bits, QByteArray(8, char('a' + i)))));
        const QStringList nonces = runNode(QStringList{u"solve"_s, QString::number(bits)} + challenges);
        QCOMPARE(nonces.size(), challenges.size());
        for (qsizetype i = 0; i < challenges.size(); ++i)
            QCOMPARE(verifyProof(secret, release, bits, challenges[i].toLatin1(), nonces[i].toLatin1(), now + 10), ProofCheck::Ok);
    }
};

QTEST_GUILESS_MAIN(TestDropJs)
#include "tst_drop_js.moc"
