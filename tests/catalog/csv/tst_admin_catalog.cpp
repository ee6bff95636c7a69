// rdk-admin catalog import/export as operators use it: a real process and a real database.
#include "tests/support/testdatabase.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;

namespace {

struct Run final {
    int exitCode = -1;
    QByteArray out;
    QString err;
};

const QByteArray kHeader =
    "sku,name,brand,colorway,description,condition,used_grade,price,currency,published,archived,inventory,size_system,size_run,stock\r\n";
const QByteArray kDunk = "DD1391-100,Dunk Low Panda,Nike,White/Black,,new,,129.99,USD,true,false,per_size,mens,8;8.5;9,8:2;8.5:1;9:0\r\n";
const QByteArray kLaces = "LACES-01,Spare laces,RDK,,,new,,5.00,USD,false,false,flat,,,12\r\n";
// The same with the optional barcodes column, as export writes it.
const QByteArray kBarcodeFile = kHeader.chopped(2) + ",barcodes\r\n" + kDunk.chopped(2) + ",8:036000291452;9:4006381333931\r\n" +
                                kLaces.chopped(2) + ",\r\n";

} // namespace

class TestAdminCatalog final : public QObject {
    Q_OBJECT

    std::unique_ptr<rdk::test::TestDatabase> m_db;
    QTemporaryDir m_dir;

    Run admin(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"DATABASE_URL"_s, QString::fromStdString(m_db->ownerUrl()));
        env.insert(u"RDK_ENV_FILE"_s, u"/dev/null"_s);
        env.remove(u"RDK_TENANT"_s);
        p.setProcessEnvironment(env);
        p.start(QString::fromUtf8(RDK_ADMIN_BINARY), args);
        if (!p.waitForStarted(5000))
            return {};
        p.closeWriteChannel();
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitCode(), p.readAllStandardOutput(), QString::fromUtf8(p.readAllStandardError())};
    }

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            return {};
        return path;
    }

    int count(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        RDK_CREATE_TEST_DATABASE(m_db);
        m_db->createTenant(u"shop-a"_s);
    }

    void cleanup()
    {
        m_db.reset();
    }

    void import_thenExport_roundTrips()
    {
        const QString in = write(u"in.csv"_s, kBarcodeFile);
        const Run imported = admin({u"catalog"_s, u"import"_s, in, u"--tenant"_s, u"shop-a"_s});
        QCOMPARE(imported.exitCode, 0);
        QVERIFY2(imported.out.contains("2 created, 0 updated"), imported.out.constData());
        QCOMPARE(count("SELECT count(*) FROM products"), 2);
        QCOMPARE(count("SELECT count(*) FROM audit_log WHERE entity = 'inventory' AND reason = 'CSV import'"), 4);

        const QString out = m_dir.filePath(u"out.csv"_s);
        const Run exported = admin({u"catalog"_s, u"export"_s, u"--tenant"_s, u"shop-a"_s, out});
        QCOMPARE(exported.exitCode, 0);
        QVERIFY(exported.out.contains("exported 2 product(s)"));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray csv = file.readAll();
        QCOMPARE(csv, QByteArray("\xEF\xBB\xBF") + kBarcodeFile);

        const Run toStdout = admin({u"catalog"_s, u"export"_s, u"--tenant"_s, u"shop-a"_s});
        QCOMPARE(toStdout.exitCode, 0);
        QCOMPARE(toStdout.out, csv);

        const Run again = admin({u"catalog"_s, u"import"_s, out, u"--tenant"_s, u"shop-a"_s});
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains("0 created, 0 updated, 2 unchanged"), again.out.constData());
    }

    void dryRun_savesNothing()
    {
        const QString in = write(u"in.csv"_s, kHeader + kDunk);
        const Run r = admin({u"catalog"_s, u"import"_s, in, u"--tenant"_s, u"shop-a"_s, u"--dry-run"_s});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("dry run"));
        QVERIFY(r.out.contains("1 created"));
        QCOMPARE(count("SELECT count(*) FROM products"), 0);
    }

    void badRows_areListedAndNothingIsApplied()
    {
        const QString in = write(u"bad.csv"_s, kHeader + kDunk + "BAD-1,N,B,,,new,,1.999,USD,false,false,flat,,,'-2\r\n" + kLaces);
        const Run r = admin({u"catalog"_s, u"import"_s, in, u"--tenant"_s, u"shop-a"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"nothing was imported"_s), qPrintable(r.err));
        QVERIFY(r.err.contains(u"line 3, price: "_s));
        QVERIFY(r.err.contains(u"line 3, stock: "_s));
        QCOMPARE(count("SELECT count(*) FROM products"), 0);
    }

    void refusals_areOneClearMessage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::addRow("no action") << QStringList{u"catalog"_s} << 64 << u"import or export"_s;
        QTest::addRow("import without file") << QStringList{u"catalog"_s, u"import"_s, u"--tenant"_s, u"shop-a"_s} << 64 << u"one FILE"_s;
        QTest::addRow("without tenant") << QStringList{u"catalog"_s, u"export"_s} << 64 << u"--tenant"_s;
        QTest::addRow("unknown option") << QStringList{u"catalog"_s, u"export"_s, u"--tenant"_s, u"shop-a"_s, u"--force"_s} << 64 << u"unknown option --force"_s;
        QTest::addRow("dry run on export") << QStringList{u"catalog"_s, u"export"_s, u"--tenant"_s, u"shop-a"_s, u"--dry-run"_s} << 64 << u"unknown option"_s;
        QTest::addRow("unknown shop") << QStringList{u"catalog"_s, u"export"_s, u"--tenant"_s, u"nowhere"_s} << 1 << u"no shop"_s;
        QTest::addRow("missing file") << QStringList{u"catalog"_s, u"import"_s, u"/nonexistent/x.csv"_s, u"--tenant"_s, u"shop-a"_s} << 1 << u"cannot read"_s;
        QTest::addRow("unwritable export") << QStringList{u"catalog"_s, u"export"_s, u"--tenant"_s, u"shop-a"_s, u"/nonexistent/x.csv"_s} << 1 << u"cannot write"_s;
    }

    void refusals_areOneClearMessage()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = admin(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.err.startsWith(u"rdk-admin: "_s));
    }

    void oversizedFile_isRefusedWithoutReadingIt()
    {
        const QString path = m_dir.filePath(u"huge.csv"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(21 * 1024 * 1024)); // sparse: no 21 MB written
        f.close();
        const Run r = admin({u"catalog"_s, u"import"_s, path, u"--tenant"_s, u"shop-a"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"at most 20 MB"_s), qPrintable(r.err));
    }

    void malformedFile_namesTheLine()
    {
        const QString in = write(u"quotes.csv"_s, kHeader + kDunk + "X-1,\"unclosed,B,,,new,,1,USD,false,false,flat,,,1\r\n");
        const Run r = admin({u"catalog"_s, u"import"_s, in, u"--tenant"_s, u"shop-a"_s});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"line 3: a quoted field is never closed"_s), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestAdminCatalog)
#include "tst_admin_catalog.moc"
