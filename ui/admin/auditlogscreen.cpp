#include "ui/admin/auditlogscreen.h"

#include "domain/auditcsv.h"
#include "ui/admin/audittablemodel.h"
#include "ui/shell/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateEdit>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStringListModel>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QComboBox *filterCombo(QWidget *parent, const QString &name, const QString &accessible, const QStringList &items)
{
    auto *combo = new QComboBox(parent);
    combo->setObjectName(name);
    combo->setAccessibleName(accessible);
    combo->setEditable(true);
    combo->setInsertPolicy(QComboBox::NoInsert);
    combo->addItem(QString());
    combo->addItems(items);
    combo->lineEdit()->setPlaceholderText(QObject::tr("any"));
    combo->lineEdit()->setMaxLength(63);
    return combo;
}

QDateEdit *dateEdit(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *edit = new QDateEdit(QDate::currentDate(), parent);
    edit->setObjectName(name);
    edit->setAccessibleName(accessible);
    edit->setCalendarPopup(true);
    edit->setDateRange(QDate(1970, 1, 1), QDate(9998, 12, 31));
    edit->setEnabled(false);
    return edit;
}

// Changed rows: the palette's highlight blended into the base colour, so the mark reads in
// light and dark themes without becoming a selection look-alike.
QColor changeColour(const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor mark = palette.color(QPalette::Highlight);
    return QColor::fromRgbF(base.redF() * 0.7f + mark.redF() * 0.3f, base.greenF() * 0.7f + mark.greenF() * 0.3f,
                            base.blueF() * 0.7f + mark.blueF() * 0.3f);
}

} // namespace

AuditLogScreen::AuditLogScreen(AuditLogFactory logs, QWidget *parent, int pageSize)
    : QWidget(parent), m_logs(std::move(logs)), m_browseLog(std::make_shared<LaneResource<AuditLog>>(m_logs)),
      m_pages(new UiTaskRunner(UiTaskRunner::Options{u"audit-log"_s}, this)),
      m_exports(new UiTaskRunner(UiTaskRunner::Options{u"audit-export"_s}, this)),
      m_model(new AuditTableModel(pageSize, this)), m_person(new QLineEdit(this)),
      m_entity(filterCombo(this, u"entity"_s, tr("Entity filter"), knownAuditEntities())),
      m_action(filterCombo(this, u"action"_s, tr("Action filter"), knownAuditActions())),
      m_record(new QLineEdit(this)), m_useFrom(new QCheckBox(tr("&From"), this)),
      m_from(dateEdit(this, u"from"_s, tr("From date"))), m_useTo(new QCheckBox(tr("&To"), this)),
      m_to(dateEdit(this, u"to"_s, tr("To date"))), m_apply(new QPushButton(tr("&Search"), this)),
      m_clear(new QPushButton(tr("C&lear"), this)), m_export(new QPushButton(tr("&Export CSV…"), this)),
      m_banner(new QLabel(this)), m_status(new QLabel(this)), m_table(new QTableView(this)), m_detailTitle(new QLabel(this)),
      m_detail(new QTableWidget(0, 3, this))
{
    setObjectName(u"auditLogScreen"_s);
    setAccessibleName(tr("Audit log"));

    m_person->setObjectName(u"person"_s);
    m_person->setAccessibleName(tr("Person filter"));
    m_person->setPlaceholderText(tr("any login"));
    m_person->setMaxLength(63);
    m_person->setClearButtonEnabled(true);
    m_record->setObjectName(u"record"_s);
    m_record->setAccessibleName(tr("Record id filter"));
    m_record->setPlaceholderText(tr("any record"));
    m_record->setMaxLength(200);
    m_record->setClearButtonEnabled(true);
    m_useFrom->setObjectName(u"useFrom"_s);
    m_useFrom->setAccessibleName(tr("Filter from a date"));
    m_useTo->setObjectName(u"useTo"_s);
    m_useTo->setAccessibleName(tr("Filter up to a date"));
    m_apply->setObjectName(u"apply"_s);
    m_apply->setAccessibleName(tr("Search the audit log"));
    m_apply->setDefault(true);
    m_clear->setObjectName(u"clear"_s);
    m_clear->setAccessibleName(tr("Clear the filters"));
    m_export->setObjectName(u"export"_s);
    m_export->setAccessibleName(tr("Export the filtered entries as CSV"));

    m_banner->setObjectName(u"banner"_s);
    m_banner->setAccessibleName(tr("Message"));
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->hide();
    m_status->setObjectName(u"status"_s);
    m_status->setAccessibleName(tr("Status"));
    m_status->hide();

    m_table->setObjectName(u"auditTable"_s);
    m_table->setAccessibleName(tr("Audit entries"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);   // every cell shows its whole text as a tooltip
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    const int em = m_table->fontMetrics().horizontalAdvance(u'M');
    for (auto [col, width] : {std::pair{int(AuditTableModel::TimeColumn), 14}, {int(AuditTableModel::PersonColumn), 11},
                              {int(AuditTableModel::ActionColumn), 8}, {int(AuditTableModel::EntityColumn), 7},
                              {int(AuditTableModel::RecordColumn), 14}, {int(AuditTableModel::ChangesColumn), 30}})
        m_table->setColumnWidth(col, width * em);

    m_detailTitle->setObjectName(u"detailTitle"_s);
    m_detailTitle->setWordWrap(true);
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setObjectName(u"detail"_s);
    m_detail->setAccessibleName(tr("Before and after"));
    m_detail->setHorizontalHeaderLabels({tr("Field"), tr("Before"), tr("After")});
    m_detail->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_detail->setTabKeyNavigation(false);
    m_detail->verticalHeader()->hide();
    m_detail->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_detail->setWordWrap(true);

    // Two rows: what to look for, then when and what to do with it.
    auto *filters = new QGridLayout;
    int column = 0;
    auto addFilter = [&](const QString &label, QWidget *field) {
        auto *l = new QLabel(label, this);
        l->setBuddy(field);
        filters->addWidget(l, 0, column++);
        filters->addWidget(field, 0, column++);
        filters->setColumnStretch(column - 1, 1);
    };
    addFilter(tr("&Person:"), m_person);
    addFilter(tr("E&ntity:"), m_entity);
    addFilter(tr("&Action:"), m_action);
    addFilter(tr("Rec&ord:"), m_record);
    auto *when = new QHBoxLayout;
    when->addWidget(m_useFrom);
    when->addWidget(m_from);
    when->addSpacing(12);
    when->addWidget(m_useTo);
    when->addWidget(m_to);
    when->addStretch();
    when->addWidget(m_apply);
    when->addWidget(m_clear);
    when->addSpacing(12);
    when->addWidget(m_export);
    filters->addLayout(when, 1, 0, 1, column);

    auto *detailPane = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detailPane);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(m_detail, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(detailPane);
    splitter->setSizes({400, 200});

    auto *title = new QLabel(tr("Audit log"), this);
    theme::setRelativeFontSize(title, 1.4, true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(filters);
    layout->addWidget(m_banner);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    connect(m_useFrom, &QCheckBox::toggled, m_from, &QDateEdit::setEnabled);
    connect(m_useTo, &QCheckBox::toggled, m_to, &QDateEdit::setEnabled);
    connect(m_apply, &QPushButton::clicked, this, &AuditLogScreen::applyFilter);
    connect(m_clear, &QPushButton::clicked, this, &AuditLogScreen::clearFilter);
    connect(m_export, &QPushButton::clicked, this, &AuditLogScreen::exportWithDialog);
    connect(m_person, &QLineEdit::returnPressed, this, &AuditLogScreen::applyFilter);
    connect(m_record, &QLineEdit::returnPressed, this, &AuditLogScreen::applyFilter);
    connect(m_entity->lineEdit(), &QLineEdit::returnPressed, this, &AuditLogScreen::applyFilter);
    connect(m_action->lineEdit(), &QLineEdit::returnPressed, this, &AuditLogScreen::applyFilter);
    connect(m_model, &AuditTableModel::pageRequested, this, &AuditLogScreen::loadPage);
    connect(m_pages, &UiTaskRunner::busyChanged, this, [this](bool busy) {
        if (busy) {
            m_table->viewport()->setCursor(Qt::BusyCursor);
        } else {
            m_table->viewport()->unsetCursor();
            setStatus(QString());
        }
    });
    connect(m_exports, &UiTaskRunner::busyChanged, m_export, &QPushButton::setDisabled);
    connect(m_model, &AuditTableModel::loadFailed, this, [this](const QString &message) {
        showMessage(tr("Couldn't load the audit log: %1").arg(message), true);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showEntry(m_model->entryAt(current.row())); });

    showEntry(nullptr);
    applyFilter();
}

QString AuditLogScreen::message() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

QString AuditLogScreen::status() const
{
    return m_status->isHidden() ? QString() : m_status->text();
}

void AuditLogScreen::loadKnownPeople(KnownPeople people)
{
    m_pages->run(this, std::move(people), [this](const Result<QStringList> &logins) {
        // Only a help while typing: without it the person filter still takes any login.
        if (logins)
            setKnownPeople(*logins);
    });
}

void AuditLogScreen::loadPage(quint64 generation, const AuditFilter &filter, const std::optional<AuditCursor> &after,
                              int limit)
{
    const bool first = !after.has_value();
    setStatus(first ? tr("Searching the audit log…") : tr("Loading more entries…"));
    // Pages share their filter's number: a page for a filter that was replaced is not run.
    m_pages->run(this, m_pageTickets.ticket(generation), [log = m_browseLog, filter, after, limit]() -> Result<AuditPage> {
        auto opened = log->get();
        if (!opened)
            return opened.error();
        return (*opened)->page(filter, after, limit);
    }, [this, generation, first](const Result<AuditPage> &page) {
        if (!page) {
            m_model->applyFailure(generation, page.error().message);
            return;
        }
        m_model->applyPage(generation, *page);
        if (first && m_model->rowCount() == 0)
            showMessage(tr("No audit entries match these filters."), false);
    });
}

void AuditLogScreen::setKnownPeople(const QStringList &logins)
{
    auto *completer = new QCompleter(logins, m_person);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_person->setCompleter(completer);
}

AuditFilter AuditLogScreen::filterFromControls() const
{
    AuditFilter f;
    f.actor = m_person->text();
    f.entity = m_entity->currentText();
    f.action = m_action->currentText();
    f.entityId = m_record->text();
    if (m_useFrom->isChecked())
        f.from = m_from->date().startOfDay(m_zone);
    if (m_useTo->isChecked())
        f.to = m_to->date().addDays(1).startOfDay(m_zone);  // the "to" day is included
    return f;
}

void AuditLogScreen::applyFilter()
{
    showEntry(nullptr);
    m_banner->hide();
    const AuditFilter f = filterFromControls();
    if (auto valid = validateAuditFilter(f); !valid) {
        showMessage(valid.error().message, true);
        return;
    }
    m_model->setFilter(f);
}

void AuditLogScreen::clearFilter()
{
    m_person->clear();
    m_entity->setCurrentIndex(0);
    m_entity->setEditText(QString());
    m_action->setCurrentIndex(0);
    m_action->setEditText(QString());
    m_record->clear();
    m_useFrom->setChecked(false);
    m_useTo->setChecked(false);
    applyFilter();
}

void AuditLogScreen::showMessage(const QString &text, bool error)
{
    QFont font = m_banner->font();
    font.setBold(error);
    m_banner->setFont(font);
    m_banner->setAccessibleDescription(error ? tr("Error") : tr("Information"));
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void AuditLogScreen::setStatus(const QString &text)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

void AuditLogScreen::setShopCurrency(const QString &currency)
{
    m_currency = currency;
    m_model->setShopCurrency(currency);
}

void AuditLogScreen::setShopTimeZone(const QString &ianaId)
{
    const QTimeZone zone(ianaId.toUtf8());
    m_zone = zone.isValid() ? zone : QTimeZone::utc();
    m_model->setTimeZone(m_zone);
    const QDate today = QDateTime::currentDateTimeUtc().toTimeZone(m_zone).date();
    m_from->setDate(today);
    m_to->setDate(today);
}

void AuditLogScreen::showEntry(const AuditEntry *entry)
{
    m_detail->setRowCount(0);
    if (!entry) {
        m_detailTitle->setText(tr("Select an entry to see what changed."));
        return;
    }
    m_detailTitle->setText(tr("%1 %2 %3 by %4 at %5%6")
                               .arg(entry->action, entry->entity,
                                    entry->recordLabel.isEmpty() ? entry->entityId
                                                                 : u"%1 (%2)"_s.arg(entry->recordLabel, entry->entityId),
                                    entry->actor,
                                    QLocale().toString(entry->at.toTimeZone(m_zone), QLocale::LongFormat),
                                    entry->reason.isEmpty() ? QString() : tr(" (reason: %1)").arg(entry->reason)));
    QStringList keys = entry->before.keys() + entry->after.keys();
    keys.sort();
    keys.removeDuplicates();
    const QStringList changed = changedAuditFields(*entry);
    const QColor mark = changeColour(palette());
    m_detail->setRowCount(int(keys.size()));
    for (int row = 0; row < keys.size(); ++row) {
        const QString &key = keys.at(row);
        const bool isChanged = changed.contains(key);
        const QStringList cells = {auditFieldName(key), auditDisplayValue(*entry, entry->before, key, m_currency),
                                   auditDisplayValue(*entry, entry->after, key, m_currency)};
        for (int column = 0; column < 3; ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (isChanged) {
                QFont font = item->font();
                font.setBold(true);
                item->setFont(font);
                item->setBackground(mark);
                item->setData(Qt::AccessibleDescriptionRole, tr("changed"));
            }
            m_detail->setItem(row, column, item);
        }
    }
    m_detail->resizeRowsToContents();
}

Result<int> exportAuditLogCsv(AuditLog &log, const AuditFilter &filter, const QString &path, int pageSize,
                              const AuditExportProgress &progress)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::invalid(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    // UTF-8 with a byte-order mark, so spreadsheet apps don't guess another encoding.
    file.write("\xEF\xBB\xBF");
    file.write(auditCsvHeader().toUtf8());
    int written = 0;
    std::optional<AuditCursor> cursor;
    do {
        auto page = log.page(filter, cursor, pageSize);
        if (!page) {
            file.cancelWriting();
            return page.error();
        }
        for (const AuditEntry &e : page->entries)
            file.write(auditCsvLine(e).toUtf8());
        written += int(page->entries.size());
        cursor = page->next;
        if (cursor && progress && !progress(written)) {
            file.cancelWriting();
            return Error::invalid(QObject::tr("Export cancelled; no file was written."));
        }
    } while (cursor);
    if (!file.commit())
        return Error::invalid(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    return written;
}

bool AuditLogScreen::exportTo(const QString &path)
{
    if (isExporting())
        return false;
    auto filter = validateAuditFilter(filterFromControls());
    if (!filter) {
        showMessage(tr("Export failed: %1").arg(filter.error().message), true);
        return false;
    }
    auto *progress = new QProgressDialog(tr("Exporting the audit log…"), tr("Cancel"), 0, 0, this);
    progress->setObjectName(u"exportProgress"_s);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    connect(progress, &QProgressDialog::canceled, this, &AuditLogScreen::cancelExport);
    m_exportProgress = progress;
    // One page per query, on a log of its own: browsing stays quick while a long log is written.
    m_exportJob = m_exports->runWithProgress<int>(
        this, [logs = m_logs, filter = *filter, path, pageSize = m_exportPageSize](const TaskProgress<int> &progress) -> Result<int> {
            auto log = logs();
            if (!log)
                return log.error();
            return exportAuditLogCsv(**log, filter, path, pageSize, [&progress](int written) {
                progress.report(written);
                return !progress.isCancelRequested();
            });
        },
        [this](int written) {
            if (m_exportProgress)
                m_exportProgress->setLabelText(tr("Exported %n entries…", nullptr, written));
            Q_EMIT exportProgressed(written);
        },
        [this, path](const Result<int> &written) { finishExport(path, written); });
    return true;
}

void AuditLogScreen::cancelExport()
{
    m_exportJob.requestCancel();
}

void AuditLogScreen::finishExport(const QString &path, const Result<int> &written)
{
    if (m_exportProgress) {
        m_exportProgress->reset();
        m_exportProgress->deleteLater();
    }
    if (!written)
        showMessage(tr("Export failed: %1").arg(written.error().message), true);
    else
        showMessage(tr("Exported %n entries to %1.", nullptr, *written).arg(path), false);
    Q_EMIT exportFinished(written.ok());
}

void AuditLogScreen::exportWithDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export audit log"), tr("audit-log.csv"),
                                                      tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportTo(path);
}

} // namespace rdk
