// Product photo library on the real pipeline and PostgreSQL: upload, refusals that store
// nothing, duplicates, order, primary, removal, and who may do it.
#include "data/pgimagelibrary.h"
#include "data/pgrepositories.h"
#include "tests/photos/library/testimages.h"
#include "tests/support/sessionwait.h"
#include "tests/support/testdatabase.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class TestImageLibrary final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    test::Login m_ops;
    std::unique_ptr<PgSession> m_session;
    QString m_productId;

    int count(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

    QStringList ids(ImageLibrary &library)
    {
        QStringList out;
        const QList<ProductImage> images = library.list(m_productId).value();
        for (const ProductImage &i : images)
            out.append(i.id);
        return out;
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_ops = m_db->createStaff(m_tenant, u"ops"_s);
        auto session = PgSession::open(m_db->urlFor(m_ops.login, m_ops.password));
        QVERIFY(session.ok());
        m_session = std::move(session).value();
        Product p;
        p.sku = u"DD1391-100"_s;
        p.name = u"Dunk Low Panda"_s;
        p.brand = u"Nike"_s;
        p.price = Money::of(12999, u"USD"_s).value();
        p.stock = {{QString(), 1, 0}};
        auto created = PgProductRepository(*m_session).create(p, u"received"_s);
        QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));
        m_productId = created->id;
    }

    void cleanup()
    {
        m_session.reset();
        if (m_db)
            test::waitForOtherSessionsToEnd(*m_db);
        m_db.reset();
    }

    void upload_jpeg_storesOriginalAndThreeVariantsAsPrimary()
    {
        PgImageLibrary library(*m_session);
        const QByteArray jpeg = test::jpegPhoto(2400, 1800);
        auto uploaded = library.upload(m_productId, u"/home/me/Pictures/panda.jpg"_s, jpeg);
        QVERIFY2(uploaded.ok(), uploaded.ok() ? "" : qPrintable(uploaded.error().message));
        QVERIFY(!uploaded->alreadyPresent);
        const QList<ProductImage> images = library.list(u"dd1391-100"_s).value(); // by SKU too
        QCOMPARE(images.size(), 1);
        QVERIFY(images[0].primary);
        QCOMPARE(images[0].variants.size(), 4);
        const QRegularExpression name(u"^product-dd1391-100-[0-9a-f]{16}-(original|thumb|medium|large)\\.jpg$"_s);
        for (const ProductImageVariant &v : images[0].variants)
            QVERIFY2(name.match(v.fileName).hasMatch(), qPrintable(v.fileName));
        QCOMPARE(images[0].variant(u"large"_s)->width, 1600);
        QCOMPARE(images[0].variant(u"medium"_s)->width, 800);
        QCOMPARE(images[0].variant(u"thumb"_s)->width, 200);
        QCOMPARE(images[0].variant(u"original"_s)->byteSize, jpeg.size());
        QVERIFY(!images[0].thumbJpeg.isEmpty());
        QCOMPARE(count("SELECT count(*) FROM product_image_variants"), 4);
    }

    void upload_identicalBytes_areNotStoredTwice()
    {
        PgImageLibrary library(*m_session);
        const QByteArray jpeg = test::jpegPhoto(800, 600);
        auto first = library.upload(m_productId, u"a.jpg"_s, jpeg);
        auto second = library.upload(m_productId, u"copy of a.jpg"_s, jpeg);
        QVERIFY(first.ok() && second.ok());
        QVERIFY(second->alreadyPresent);
        QCOMPARE(second->imageId, first->imageId);
        QCOMPARE(count("SELECT count(*) FROM product_images"), 1);
        QCOMPARE(count("SELECT count(*) FROM product_image_variants"), 4);
    }

    void upload_refusedFiles_storeNothingAndNameFileAndReason_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("reason");
        const QByteArray jpeg = test::jpegPhoto(640, 480);
        QTest::addRow("truncated jpeg") << jpeg.left(jpeg.size() / 2) << u"cut.jpg"_s << u"truncated JPEG"_s;
        QTest::addRow("renamed text file") << QByteArray("hello, this is not a photo\n") << u"notes.jpg"_s << u"text file"_s;
        QTest::addRow("html renamed") << QByteArray("<html><script>alert(1)</script></html>") << u"x.png"_s << u"not a JPEG, PNG or WebP"_s;
        QTest::addRow("jpeg claiming 20000x20000") << test::jpegClaiming(20000, 20000) << u"bomb.jpg"_s << u"20000 x 20000 pixels"_s;
        QTest::addRow("png claiming 20000x20000") << test::pngClaiming(20000, 20000) << u"bomb.png"_s << u"photos can be at most 50 megapixels"_s;
        QByteArray big = QByteArray::fromHex("ffd8ffe0");
        big.resize(20 * 1024 * 1024 + 1, '\0');
        QTest::addRow("over 20 MB") << big << u"huge.jpg"_s << u"photos can be at most 20 MB"_s;
        QTest::addRow("empty") << QByteArray() << u"empty.jpg"_s << u"empty"_s;
    }

    void upload_refusedFiles_storeNothingAndNameFileAndReason()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, fileName);
        QFETCH(QString, reason);
        PgImageLibrary library(*m_session);
        QElapsedTimer timer;
        timer.start();
        auto refused = library.upload(m_productId, fileName, bytes);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().message.startsWith(fileName + u": "_s), qPrintable(refused.error().message));
        QVERIFY2(refused.error().message.contains(reason), qPrintable(refused.error().message));
        QVERIFY2(timer.elapsed() < 2000, "a refusal must not decode a huge canvas");
        QCOMPARE(count("SELECT count(*) FROM product_images"), 0);
        QCOMPARE(count("SELECT count(*) FROM product_image_variants"), 0);
    }

    void reorderPrimaryRemove_arePersisted()
    {
        PgImageLibrary library(*m_session);
        QStringList uploaded;
        for (int seed = 1; seed <= 3; ++seed)
            uploaded.append(library.upload(m_productId, u"p%1.jpg"_s.arg(seed), test::jpegPhoto(400, 300, seed)).value().imageId);
        QCOMPARE(ids(library), uploaded);

        const QStringList reversed{uploaded[2], uploaded[1], uploaded[0]};
        QVERIFY(library.reorder(m_productId, reversed).ok());
        auto freshSession = PgSession::open(m_db->urlFor(m_ops.login, m_ops.password));
        QVERIFY(freshSession.ok());
        PgImageLibrary fresh(**freshSession); // another connection: what is stored, not cached
        QCOMPARE(ids(fresh), reversed);

        QVERIFY(library.setPrimary(m_productId, uploaded[1]).ok());
        QList<ProductImage> images = fresh.list(m_productId).value();
        QCOMPARE(count("SELECT count(*) FROM product_images WHERE is_primary"), 1);
        QVERIFY(images[1].primary);

        QVERIFY(library.remove(m_productId, uploaded[1]).ok()); // the primary one
        images = fresh.list(m_productId).value();
        QCOMPARE(images.size(), 2);
        QCOMPARE(images[0].id, uploaded[2]);
        QVERIFY(images[0].primary);
        QCOMPARE(images[0].position, 0);
        QCOMPARE(images[1].position, 1);
        QCOMPARE(count("SELECT count(*) FROM product_image_variants"), 8);
    }

    void badRequests_areRefusedAndChangeNothing()
    {
        PgImageLibrary library(*m_session);
        const QString a = library.upload(m_productId, u"a.jpg"_s, test::jpegPhoto(300, 200, 1)).value().imageId;
        const QString b = library.upload(m_productId, u"b.jpg"_s, test::jpegPhoto(300, 200, 2)).value().imageId;
        QCOMPARE(int(library.reorder(m_productId, {a}).error().code), int(ErrorCode::Conflict));
        QCOMPARE(int(library.reorder(m_productId, {a, a}).error().code), int(ErrorCode::Conflict));
        QCOMPARE(int(library.reorder(m_productId, {b, u"00000000-0000-0000-0000-000000000000"_s}).error().code),
                 int(ErrorCode::Conflict));
        QCOMPARE(int(library.setPrimary(m_productId, u"'; DROP TABLE product_images; --"_s).error().code),
                 int(ErrorCode::NotFound));
        QCOMPARE(int(library.remove(m_productId, u"00000000-0000-0000-0000-000000000000"_s).error().code),
                 int(ErrorCode::NotFound));
        QCOMPARE(int(library.upload(u"NO-SUCH-SKU"_s, u"a.jpg"_s, test::jpegPhoto(300, 200, 3)).error().code),
                 int(ErrorCode::NotFound));
        QCOMPARE(int(library.list(u"NO-SUCH-SKU"_s).error().code), int(ErrorCode::NotFound));
        QCOMPARE(ids(library), (QStringList{a, b}));
    }

    void otherShopsProduct_isNotFound()
    {
        const QString other = m_db->createTenant(u"shop-b"_s);
        const test::Login theirs = m_db->createStaff(other, u"ops"_s);
        auto session = PgSession::open(m_db->urlFor(theirs.login, theirs.password));
        PgImageLibrary library(**session);
        auto refused = library.upload(m_productId, u"a.jpg"_s, test::jpegPhoto(300, 200));
        QCOMPARE(int(refused.error().code), int(ErrorCode::NotFound));
        QCOMPARE(count("SELECT count(*) FROM product_images"), 0);
    }

    void staffLogin_cannotUpload_theDatabaseSaysNo()
    {
        const test::Login staff = m_db->createStaff(m_tenant, u"staff"_s);
        auto session = PgSession::open(m_db->urlFor(staff.login, staff.password));
        PgImageLibrary library(**session);
        auto refused = library.upload(m_productId, u"a.jpg"_s, test::jpegPhoto(300, 200));
        QVERIFY(!refused.ok());
        QCOMPARE(int(refused.error().code), int(ErrorCode::Forbidden));
        QVERIFY(refused.error().message.startsWith(u"a.jpg: "_s));
        QCOMPARE(count("SELECT count(*) FROM product_images"), 0);
        QVERIFY(library.list(m_productId).ok()); // but may look
    }
};

QTEST_GUILESS_MAIN(TestImageLibrary)
#include "tst_imagelibrary.moc"
