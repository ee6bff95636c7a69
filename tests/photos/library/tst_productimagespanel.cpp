// The product photos panel driven like a person would, offscreen, against a real database.
#include "data/pgimagelibrary.h"
#include "data/pgrepositories.h"
#include "tests/photos/library/testimages.h"
#include "tests/support/sessionwait.h"
#include "tests/support/testdatabase.h"
#include "ui/catalog/productimagespanel.h"

#include <QApplication>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QListWidget>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestProductImagesPanel final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_productId;
    ImageLibraryFactory m_libraries;
    QTemporaryDir m_dir;

    int count(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        return tx.exec1(sql)[0].as<int>();
    }

    QString file(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        return test::writeFile(path, bytes) ? path : QString();
    }

    std::unique_ptr<ProductImagesPanel> panel()
    {
        auto p = std::make_unique<ProductImagesPanel>(m_libraries, m_productId);
        p->setRemovalConfirmation([](const QString &) { return true; });
        p->resize(700, 400);
        p->show();
        QSignalSpy loaded(p.get(), &ProductImagesPanel::imagesChanged);
        if (!loaded.wait(10000))
            qWarning("the photo list did not load");
        return p;
    }

    // Runs a batch and waits for its end; returns (stored, refused, canceled).
    static QList<QVariant> upload(ProductImagesPanel &p, const QStringList &paths)
    {
        QSignalSpy finished(&p, &ProductImagesPanel::uploadFinished);
        QSignalSpy reloaded(&p, &ProductImagesPanel::imagesChanged);
        p.uploadFiles(paths);
        if (!finished.wait(60000) || !reloaded.wait(10000))
            return {};
        return finished.first();
    }

    static void waitForReload(ProductImagesPanel &p, const std::function<void()> &action)
    {
        QSignalSpy reloaded(&p, &ProductImagesPanel::imagesChanged);
        action();
        QVERIFY(reloaded.wait(10000));
    }

    static void select(ProductImagesPanel &p, int row)
    {
        auto *grid = p.findChild<QListWidget *>(u"photoGrid"_s);
        grid->clearSelection();
        grid->item(row)->setSelected(true);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        RDK_CREATE_TEST_DATABASE(m_db);
        const QString tenant = m_db->createTenant(u"shop-a"_s);
        const test::Login ops = m_db->createStaff(tenant, u"ops"_s);
        const std::string url = m_db->urlFor(ops.login, ops.password);
        auto session = data::PgSession::open(url);
        QVERIFY(session.ok());
        Product p;
        p.sku = u"DD1391-100"_s;
        p.name = u"Dunk Low Panda"_s;
        p.brand = u"Nike"_s;
        p.price = Money::of(12999, u"USD"_s).value();
        auto created = data::PgProductRepository(**session).create(p, u"received"_s);
        QVERIFY(created.ok());
        m_productId = created->id;
        m_libraries = [url] { return data::PgImageLibrary::open(url); };
    }

    void cleanup()
    {
        if (m_db)
            test::waitForOtherSessionsToEnd(*m_db);
        m_db.reset();
    }

    void uploadJpeg_storesOriginalAndThreeVariants_andShowsIt()
    {
        auto p = panel();
        const QList<QVariant> result = upload(*p, {file(u"panda.jpg"_s, test::jpegPhoto(2000, 1500))});
        QCOMPARE(result.value(0).toInt(), 1);
        QCOMPARE(result.value(1).toInt(), 0);
        QCOMPARE(count("SELECT count(*) FROM product_images WHERE is_primary"), 1);
        QCOMPARE(count("SELECT count(*) FROM product_image_variants WHERE variant IN ('original', 'thumb', 'medium', 'large')"), 4);
        auto *grid = p->findChild<QListWidget *>(u"photoGrid"_s);
        QCOMPARE(grid->count(), 1);
        QVERIFY(grid->item(0)->text().contains(u"Primary"_s));
        QVERIFY(!grid->item(0)->icon().isNull());
        QVERIFY(grid->item(0)->toolTip().contains(u"product-dd1391-100-"_s));
        QVERIFY(!p->findChild<QProgressBar *>(u"uploadProgress"_s)->isVisible());
        QVERIFY(p->errors().isEmpty());
        if (const QString dir = qEnvironmentVariable("RDK_SCREENSHOT_DIR"); !dir.isEmpty()) {
            upload(*p, {file(u"b.jpg"_s, test::jpegPhoto(900, 1200, 3)), file(u"notes.jpg"_s, "not a photo")});
            p->grab().save(dir + u"/product-photos-panel.png"_s);
        }
    }

    void refusedFiles_areListedByNameAndNothingIsStored()
    {
        const QByteArray jpeg = test::jpegPhoto(640, 480);
        const QString huge = m_dir.filePath(u"huge.jpg"_s);
        QVERIFY(test::writeSparseJpeg(huge, 21 * 1024 * 1024));
        const QStringList paths{file(u"cut.jpg"_s, jpeg.left(jpeg.size() / 2)),
                                file(u"notes.jpg"_s, "shopping list: laces, cleaner\n"),
                                file(u"bomb.jpg"_s, test::jpegClaiming(20000, 20000)),
                                file(u"bomb.png"_s, test::pngClaiming(20000, 20000)), huge};
        auto p = panel();
        const QList<QVariant> result = upload(*p, paths);
        QCOMPARE(result.value(0).toInt(), 0);
        QCOMPARE(result.value(1).toInt(), 5);
        const QStringList errors = p->errors();
        QCOMPARE(errors.size(), 5);
        QVERIFY2(errors[0].startsWith(u"cut.jpg: "_s) && errors[0].contains(u"truncated"_s), qPrintable(errors[0]));
        QVERIFY2(errors[1].startsWith(u"notes.jpg: "_s) && errors[1].contains(u"text file"_s), qPrintable(errors[1]));
        QVERIFY2(errors[2].startsWith(u"bomb.jpg: "_s) && errors[2].contains(u"megapixels"_s), qPrintable(errors[2]));
        QVERIFY2(errors[3].startsWith(u"bomb.png: "_s) && errors[3].contains(u"megapixels"_s), qPrintable(errors[3]));
        QVERIFY2(errors[4].startsWith(u"huge.jpg: "_s) && errors[4].contains(u"at most 20.0 MB"_s), qPrintable(errors[4]));
        auto *list = p->findChild<QListWidget *>(u"uploadErrors"_s);
        QVERIFY(list->isVisible());
        QCOMPARE(list->count(), 5);
        QCOMPARE(count("SELECT count(*) FROM product_images"), 0);
        QCOMPARE(count("SELECT count(*) FROM product_image_variants"), 0);
    }

    void mixedBatch_storesTheGoodAndRefusesTheBad_andDuplicatesOnce()
    {
        const QByteArray jpeg = test::jpegPhoto(900, 700, 4);
        auto p = panel();
        const QList<QVariant> result = upload(*p, {file(u"a.jpg"_s, jpeg), file(u"b.txt.jpg"_s, "not a photo"),
                                                   file(u"a-again.jpg"_s, jpeg)});
        QCOMPARE(result.value(0).toInt(), 1);
        QCOMPARE(result.value(1).toInt(), 1);
        QCOMPARE(count("SELECT count(*) FROM product_images"), 1);
        QCOMPARE(p->images().size(), 1);
    }

    void droppedFiles_areUploaded()
    {
        auto p = panel();
        auto *grid = p->findChild<QListWidget *>(u"photoGrid"_s);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(file(u"d1.jpg"_s, test::jpegPhoto(500, 400, 1))),
                      QUrl::fromLocalFile(file(u"d2.jpg"_s, test::jpegPhoto(500, 400, 2)))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(grid->viewport(), &enter);
        QVERIFY(enter.isAccepted());
        QSignalSpy finished(p.get(), &ProductImagesPanel::uploadFinished);
        QSignalSpy reloaded(p.get(), &ProductImagesPanel::imagesChanged);
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(grid->viewport(), &drop);
        QVERIFY(finished.wait(60000));
        QVERIFY(reloaded.wait(10000));
        QCOMPARE(finished.first().value(0).toInt(), 2);
        QCOMPARE(grid->count(), 2);
        QCOMPARE(count("SELECT count(*) FROM product_images"), 2);
    }

    void reorderPrimaryAndRemove_throughTheButtons_arePersisted()
    {
        auto p = panel();
        QStringList paths;
        for (int seed = 1; seed <= 3; ++seed)
            paths.append(file(u"p%1.jpg"_s.arg(seed), test::jpegPhoto(400, 300, seed)));
        QCOMPARE(upload(*p, paths).value(0).toInt(), 3);
        QStringList before;
        for (const ProductImage &i : p->images())
            before.append(i.id);

        select(*p, 0);
        waitForReload(*p, [&] { QTest::mouseClick(p->findChild<QPushButton *>(u"moveRightButton"_s), Qt::LeftButton); });
        auto libraryResult = m_libraries();
        QVERIFY(libraryResult.ok());
        ImageLibrary &library = **libraryResult;
        QList<ProductImage> stored = library.list(m_productId).value();
        QCOMPARE(stored[0].id, before[1]);
        QCOMPARE(stored[1].id, before[0]);

        select(*p, 2);
        waitForReload(*p, [&] { QTest::mouseClick(p->findChild<QPushButton *>(u"setPrimaryButton"_s), Qt::LeftButton); });
        stored = library.list(m_productId).value();
        QVERIFY(stored[2].primary);
        QVERIFY(!stored[0].primary && !stored[1].primary);
        QVERIFY(p->findChild<QListWidget *>(u"photoGrid"_s)->item(2)->text().contains(u"Primary"_s));

        select(*p, 2);
        waitForReload(*p, [&] { QTest::mouseClick(p->findChild<QPushButton *>(u"removePhotoButton"_s), Qt::LeftButton); });
        stored = library.list(m_productId).value();
        QCOMPARE(stored.size(), 2);
        QVERIFY(stored[0].primary); // the first remaining photo takes over
        QCOMPARE(count("SELECT count(*) FROM product_image_variants"), 8);
    }

    void dragReorderInTheGrid_isPersisted()
    {
        auto p = panel();
        QStringList paths;
        for (int seed = 1; seed <= 3; ++seed)
            paths.append(file(u"g%1.jpg"_s.arg(seed), test::jpegPhoto(300, 200, seed)));
        QCOMPARE(upload(*p, paths).value(0).toInt(), 3);
        const QList<ProductImage> before = p->images();
        auto *grid = p->findChild<QListWidget *>(u"photoGrid"_s);
        // What a drop inside the grid does to its model: the first photo moves to the end.
        waitForReload(*p, [&] { QVERIFY(grid->model()->moveRow(QModelIndex(), 0, QModelIndex(), 3)); });
        auto libraryResult = m_libraries();
        QVERIFY(libraryResult.ok());
        const QList<ProductImage> stored = (*libraryResult)->list(m_productId).value();
        QCOMPARE(stored[0].id, before[1].id);
        QCOMPARE(stored[1].id, before[2].id);
        QCOMPARE(stored[2].id, before[0].id);
        QCOMPARE(p->images()[2].id, before[0].id);
    }

    void removal_declined_keepsThePhoto()
    {
        auto p = panel();
        QCOMPARE(upload(*p, {file(u"keep.jpg"_s, test::jpegPhoto(300, 200))}).value(0).toInt(), 1);
        QString asked;
        p->setRemovalConfirmation([&asked](const QString &q) {
            asked = q;
            return false;
        });
        select(*p, 0);
        QTest::mouseClick(p->findChild<QPushButton *>(u"removePhotoButton"_s), Qt::LeftButton);
        QVERIFY(asked.contains(u"Remove photo 1"_s));
        QTest::qWait(200);   // proves a negative: a declined confirmation starts no removal
        QCOMPARE(count("SELECT count(*) FROM product_images"), 1);
    }

    void cancelMidBatch_keepsOnlyTheFilesAlreadyDone_andTheWindowStaysResponsive()
    {
        QStringList paths;
        for (int seed = 0; seed < 8; ++seed)
            paths.append(file(u"big%1.jpg"_s.arg(seed), test::jpegPhoto(4000, 3000, seed)));
        auto p = panel();
        // The UI thread keeps ticking while photos are processed.
        QElapsedTimer sinceTick;
        qint64 longestGap = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] {
            longestGap = qMax(longestGap, sinceTick.restart());
        });
        QSignalSpy finished(p.get(), &ProductImagesPanel::uploadFinished);
        connect(p.get(), &ProductImagesPanel::fileProcessed, p.get(), [&](int done, int) {
            if (done == 2)
                p->findChild<QPushButton *>(u"cancelUploadButton"_s)->click();
        });
        sinceTick.start();
        ticker.start();
        p->uploadFiles(paths);
        QVERIFY(p->isBusy());
        QVERIFY(p->findChild<QPushButton *>(u"cancelUploadButton"_s)->isVisible());
        QVERIFY(finished.wait(120000));
        ticker.stop();
        const int stored = finished.first().value(0).toInt();
        QVERIFY(finished.first().value(2).toBool());
        QVERIFY2(stored >= 2 && stored < 8, qPrintable(QString::number(stored)));
        QCOMPARE(count("SELECT count(*) FROM product_images"), stored);
        QCOMPARE(count("SELECT count(*) FROM product_image_variants"), stored * 4);
        QVERIFY2(longestGap < 400, qPrintable(u"UI thread stalled for %1 ms"_s.arg(longestGap)));
    }

    void hostFactory_buildsAPanelForAProduct()
    {
        const auto make = ProductImagesPanel::factory(m_libraries);
        QWidget host;
        QWidget *w = make(u"DD1391-100"_s, &host); // by SKU
        auto *p = qobject_cast<ProductImagesPanel *>(w);
        QVERIFY(p);
        QCOMPARE(p->parent(), &host);
        Product product;
        product.id = m_productId;
        QVERIFY(qobject_cast<ProductImagesPanel *>(ProductImagesPanel::productFactory(m_libraries)(product, &host)));
    }

    void unknownProduct_saysSoInsteadOfFailingSilently()
    {
        ProductImagesPanel p(m_libraries, u"NO-SUCH-SKU"_s);
        QSignalSpy failed(&p, &ProductImagesPanel::operationFailed);
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().value(0).toString().contains(u"no longer exists"_s));
    }
};

QTEST_MAIN(TestProductImagesPanel)
#include "tst_productimagespanel.moc"
