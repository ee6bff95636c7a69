#include "app/desk/screens.h"

#include "app/desk/workersessions.h"
#include "app/runtime/config.h"
#include "data/deskconnection.h"
#include "data/pgcatalogcsv.h"
#include "data/pgcatalogreader.h"
#include "data/pgcustomers.h"
#include "data/pgdashboard.h"
#include "data/pgimagelibrary.h"
#include "data/pglabelsource.h"
#include "data/pgmailoutbox.h"
#include "data/pgorderbook.h"
#include "data/pgorderfeed.h"
#include "data/pgdrawer.h"
#include "data/pgpos.h"
#include "data/pgreleasebook.h"
#include "data/pgreturns.h"
#include "data/pgrepositories.h"
#include "data/pgstaffadmin.h"
#include "data/pgshopsettings.h"
#include "data/pgtaxsettings.h"
#include "domain/deskaccess.h"
#include "domain/receipt.h"
#include "ui/admin/auditlogscreen.h"
#include "ui/admin/shopsettingsdialog.h"
#include "ui/admin/staffscreen.h"
#include "ui/admin/taxsettingsdialog.h"
#include "ui/catalog/catalogscreen.h"
#include "ui/catalog/csvimportdialog.h"
#include "ui/catalog/labelsdialog.h"
#include "ui/catalog/productimagespanel.h"
#include "ui/common/uitaskrunner.h"
#include "ui/customers/customersscreen.h"
#include "ui/dashboard/dashboardscreen.h"
#include "ui/mail/emailreceiptdialog.h"
#include "ui/mainwindow.h"
#include "ui/orders/ordersscreen.h"
#include "ui/pos/customerpicker.h"
#include "ui/pos/posscreen.h"
#include "ui/pos/receiptprinter.h"
#include "ui/releases/releasesdialog.h"
#include "ui/shell/homescreen.h"

#include <QAction>
#include <QLineEdit>
#include <QMessageBox>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QToolBar>

#include <functional>
#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

/// Each call hands the calling worker thread a connection of its own from the pool.
template <typename Interface, typename PgImplementation>
std::function<Result<std::unique_ptr<Interface>>()> workerFactory(WorkerSessionPool *pool)
{
    return [pool]() -> Result<std::unique_ptr<Interface>> {
        auto session = pool->take();
        if (!session)
            return session.error();
        return std::unique_ptr<Interface>(new PgImplementation(std::move(session).value()));
    };
}

QString onlyOpsChangeProducts()
{
    return QObject::tr("Products are changed by operations staff or an administrator; you can look them up and print labels.");
}

void addCsvActions(CatalogScreen *screen, const CatalogCsvStoreFactory &stores, bool mayChangeProducts)
{
    auto *import = screen->toolBar()->addAction(QObject::tr("Import CSV…"));
    import->setObjectName(u"importCsvAction"_s);
    import->setShortcut(QKeySequence(u"Ctrl+Shift+I"_s));
    import->setToolTip(mayChangeProducts ? QObject::tr("Create and update products from a CSV file (Ctrl+Shift+I)")
                                         : onlyOpsChangeProducts());
    import->setEnabled(mayChangeProducts);
    QObject::connect(import, &QAction::triggered, screen, [screen, stores] {
        CsvImportDialog dialog(stores, screen);
        QObject::connect(&dialog, &CsvImportDialog::applyFinished, screen, [screen](bool applied) {
            if (applied)
                screen->refresh();
        });
        dialog.exec();
    });
    auto *exportAction = screen->toolBar()->addAction(QObject::tr("Export CSV…"));
    exportAction->setShortcut(QKeySequence(u"Ctrl+Shift+E"_s));
    exportAction->setToolTip(QObject::tr("Save the whole catalog with per-size stock as CSV (Ctrl+Shift+E)"));
    QObject::connect(exportAction, &QAction::triggered, screen, [screen, stores] { exportCatalogCsv(screen, stores); });
}

void addLabelsAction(CatalogScreen *screen, const LabelSourceFactory &sources, const SignedInUser &user)
{
    auto *labels = screen->toolBar()->addAction(QObject::tr("Labels…"));
    labels->setShortcut(QKeySequence(u"Ctrl+Shift+L"_s));   // Ctrl+L locks the desk
    labels->setToolTip(QObject::tr("Print price labels with barcodes for the selected products or today's "
                                   "deliveries (Ctrl+Shift+L)"));
    QObject::connect(labels, &QAction::triggered, screen, [screen, sources, role = user.role, zone = user.timezone] {
        LabelsDialog dialog(sources, {screen->selectedProductIds(), role, zone}, screen);
        dialog.exec();
    });
}

CatalogScreen *makeCatalogScreen(DeskServices &services, WorkerSessionPool *workers)
{
    auto *screen = new CatalogScreen(workerFactory<CatalogReader, data::PgCatalogReader>(workers),
                                     workerFactory<ProductRepository, data::PgProductRepository>(workers),
                                     services.connection.user().currency);
    screen->setPhotosFactory(ProductImagesPanel::productFactory(workerFactory<ImageLibrary, data::PgImageLibrary>(workers)));
    screen->setShopTimeZone(services.connection.user().timezone);
    // Cashiers look products up and print labels; changing them is for ops and admins (the
    // database grants it to them only): say so before anyone types.
    const bool mayChangeProducts = services.connection.user().role != StaffRole::Staff;
    if (!mayChangeProducts)
        screen->setReadOnly(onlyOpsChangeProducts());
    addCsvActions(screen, workerFactory<CatalogCsvStore, data::PgCatalogCsvStore>(workers), mayChangeProducts);
    addLabelsAction(screen, workerFactory<LabelSource, data::PgLabelSource>(workers), services.connection.user());
    return screen;
}

DashboardScreen *makeDashboardScreen(DeskServices &services, WorkerSessionPool *workers)
{
    data::DeskConnection &connection = services.connection;
    auto *screen = new DashboardScreen(workerFactory<DashboardSource, data::PgDashboardSource>(workers));
    // Its own connection for LISTEN (opened here, on the UI thread, like every worker session).
    auto *feed = new data::PgDashboardFeed([&connection] { return connection.openWorkerSession(); },
                                           connection.user().tenantId, screen);
    feed->start();
    screen->setChangeFeed(feed);
    return screen;
}

/// One LISTEN connection for the order screens of this window (the counter and the Orders
/// list both react to it); it lives as long as the window.
OrderChangeFeed *orderFeedFor(MainWindow &window, DeskServices &services)
{
    data::DeskConnection &connection = services.connection;
    auto *feed = new data::PgOrderFeed([&connection] { return connection.openWorkerSession(); }, &window);
    feed->start();
    return feed;
}

PosScreen *makePosScreen(DeskServices &services, WorkerSessionPool *workers, OrderChangeFeed *feed)
{
    const SignedInUser &user = services.connection.user();
    PosShop shop{user.tenantName, services.config.receiptAddress, user.currency, user.timezone,
                 services.config.posLinkMinutes};
    auto *screen = new PosScreen(workerFactory<PosStore, data::PgPos>(workers), feed, user.role, shop);
    screen->enableReturns(workerFactory<ReturnStore, data::PgReturns>(workers), user.role);
    screen->attachDrawer(workerFactory<DrawerStore, data::PgDrawer>(workers));
    addCustomerPicker(*screen, workerFactory<CustomerDirectory, data::PgCustomers>(workers), user.role);
    const auto mailboxes = workerFactory<OrderMailbox, data::PgOrderMail>(workers);
    QObject::connect(screen, &PosScreen::emailReceiptRequested, screen,
                     [screen, mailboxes](const QString &orderId, const QString &label) {
                         auto *dialog = new EmailReceiptDialog(mailboxes, orderId, label, screen);
                         dialog->setAttribute(Qt::WA_DeleteOnClose);
                         QObject::connect(dialog, &QDialog::finished, screen, [screen] { screen->scanField()->setFocus(); });
                         dialog->open();
                     });
    return screen;
}

/// Reprint from the Orders screen: the order is read off the UI thread, then the print
/// dialog opens on it.
void reprintReceipt(UiTaskRunner &runner, QWidget *parent, const std::function<Result<std::unique_ptr<PosStore>>()> &stores,
                    const ReceiptShop &shop, const QString &orderId)
{
    runner.run(parent, [stores, shop, orderId]() -> Result<Receipt> {
        auto store = stores();
        if (!store)
            return store.error();
        auto order = (*store)->orderState(orderId);
        if (!order)
            return order.error();
        return buildReceipt(*order, shop);
    }, [parent](const Result<Receipt> &receipt) {
        if (!receipt) {
            QMessageBox::warning(parent, QObject::tr("Receipt"), receipt.error().message);
            return;
        }
        ReceiptPrinter(*receipt).printWithDialog(parent);
    });
}

OrdersScreen *makeOrdersScreen(DeskServices &services, WorkerSessionPool *workers, OrderChangeFeed *feed)
{
    const SignedInUser &user = services.connection.user();
    auto *screen = new OrdersScreen(workerFactory<OrderBook, data::PgOrderBook>(workers), user.role, feed);
    screen->setShop(user.tenantName, services.config.receiptAddress);
    const ReceiptShop shop{user.tenantName, services.config.receiptAddress, user.timezone};
    const auto stores = workerFactory<PosStore, data::PgPos>(workers);
    auto *printing = new UiTaskRunner(UiTaskRunner::Options{u"receipt-reprint"_s}, screen);
    QObject::connect(screen, &OrdersScreen::receiptRequested, screen, [printing, screen, stores, shop](const QString &orderId) {
        reprintReceipt(*printing, screen, stores, shop, orderId);
    });
    const auto mailboxes = workerFactory<OrderMailbox, data::PgOrderMail>(workers);
    QObject::connect(screen, &OrdersScreen::emailReceiptRequested, screen,
                     [screen, mailboxes](const QString &orderId, const QString &label) {
                         auto *dialog = new EmailReceiptDialog(mailboxes, orderId, label, screen);
                         dialog->setAttribute(Qt::WA_DeleteOnClose);
                         QObject::connect(dialog, &EmailReceiptDialog::queued, screen, &OrdersScreen::refresh);
                         dialog->open();
                     });
    return screen;
}

/// Staff changes need a session the verified admin vouched for: a fresh one from the pool per
/// action (the pool never hands out for writing one opened while a code was pending).
QWidget *makeStaffScreen(WorkerSessionPool *workers)
{
    return new StaffScreen(workerFactory<StaffAdministration, data::PgStaffAdministration>(workers));
}

QWidget *makeAuditLogScreen(WorkerSessionPool *workers, const SignedInUser &user)
{
    auto *screen = new AuditLogScreen(workerFactory<AuditLog, data::PgAuditLog>(workers));
    screen->setShopTimeZone(user.timezone);
    screen->setShopCurrency(user.currency);
    screen->loadKnownPeople([staff = workerFactory<StaffAdministration, data::PgStaffAdministration>(workers)]() -> Result<QStringList> {
        auto service = staff();
        if (!service)
            return service.error();
        auto people = (*service)->listStaff();
        if (!people)
            return people.error();
        QStringList logins;
        for (const StaffMember &member : *people)
            logins.append(member.login);
        return logins;
    });
    return screen;
}

/// Shop ▸ Sales tax…: admins edit the rates; everyone else sees them read-only, with the reason.
QMenu *addTaxSettingsAction(MainWindow &window, const SignedInUser &user, WorkerSessionPool *workers)
{
    QMenu *menu = window.menuBar()->addMenu(QObject::tr("&Shop"));
    auto *action = menu->addAction(QObject::tr("Sales &tax…"));
    action->setObjectName(u"taxSettingsAction"_s);
    QObject::connect(action, &QAction::triggered, &window, [&window, workers, role = user.role, currency = user.currency] {
        TaxSettingsDialog dialog(workerFactory<TaxSettingsStore, data::PgTaxSettings>(workers), role, currency, &window);
        dialog.exec();
    });
    return menu;
}

/// Shop ▸ Online orders… (Ctrl+Shift+S): where and how online orders ship, Stripe tax and the
/// policy texts; admins edit, everyone else reads, with the reason.
void addShopSettingsAction(QMenu *menu, MainWindow &window, const SignedInUser &user, WorkerSessionPool *workers)
{
    auto *action = menu->addAction(QObject::tr("&Online orders…"));
    action->setObjectName(u"shopSettingsAction"_s);
    action->setShortcut(QKeySequence(u"Ctrl+Shift+S"_s));
    QObject::connect(action, &QAction::triggered, &window, [&window, workers, role = user.role, currency = user.currency] {
        ShopSettingsDialog dialog(workerFactory<ShopSettingsStore, data::PgShopSettings>(workers), role, currency, &window);
        dialog.exec();
    });
}

/// Shop ▸ Releases… (Ctrl+Shift+G, "go live"): the shop's drops with their countdown; ops and
/// admins schedule, cancel and draw, cashiers follow along. One window, raised when asked again.
void addReleasesAction(QMenu *menu, MainWindow &window, const SignedInUser &user, WorkerSessionPool *workers)
{
    auto *action = menu->addAction(QObject::tr("&Releases…"));
    action->setObjectName(u"releasesAction"_s);
    action->setShortcut(QKeySequence(u"Ctrl+Shift+G"_s));
    auto open = std::make_shared<QPointer<ReleasesDialog>>();
    QObject::connect(action, &QAction::triggered, &window, [&window, workers, open, role = user.role, zone = user.timezone] {
        if (*open) {
            (*open)->raise();
            (*open)->activateWindow();
            return;
        }
        auto *dialog = new ReleasesDialog(workerFactory<ReleaseBook, data::PgReleaseBook>(workers), role, zone, &window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        *open = dialog;
        dialog->show();
    });
}

} // namespace

void registerScreens(MainWindow &window, DeskServices &services)
{
    const SignedInUser &user = services.connection.user();
    // A screen is built only when the role may open it and the window has none for its place.
    const auto wanted = [&](ScreenKey key) { return mayOpen(user.role, key) && !window.screen(key); };
    // Two sessions ready: the catalog's list and thumbnail workers, or the dashboard's first load.
    auto *workers = new WorkerSessionPool(services.connection, 2, &window);

    CatalogScreen *catalog = nullptr;
    if (wanted(ScreenKey::Catalog)) {
        catalog = makeCatalogScreen(services, workers);
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::Catalog), catalog);
        window.addPendingWorkCheck([catalog] { return catalog->pendingWork(); });
    }
    OrderChangeFeed *orders = nullptr;
    if (wanted(ScreenKey::PointOfSale) || wanted(ScreenKey::Orders))
        orders = orderFeedFor(window, services);
    if (wanted(ScreenKey::PointOfSale)) {
        PosScreen *pos = makePosScreen(services, workers, orders);
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::PointOfSale), pos);
        window.addPendingWorkCheck([pos] { return pos->pendingWork(); });
    }
    if (wanted(ScreenKey::Orders))
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::Orders), makeOrdersScreen(services, workers, orders));
    if (wanted(ScreenKey::Dashboard)) {
        DashboardScreen *dashboard = makeDashboardScreen(services, workers);
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::Dashboard), dashboard);
        if (catalog) {
            QObject::connect(dashboard, &DashboardScreen::openProductRequested, catalog, [&window, catalog](const QString &id) {
                window.showScreen(ScreenKey::Catalog);
                catalog->openProduct(id);
            });
        }
    }
    if (wanted(ScreenKey::Customers))
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::Customers),
                         new CustomersScreen(workerFactory<CustomerDirectory, data::PgCustomers>(workers), user.role, user.timezone));
    if (wanted(ScreenKey::Staff))
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::Staff), makeStaffScreen(workers));
    if (wanted(ScreenKey::AuditLog))
        window.addScreen(ScreenSpec::defaultsFor(ScreenKey::AuditLog),
                         makeAuditLogScreen(workers, services.connection.user()));

    QMenu *shop = addTaxSettingsAction(window, user, workers);
    addShopSettingsAction(shop, window, user, workers);
    addReleasesAction(shop, window, user, workers);
    window.setHomeScreen(new HomeScreen(user, services.connection.server(), window.navigationTitles()));
}

} // namespace rdk
