#include "ui/releases/raffleresultsdialog.h"

#include "ui/releases/releasetablemodel.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMap>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

enum Column { RankColumn, SizeColumn, EntryColumn, StateColumn, PayByColumn, ColumnCount };

double sizeOrder(const QString &size)
{
    bool ok = false;
    const double v = size.toDouble(&ok);
    return ok ? v : 1e9;
}

} // namespace

QString RaffleResultsDialog::payBy(const RaffleResult &row) const
{
    // Only a winner who hasn't paid has a time that still matters; a lapsed one shows the time
    // that passed. The sweep hands a lapsed pair to the next entry (rdk.release_sweep).
    switch (row.state) {
    case RaffleEntryState::Won:
        if (row.claimDeadline.isValid() && row.claimDeadline <= m_now())
            return tr("%1 (passed)").arg(formatShopTime(row.claimDeadline, m_zone));
        return formatShopTime(row.claimDeadline, m_zone);
    case RaffleEntryState::Lapsed: return formatShopTime(row.claimDeadline, m_zone);
    case RaffleEntryState::Claimed:
    case RaffleEntryState::Lost:
    case RaffleEntryState::Entered: break;
    }
    return {};
}

RaffleResultsDialog::RaffleResultsDialog(ReleaseBookFactory books, ReleaseSummary release, QTimeZone zone,
                                         std::function<QDateTime()> now, QWidget *parent)
    : QDialog(parent), m_books(std::move(books)), m_release(std::move(release)), m_zone(std::move(zone)), m_now(std::move(now)),
      m_jobs(UiTaskRunner::Options{u"raffle-results"_s})
{
    setObjectName(u"raffleResultsDialog"_s);
    setWindowTitle(tr("Raffle results — %1").arg(m_release.productName));
    auto *layout = new QVBoxLayout(this);

    auto *heading = new QLabel(tr("%1 (%2) · drawn %3 · winners have %n hour(s) to pay", nullptr, m_release.claimHours)
                                   .arg(m_release.productName, m_release.sku, formatShopTime(m_release.drawnAt, m_zone)), this);
    heading->setObjectName(u"heading"_s);
    heading->setTextFormat(Qt::PlainText);
    heading->setWordWrap(true);
    layout->addWidget(heading);

    auto *seedRow = new QHBoxLayout;
    auto *seedLabel = new QLabel(tr("Seed:"), this);
    m_seed = new QLineEdit(this);
    m_seed->setObjectName(u"seed"_s);
    m_seed->setReadOnly(true);
    m_seed->setFont(QFont(u"monospace"_s));
    m_seed->setFocusPolicy(Qt::ClickFocus);   // the keyboard starts in the table; Ctrl+Shift+C copies
    m_seed->setToolTip(tr("With the entry list, anyone can re-run the draw from this seed (docs/DROPS.md)"));
    auto *copy = new QPushButton(tr("Copy seed"), this);
    copy->setObjectName(u"copySeed"_s);
    copy->setShortcut(QKeySequence(u"Ctrl+Shift+C"_s));
    copy->setToolTip(tr("Copy the seed to the clipboard (Ctrl+Shift+C)"));
    copy->setAutoDefault(false);
    seedRow->addWidget(seedLabel);
    seedRow->addWidget(m_seed, 1);
    seedRow->addWidget(copy);
    layout->addLayout(seedRow);
    connect(copy, &QPushButton::clicked, this, &RaffleResultsDialog::copySeed);

    m_summary = new QLabel(this);
    m_summary->setObjectName(u"summary"_s);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    m_everyEntry = new QCheckBox(tr("Show every entry (not only winners)"), this);
    m_everyEntry->setObjectName(u"everyEntry"_s);
    layout->addWidget(m_everyEntry);
    connect(m_everyEntry, &QCheckBox::toggled, this, &RaffleResultsDialog::showRows);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setObjectName(u"results"_s);
    m_table->setHorizontalHeaderLabels({tr("Rank"), tr("Size"), tr("Entry (SHA-256 of the e-mail key)"), tr("State"), tr("Pay by")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(EntryColumn, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);

    m_message = new QLabel(this);
    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    resize(900, 560);
    m_table->setFocus();
    load();
}

RaffleResultsDialog::~RaffleResultsDialog() = default;

QString RaffleResultsDialog::seedText() const
{
    return m_seed->text();
}

QString RaffleResultsDialog::summaryText() const
{
    return m_summary->text();
}

void RaffleResultsDialog::copySeed()
{
    QApplication::clipboard()->setText(m_seed->text());
    m_message->setText(tr("Seed copied."));
}

void RaffleResultsDialog::load()
{
    m_message->setText(tr("Reading the results…"));
    m_jobs.run(this, [books = m_books, id = m_release.id]() -> Result<QPair<QString, QList<RaffleResult>>> {
        auto book = books();
        if (!book)
            return book.error();
        return (*book)->results(id);
    }, [this](const Result<QPair<QString, QList<RaffleResult>>> &rows) {
        if (!rows) {
            m_message->setText(tr("Couldn't read the results: %1").arg(rows.error().message));
            m_message->setStyleSheet(u"color: #b3261e;"_s);
        } else {
            m_seed->setText(rows->first);
            m_rows = rows->second;
            std::stable_sort(m_rows.begin(), m_rows.end(), [](const RaffleResult &a, const RaffleResult &b) {
                if (a.size != b.size)
                    return sizeOrder(a.size) < sizeOrder(b.size) || (sizeOrder(a.size) == sizeOrder(b.size) && a.size < b.size);
                return a.drawRank < b.drawRank;
            });
            m_message->clear();
            m_message->setStyleSheet({});
            showRows();
        }
        Q_EMIT loaded();
    });
}

void RaffleResultsDialog::showRows()
{
    // One line per size: how its pairs went.
    struct Count {
        int won = 0, claimed = 0, lapsed = 0, lost = 0;
    };
    QMap<double, QPair<QString, Count>> bySize;
    int winners = 0;
    for (const RaffleResult &row : std::as_const(m_rows)) {
        auto &entry = bySize[sizeOrder(row.size)];
        entry.first = row.size;
        switch (row.state) {
        case RaffleEntryState::Won: ++entry.second.won; break;
        case RaffleEntryState::Claimed: ++entry.second.claimed; break;
        case RaffleEntryState::Lapsed: ++entry.second.lapsed; break;
        case RaffleEntryState::Lost:
        case RaffleEntryState::Entered: ++entry.second.lost; break;
        }
    }
    QStringList lines;
    for (const auto &[size, count] : std::as_const(bySize)) {
        winners += count.won + count.claimed + count.lapsed;
        lines.append(tr("Size %1: %2 paid, %3 to pay, %4 lapsed, %5 not drawn")
                         .arg(size.isEmpty() ? tr("—") : size)
                         .arg(count.claimed)
                         .arg(count.won)
                         .arg(count.lapsed)
                         .arg(count.lost));
    }
    m_summary->setText(tr("%1 entries, %2 drawn as winners (a lapsed winner's pair passes to the next entry).")
                           .arg(m_rows.size())
                           .arg(winners)
                       + (lines.isEmpty() ? QString() : u'\n' + lines.join(u'\n')));

    const bool every = m_everyEntry->isChecked();
    m_table->setRowCount(0);
    for (const RaffleResult &row : std::as_const(m_rows)) {
        const bool winner = row.state == RaffleEntryState::Won || row.state == RaffleEntryState::Claimed
                            || row.state == RaffleEntryState::Lapsed;
        if (!every && !winner)
            continue;
        const int at = m_table->rowCount();
        m_table->insertRow(at);
        auto *rank = new QTableWidgetItem;
        rank->setData(Qt::DisplayRole, row.drawRank);
        m_table->setItem(at, RankColumn, rank);
        m_table->setItem(at, SizeColumn, new QTableWidgetItem(row.size));
        auto *hash = new QTableWidgetItem(row.emailHash);
        hash->setFont(QFont(u"monospace"_s));
        m_table->setItem(at, EntryColumn, hash);
        m_table->setItem(at, StateColumn, new QTableWidgetItem(describe(row.state)));
        auto *payByItem = new QTableWidgetItem(payBy(row));
        if (row.state == RaffleEntryState::Won)
            payByItem->setToolTip(tr("Unpaid by then, the storefront passes the pair to the next entry of its size."));
        m_table->setItem(at, PayByColumn, payByItem);
    }
}

} // namespace rdk
