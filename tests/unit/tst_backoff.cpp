// The one retry-delay policy, with the numbers each user of it keeps.
#include "domain/backoff.h"

#include <QTest>

using namespace std::chrono_literals;
using rdk::Backoff;

class TestBackoff final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void delay_doublesUpToTheCap_data()
    {
        QTest::addColumn<int>("initialMs");
        QTest::addColumn<int>("maxMs");
        QTest::addColumn<QList<int>>("expected");   // attempts 1, 2, 3, ...
        QTest::addRow("desk reconnect") << 500 << 30000 << QList<int>{500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        QTest::addRow("listener") << 250 << 5000 << QList<int>{250, 500, 1000, 2000, 4000, 5000, 5000};
        QTest::addRow("stripe request worker") << 2000 << 64000 << QList<int>{2000, 4000, 8000, 16000, 32000, 64000, 64000};
        QTest::addRow("pos order re-read") << 1000 << 30000 << QList<int>{1000, 2000, 4000, 8000, 16000, 30000, 30000};
    }

    void delay_doublesUpToTheCap()
    {
        QFETCH(int, initialMs);
        QFETCH(int, maxMs);
        QFETCH(QList<int>, expected);
        const Backoff backoff{std::chrono::milliseconds(initialMs), std::chrono::milliseconds(maxMs)};
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(backoff.delay(i + 1).count(), expected[i]);
    }

    void next_countsAndReset_startsOver()
    {
        Backoff backoff{250ms, 5s};
        QCOMPARE(backoff.next(), 250ms);
        QCOMPARE(backoff.next(), 500ms);
        QCOMPARE(backoff.attempts(), 2);
        backoff.reset();
        QCOMPARE(backoff.next(), 250ms);
    }

    void delay_hugeAttempt_staysAtTheCap()
    {
        QCOMPARE(Backoff(500ms, 30s).delay(10'000), 30s);
        QCOMPARE(Backoff(500ms, 30s).delay(0), 500ms);
    }

    void delay_jitter_staysWithinItsBand()
    {
        const Backoff stripe{500ms, 24h, 2.0, 0.2};
        for (int i = 0; i < 200; ++i) {
            const auto wait = stripe.delay(2).count();
            QVERIFY2(wait >= 800 && wait <= 1200, qPrintable(QString::number(wait)));
        }
    }
};

QTEST_APPLESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
