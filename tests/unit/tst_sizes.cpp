// Size systems, size-run templates and size-run validation.
#include "domain/sizes.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::SizeSystem;

class TstSizes final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void toString_roundTripsThroughFromString_data();
    void toString_roundTripsThroughFromString();
    void sizeSystemFromString_rejectsUnknown_data();
    void sizeSystemFromString_rejectsUnknown();
    void sizeRunTemplate_coversTheSpecifiedRange_data();
    void sizeRunTemplate_coversTheSpecifiedRange();
    void sizeRunTemplate_isAscendingAndMatchesDatabaseCheck_data();
    void sizeRunTemplate_isAscendingAndMatchesDatabaseCheck();
    void validateSizeRun_returnsTemplateOrder_data();
    void validateSizeRun_returnsTemplateOrder();
    void validateSizeRun_rejectsBadRuns_data();
    void validateSizeRun_rejectsBadRuns();
    void compareSizes_ordersNumerically_data();
    void compareSizes_ordersNumerically();
};

void TstSizes::toString_roundTripsThroughFromString_data()
{
    QTest::addColumn<SizeSystem>("system");
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("display");
    QTest::addRow("mens") << SizeSystem::Mens << u"mens"_s << u"Men's US"_s;
    QTest::addRow("womens") << SizeSystem::Womens << u"womens"_s << u"Women's US"_s;
    QTest::addRow("grade school") << SizeSystem::GradeSchool << u"gs"_s << u"Grade school"_s;
}

void TstSizes::toString_roundTripsThroughFromString()
{
    QFETCH(SizeSystem, system);
    QFETCH(QString, stored);
    QFETCH(QString, display);
    QCOMPARE(rdk::toString(system), stored);
    QCOMPARE(rdk::displayName(system), display);
    const std::optional<SizeSystem> parsed = rdk::sizeSystemFromString(stored);
    QVERIFY(parsed.has_value());
    QVERIFY(*parsed == system);
}

void TstSizes::sizeSystemFromString_rejectsUnknown_data()
{
    QTest::addColumn<QString>("text");
    QTest::addRow("empty") << QString();
    QTest::addRow("uppercase") << u"MENS"_s;
    QTest::addRow("display name") << u"Men's US"_s;
    QTest::addRow("trailing space") << u"gs "_s;
    QTest::addRow("spelled out") << u"grade_school"_s;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"gs\0", 3);
}

void TstSizes::sizeSystemFromString_rejectsUnknown()
{
    QFETCH(QString, text);
    QVERIFY(!rdk::sizeSystemFromString(text).has_value());
}

void TstSizes::sizeRunTemplate_coversTheSpecifiedRange_data()
{
    QTest::addColumn<SizeSystem>("system");
    QTest::addColumn<int>("count");
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("last");
    QTest::addColumn<QStringList>("included");
    QTest::addColumn<QStringList>("excluded");
    QTest::addRow("mens") << SizeSystem::Mens << 27 << u"3.5"_s << u"18"_s
                          << QStringList{u"10"_s, u"10.5"_s, u"15"_s, u"16"_s, u"17"_s}
                          << QStringList{u"3"_s, u"15.5"_s, u"16.5"_s, u"19"_s, u"10.0"_s};
    QTest::addRow("womens") << SizeSystem::Womens << 15 << u"5"_s << u"12"_s
                            << QStringList{u"5.5"_s, u"8"_s, u"11.5"_s}
                            << QStringList{u"4.5"_s, u"12.5"_s, u"13"_s};
    QTest::addRow("grade school") << SizeSystem::GradeSchool << 8 << u"3.5"_s << u"7"_s
                                  << QStringList{u"4"_s, u"6.5"_s}
                                  << QStringList{u"3"_s, u"7.5"_s};
}

void TstSizes::sizeRunTemplate_coversTheSpecifiedRange()
{
    QFETCH(SizeSystem, system);
    QFETCH(int, count);
    QFETCH(QString, first);
    QFETCH(QString, last);
    QFETCH(QStringList, included);
    QFETCH(QStringList, excluded);
    const QStringList sizes = rdk::sizeRunTemplate(system);
    QCOMPARE(sizes.size(), count);
    QCOMPARE(sizes.first(), first);
    QCOMPARE(sizes.last(), last);
    for (const QString &size : included)
        QVERIFY2(sizes.contains(size), qPrintable(size));
    for (const QString &size : excluded)
        QVERIFY2(!sizes.contains(size), qPrintable(size));
}

void TstSizes::sizeRunTemplate_isAscendingAndMatchesDatabaseCheck_data()
{
    toString_roundTripsThroughFromString_data();
}

void TstSizes::sizeRunTemplate_isAscendingAndMatchesDatabaseCheck()
{
    QFETCH(SizeSystem, system);
    static const QRegularExpression databaseCheck(u"^[0-9]{1,2}(\\.5)?$"_s);
    const QStringList sizes = rdk::sizeRunTemplate(system);
    for (qsizetype i = 0; i < sizes.size(); ++i) {
        QVERIFY2(databaseCheck.match(sizes.at(i)).hasMatch(), qPrintable(sizes.at(i)));
        if (i > 0)
            QVERIFY2(rdk::compareSizes(sizes.at(i - 1), sizes.at(i)) < 0, qPrintable(sizes.at(i)));
    }
}

void TstSizes::validateSizeRun_returnsTemplateOrder_data()
{
    QTest::addColumn<SizeSystem>("system");
    QTest::addColumn<QStringList>("sizes");
    QTest::addColumn<QStringList>("expected");
    QTest::addRow("already ordered") << SizeSystem::Mens << QStringList{u"9"_s, u"9.5"_s, u"10"_s}
                                     << QStringList{u"9"_s, u"9.5"_s, u"10"_s};
    QTest::addRow("shuffled") << SizeSystem::Mens << QStringList{u"10"_s, u"4"_s, u"18"_s, u"9.5"_s}
                              << QStringList{u"4"_s, u"9.5"_s, u"10"_s, u"18"_s};
    QTest::addRow("single size") << SizeSystem::Womens << QStringList{u"7"_s} << QStringList{u"7"_s};
    QTest::addRow("padded entries") << SizeSystem::GradeSchool << QStringList{u" 7 "_s, u"3.5"_s}
                                    << QStringList{u"3.5"_s, u"7"_s};
    QTest::addRow("whole template") << SizeSystem::Mens << rdk::sizeRunTemplate(SizeSystem::Mens)
                                    << rdk::sizeRunTemplate(SizeSystem::Mens);
}

void TstSizes::validateSizeRun_returnsTemplateOrder()
{
    QFETCH(SizeSystem, system);
    QFETCH(QStringList, sizes);
    QFETCH(QStringList, expected);
    const rdk::Result<QStringList> run = rdk::validateSizeRun(system, sizes);
    QVERIFY2(run.ok(), qPrintable(run.ok() ? QString() : run.error().message));
    QCOMPARE(run.value(), expected);
}

void TstSizes::validateSizeRun_rejectsBadRuns_data()
{
    QTest::addColumn<SizeSystem>("system");
    QTest::addColumn<QStringList>("sizes");
    QTest::addColumn<QString>("messagePart");
    QTest::addRow("empty run") << SizeSystem::Mens << QStringList() << u"Pick at least one size"_s;
    QTest::addRow("size beyond mens") << SizeSystem::Mens << QStringList{u"19"_s} << u"not a Men's US size"_s;
    QTest::addRow("no half sizes above 15") << SizeSystem::Mens << QStringList{u"16.5"_s} << u"not a"_s;
    QTest::addRow("mens size in womens") << SizeSystem::Womens << QStringList{u"4"_s} << u"not a Women's US size"_s;
    QTest::addRow("adult size in grade school") << SizeSystem::GradeSchool << QStringList{u"7.5"_s}
                                                << u"not a Grade school size"_s;
    QTest::addRow("decimal zero") << SizeSystem::Mens << QStringList{u"10.0"_s} << u"not a"_s;
    QTest::addRow("decimal comma") << SizeSystem::Mens << QStringList{u"10,5"_s} << u"not a"_s;
    QTest::addRow("words") << SizeSystem::Mens << QStringList{u"ten"_s} << u"not a"_s;
    QTest::addRow("empty entry") << SizeSystem::Mens << QStringList{u"10"_s, QString()} << u"not a"_s;
    QTest::addRow("fullwidth digits") << SizeSystem::Mens << QStringList{u"\uFF11\uFF10"_s} << u"not a"_s;
    QTest::addRow("embedded NUL") << SizeSystem::Mens << QStringList{QString::fromUtf16(u"10\0", 3)} << u"not a"_s;
    QTest::addRow("megabyte label") << SizeSystem::Mens << QStringList{QString(1 << 20, u'1')} << u"not a"_s;
    QTest::addRow("duplicate") << SizeSystem::Mens << QStringList{u"10"_s, u"11"_s, u"10"_s} << u"Size 10 is listed twice"_s;
    QTest::addRow("duplicate after trimming") << SizeSystem::Mens << QStringList{u"10"_s, u" 10"_s}
                                              << u"Size 10 is listed twice"_s;
}

void TstSizes::validateSizeRun_rejectsBadRuns()
{
    QFETCH(SizeSystem, system);
    QFETCH(QStringList, sizes);
    QFETCH(QString, messagePart);
    const rdk::Result<QStringList> run = rdk::validateSizeRun(system, sizes);
    QVERIFY(!run.ok());
    QCOMPARE(run.error().code, rdk::ErrorCode::Invalid);
    QCOMPARE(run.error().field, u"sizeRun"_s);
    QVERIFY2(run.error().message.contains(messagePart), qPrintable(run.error().message));
    QVERIFY(run.error().message.size() < 100); // a hostile label is never echoed in full
}

void TstSizes::compareSizes_ordersNumerically_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<int>("expected");
    QTest::addRow("half below whole") << u"9.5"_s << u"10"_s << -1;
    QTest::addRow("whole above half") << u"10"_s << u"9.5"_s << 1;
    QTest::addRow("equal") << u"10.5"_s << u"10.5"_s << 0;
    QTest::addRow("numeric, not text order") << u"4"_s << u"10"_s << -1;
    QTest::addRow("largest") << u"18"_s << u"3.5"_s << 1;
    QTest::addRow("size before non-size") << u"3.5"_s << u"XL"_s << -1;
    QTest::addRow("non-size after size") << u"XL"_s << u"18"_s << 1;
    QTest::addRow("three digits is not a size") << u"100"_s << u"5"_s << 1;
    QTest::addRow("empty after sizes") << QString() << u"1"_s << 1;
    QTest::addRow("non-sizes by text") << u"abc"_s << u"abd"_s << -1;
    QTest::addRow("two non-sizes equal") << u"XL"_s << u"XL"_s << 0;
}

void TstSizes::compareSizes_ordersNumerically()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(int, expected);
    QCOMPARE(rdk::compareSizes(a, b), expected);
    QCOMPARE(rdk::compareSizes(b, a), -expected);
}

QTEST_APPLESS_MAIN(TstSizes)
#include "tst_sizes.moc"
