#include "ui/releases/releasesdialog.h"

#include "domain/ordercsv.h"
#include "ui/releases/raffleresultsdialog.h"
#include "ui/releases/releaseeditdialog.h"
#include "ui/releases/releasetablemodel.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QString onlyOps()
{
    return QObject::tr("Releases are scheduled, changed, canceled and drawn by operations staff or an administrator; "
                       "you can follow them here.");
}

QString label(const ReleaseSummary &r)
{
    return u"%1 (%2)"_s.arg(r.productName, r.sku);
}

} // namespace

ReleasesDialog::ReleasesDialog(ReleaseBookFactory books, StaffRole role, const QString &timeZone, QWidget *parent)
    : QDialog(parent), m_books(std::move(books)), m_role(role), m_zone(shopTimeZone(timeZone)),
      m_now([] { return QDateTime::currentDateTimeUtc(); }), m_jobs(UiTaskRunner::Options{u"releases"_s})
{
    setObjectName(u"releasesDialog"_s);
    setWindowTitle(tr("Releases"));
    auto *layout = new QVBoxLayout(this);

    auto *intro = new QLabel(tr("Upcoming and recent drops. A release goes on sale by itself at its time; the storefront "
                                "shows it as the settings say. Times are the shop's (%1).")
                                 .arg(QString::fromUtf8(m_zone.id())), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    if (!mayManageReleases(m_role)) {
        auto *note = new QLabel(onlyOps(), this);
        note->setObjectName(u"readOnlyNote"_s);
        note->setWordWrap(true);
        layout->addWidget(note);
    }

    m_model = new ReleaseTableModel(m_zone, [this] { return m_now(); }, this);
    m_table = new QTableView(this);
    m_table->setObjectName(u"releases"_s);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->setAccessibleName(tr("Releases"));
    auto *header = m_table->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ReleaseTableModel::Product, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    auto *row = new QHBoxLayout;
    const auto button = [&](const QString &text, const QString &name) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setAutoDefault(false);
        row->addWidget(b);
        return b;
    };
    m_new = button(tr("New…"), u"newRelease"_s);
    m_editButton = button(tr("Edit…"), u"editRelease"_s);
    m_cancelButton = button(tr("Cancel release…"), u"cancelRelease"_s);
    m_draw = button(tr("Draw…"), u"drawRaffle"_s);
    m_resultsButton = button(tr("Results…"), u"raffleResults"_s);
    row->addStretch(1);
    m_refresh = button(tr("Refresh"), u"refresh"_s);
    auto *close = button(tr("Close"), u"close"_s);
    layout->addLayout(row);
    m_status = new QLabel(this);
    m_status->setObjectName(u"status"_s);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_updated = new QLabel(this);
    m_updated->setObjectName(u"updated"_s);
    m_updated->setTextFormat(Qt::PlainText);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_updated, 0, Qt::AlignRight | Qt::AlignTop);
    layout->addLayout(statusRow);

    m_new->setShortcut(QKeySequence::New);
    m_editButton->setShortcut(QKeySequence(u"Ctrl+E"_s));
    m_draw->setShortcut(QKeySequence(u"Ctrl+D"_s));
    m_resultsButton->setShortcut(QKeySequence(u"Ctrl+R"_s));
    m_refresh->setShortcut(QKeySequence::Refresh);
    auto *deleteKey = new QShortcut(QKeySequence::Delete, m_table);
    deleteKey->setContext(Qt::WidgetShortcut);
    connect(deleteKey, &QShortcut::activated, this, &ReleasesDialog::cancelRelease);

    connect(m_new, &QPushButton::clicked, this, &ReleasesDialog::newRelease);
    connect(m_editButton, &QPushButton::clicked, this, &ReleasesDialog::editRelease);
    connect(m_cancelButton, &QPushButton::clicked, this, &ReleasesDialog::cancelRelease);
    connect(m_draw, &QPushButton::clicked, this, &ReleasesDialog::drawRaffle);
    connect(m_resultsButton, &QPushButton::clicked, this, &ReleasesDialog::showResults);
    connect(m_refresh, &QPushButton::clicked, this, &ReleasesDialog::refresh);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_table, &QTableView::activated, this, [this] {
        if (mayManageReleases(m_role))
            editRelease();
        else
            showResults();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ReleasesDialog::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ReleasesDialog::updateButtons);

    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        m_model->tick();
        updateButtons();
    });
    m_tick.start();
    m_reload.setInterval(RefreshMs);
    connect(&m_reload, &QTimer::timeout, this, [this] {
        if (isVisible() && !m_jobs.isBusy())
            refresh();
    });
    m_reload.start();

    resize(1180, 560);
    updateButtons();
    refresh();
}

ReleasesDialog::~ReleasesDialog() = default;

void ReleasesDialog::setClock(std::function<QDateTime()> now)
{
    m_now = std::move(now);
    m_model->tick();
    updateButtons();
}

const ReleaseSummary *ReleasesDialog::selected() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? m_model->release(current.row()) : nullptr;
}

bool ReleasesDialog::selectRelease(const QString &releaseId)
{
    const int row = m_model->rowOf(releaseId);
    if (row < 0)
        return false;
    m_table->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                               QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

ReleaseEditDialog *ReleasesDialog::editDialog() const
{
    return m_edit;
}

RaffleResultsDialog *ReleasesDialog::resultsDialog() const
{
    return m_results;
}

QDialog *ReleasesDialog::cancelDialog() const
{
    return m_cancel;
}

QString ReleasesDialog::statusText() const
{
    return m_status->text();
}

QString ReleasesDialog::updatedText() const
{
    return m_updated->text();
}

void ReleasesDialog::refresh()
{
    m_jobs.run(this, m_reads.next(), [books = m_books]() -> Result<QList<ReleaseSummary>> {
        auto book = books();
        if (!book)
            return book.error();
        return (*book)->overview();
    }, [this](const Result<QList<ReleaseSummary>> &releases) {
        if (!releases) {
            setStatus(tr("Couldn't read the releases: %1").arg(releases.error().message), true);
        } else {
            const ReleaseSummary *current = selected();
            const QString keep = current ? current->id : QString();
            m_model->setReleases(*releases);
            if (!keep.isEmpty())
                selectRelease(keep);
            else if (!releases->isEmpty())
                selectRelease(releases->first().id);
            m_readAt = m_now();
            if (m_status->text().startsWith(tr("Couldn't read the releases")))
                setStatus({}, false);
            m_updated->setText(releases->isEmpty()
                                   ? tr("No releases yet.") + (mayManageReleases(m_role) ? u' ' + tr("New… (Ctrl+N) schedules one.") : QString())
                                   : tr("%1 release(s) · updated %2")
                                         .arg(releases->size())
                                         .arg(QLocale::c().toString(m_readAt.toTimeZone(m_zone).time(), u"HH:mm:ss"_s)));
        }
        updateButtons();
        Q_EMIT refreshed();
    });
}

void ReleasesDialog::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? u"color: #b3261e;"_s : QString());
}

void ReleasesDialog::updateButtons()
{
    const bool manage = mayManageReleases(m_role);
    const ReleaseSummary *r = selected();
    const ReleaseStage stage = r ? releaseStage(*r, m_now()) : ReleaseStage::Upcoming;
    const bool raffle = r && r->allocation == ReleaseAllocation::Raffle;
    const bool over = r && (stage == ReleaseStage::Canceled || stage == ReleaseStage::Ended);
    const bool started = r && releaseStarted(*r, m_now());

    m_new->setEnabled(manage);
    m_new->setToolTip(manage ? tr("Schedule a new release (Ctrl+N)") : onlyOps());

    const auto set = [](QPushButton *b, bool on, const QString &why) {
        b->setEnabled(on);
        b->setToolTip(why);
    };
    if (!manage) {
        set(m_editButton, false, onlyOps());
        set(m_cancelButton, false, onlyOps());
        set(m_draw, false, onlyOps());
    } else if (!r) {
        const QString pick = tr("Choose a release in the list first.");
        set(m_editButton, false, pick);
        set(m_cancelButton, false, pick);
        set(m_draw, false, pick);
    } else {
        const QString overWhy = stage == ReleaseStage::Canceled ? tr("This release was canceled.")
                                                                : tr("This release ended more than a week ago.");
        set(m_editButton, !over && !started,
            over ? overWhy
                 : started ? tr("This release has started; it can only be canceled.")
                           : tr("Change the selected release (Ctrl+E)"));
        set(m_cancelButton, !over, over ? overWhy
                                        : tr("Cancel the selected release: the product then sells as usual (Delete)"));
        if (!raffle)
            set(m_draw, false, tr("Only a raffle is drawn; this release sells through its queue."));
        else if (r->drawnAt.isValid())
            set(m_draw, false, tr("Already drawn (%1); Results… shows the seed.").arg(formatShopTime(r->drawnAt, m_zone)));
        else if (stage == ReleaseStage::Canceled)
            set(m_draw, false, overWhy);
        else if (stage != ReleaseStage::AwaitingDraw)
            set(m_draw, false, tr("Entries are still open: the draw comes after they close (%1).")
                                   .arg(formatShopTime(r->entriesCloseAt, m_zone)));
        else
            set(m_draw, true, tr("Draw the raffle now: winners get their pay link, everyone else is told (Ctrl+D)"));
    }
    if (!r || !raffle)
        set(m_resultsButton, false, r ? tr("Only a raffle has results; this release sells through its queue.")
                                      : tr("Choose a raffle in the list first."));
    else if (!r->drawnAt.isValid())
        set(m_resultsButton, false, tr("Not drawn yet."));
    else
        set(m_resultsButton, true, tr("The draw's seed, winners by size and who has paid (Ctrl+R)"));
    m_refresh->setToolTip(tr("Read the list again now (it also refreshes every %1 s)").arg(RefreshMs / 1000));
}

void ReleasesDialog::newRelease()
{
    if (!mayManageReleases(m_role) || m_edit)
        return;
    m_edit = new ReleaseEditDialog(m_books, m_zone, QString(), ReleaseSettings{}, m_now, this);
    m_edit->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_edit, &ReleaseEditDialog::saved, this, [this](const QString &id) {
        setStatus(tr("Release saved."), false);
        // Older reads are stale once this one is asked for, so the next answer includes it.
        connect(this, &ReleasesDialog::refreshed, this, [this, id] { selectRelease(id); }, Qt::SingleShotConnection);
        refresh();
    });
    m_edit->open();
}

void ReleasesDialog::editRelease()
{
    const ReleaseSummary *r = selected();
    if (!r || !m_editButton->isEnabled() || m_edit)
        return;
    m_edit = new ReleaseEditDialog(m_books, m_zone, r->id, settingsOf(*r), m_now, this);
    m_edit->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_edit, &ReleaseEditDialog::saved, this, [this] {
        setStatus(tr("Release saved."), false);
        refresh();
    });
    m_edit->open();
}

void ReleasesDialog::cancelRelease()
{
    const ReleaseSummary *r = selected();
    if (!r || !m_cancelButton->isEnabled() || m_cancel)
        return;
    const QString id = r->id;
    auto *ask = new QDialog(this);
    ask->setObjectName(u"cancelReleaseDialog"_s);
    ask->setWindowTitle(tr("Cancel release"));
    ask->setAttribute(Qt::WA_DeleteOnClose);
    auto *layout = new QVBoxLayout(ask);
    auto *text = new QLabel(tr("Cancel the release of %1? Its sizes then sell as usual, online and at the counter; "
                               "orders already placed stay as they are.").arg(label(*r)), ask);
    text->setWordWrap(true);
    auto *reason = new QLineEdit(ask);
    reason->setObjectName(u"reason"_s);
    reason->setMaxLength(MaxCancelReasonLength);
    reason->setPlaceholderText(tr("Reason (recorded in the audit log)"));
    auto *buttons = new QDialogButtonBox(ask);
    auto *yes = buttons->addButton(tr("Cancel release"), QDialogButtonBox::AcceptRole);
    yes->setObjectName(u"confirmCancel"_s);
    yes->setEnabled(false);
    yes->setToolTip(tr("Give a reason first"));
    buttons->addButton(tr("Keep it"), QDialogButtonBox::RejectRole);
    layout->addWidget(text);
    layout->addWidget(reason);
    layout->addWidget(buttons);
    connect(reason, &QLineEdit::textChanged, yes, [yes](const QString &t) {
        yes->setEnabled(!t.trimmed().isEmpty());
        yes->setToolTip(t.trimmed().isEmpty() ? tr("Give a reason first") : QString());
    });
    connect(buttons, &QDialogButtonBox::rejected, ask, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, ask, [this, ask, reason, id] {
        if (reason->text().trimmed().isEmpty())
            return;
        sendCancel(id, reason->text().trimmed());
        ask->accept();
    });
    m_cancel = ask;
    ask->resize(520, ask->sizeHint().height());
    ask->open();
}

void ReleasesDialog::sendCancel(const QString &releaseId, const QString &reason)
{
    setStatus(tr("Canceling…"), false);
    m_jobs.run(this, [books = m_books, releaseId, reason]() -> Result<bool> {
        auto book = books();
        if (!book)
            return book.error();
        if (auto done = (*book)->cancel(releaseId, reason); !done)
            return done.error();
        return true;
    }, [this, releaseId](const Result<bool> &done) {
        if (!done) {
            setStatus(tr("Not canceled: %1").arg(done.error().message), true);
            return;
        }
        setStatus(tr("Release canceled."), false);
        Q_EMIT canceled(releaseId);
        refresh();
    });
}

void ReleasesDialog::drawRaffle()
{
    const ReleaseSummary *r = selected();
    if (!r || !m_draw->isEnabled())
        return;
    auto *ask = new QMessageBox(QMessageBox::Question, tr("Draw the raffle"),
                                tr("Draw the raffle of %1 now?\n\n%n entries. Winners are drawn size by size while "
                                   "stock lasts, with a random seed the database records so anyone can re-run the draw. "
                                   "Winners get a link to pay within %2 hours; everyone else is told. This can't be undone.",
                                   nullptr, r->entries)
                                    .arg(label(*r))
                                    .arg(r->claimHours),
                                QMessageBox::NoButton, this);
    ask->setObjectName(u"drawQuestion"_s);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *yes = ask->addButton(tr("Draw now"), QMessageBox::AcceptRole);
    yes->setObjectName(u"confirmDraw"_s);
    ask->addButton(tr("Not yet"), QMessageBox::RejectRole);
    connect(yes, &QPushButton::clicked, this, [this, id = r->id, name = label(*r)] { startDraw(id, name); });
    ask->open();
}

void ReleasesDialog::startDraw(const QString &releaseId, const QString &name)
{
    setStatus(tr("Drawing…"), false);
    m_jobs.run(this, [books = m_books, releaseId]() -> Result<RaffleDrawSummary> {
        auto book = books();
        if (!book)
            return book.error();
        return (*book)->drawAndSummarize(releaseId);
    }, [this, releaseId, name](const Result<RaffleDrawSummary> &outcome) {
        if (!outcome) {
            setStatus(tr("Not drawn: %1").arg(outcome.error().message), true);
            Q_EMIT drawAnswered({});
            return;
        }
        setStatus(tr("%1 drawn: %2 won, %3 lost. Seed %4 (recorded).")
                      .arg(name)
                      .arg(outcome->won)
                      .arg(outcome->lost)
                      .arg(outcome->seed),
                  false);
        Q_EMIT drawAnswered(outcome->seed);
        refresh();
        connect(this, &ReleasesDialog::refreshed, this, [this, releaseId] {
            if (selectRelease(releaseId))
                showResults();
        }, Qt::SingleShotConnection);
    });
}

void ReleasesDialog::showResults()
{
    const ReleaseSummary *r = selected();
    if (!r || !m_resultsButton->isEnabled())
        return;
    if (m_results)
        m_results->close();
    m_results = new RaffleResultsDialog(m_books, *r, m_zone, m_now, this);
    m_results->setAttribute(Qt::WA_DeleteOnClose);
    m_results->open();
}

} // namespace rdk
