#include "ui/pos/drawerdialogs.h"

#include "domain/moneyformat.h"
#include "ui/pos/drawerreportprinter.h"
#include "ui/shell/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QLabel *errorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(u"error"_s);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    theme::setForeground(label, theme::errorText(parent->palette()));
    return label;
}

QTableWidgetItem *readOnly(const QString &text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled);
    item->setTextAlignment(align);
    return item;
}

} // namespace

// ---- counting ----------------------------------------------------------------------------

DrawerCountDialog::DrawerCountDialog(Mode mode, const QString &currency, const std::optional<Money> &expected, QWidget *parent)
    : QDialog(parent), m_mode(mode), m_currency(currency), m_expected(expected),
      m_denominations(drawerDenominations(currency)), m_counted(Money::zero(currency))
{
    setObjectName(mode == Mode::Open ? u"drawer-open-dialog"_s : u"drawer-close-dialog"_s);
    setWindowTitle(mode == Mode::Open ? tr("Open the cash drawer") : tr("Close the cash drawer"));
    auto *layout = new QVBoxLayout(this);
    auto *heading = new QLabel(mode == Mode::Open ? tr("Count the float you start with.")
                                                  : tr("Count the cash in the drawer, note by note."), this);
    heading->setWordWrap(true);
    theme::setRelativeFontSize(heading, 1.2, true);
    layout->addWidget(heading);

    m_table = new QTableWidget(int(m_denominations.size()), 3, this);
    m_table->setObjectName(u"denominations"_s);
    m_table->setHorizontalHeaderLabels({tr("Note or coin"), tr("Count"), tr("Amount")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    for (int row = 0; row < m_denominations.size(); ++row) {
        m_table->setItem(row, 0, readOnly(denominationLabel(m_denominations[row], currency)));
        auto *spin = new QSpinBox(m_table);
        spin->setObjectName(u"count-%1"_s.arg(m_denominations[row]));
        spin->setRange(0, MaxDenominationCount);
        spin->setMinimumWidth(90);
        connect(spin, &QSpinBox::valueChanged, this, &DrawerCountDialog::recount);
        m_table->setCellWidget(row, 1, spin);
        m_table->setItem(row, 2, readOnly(formatMoney(Money::zero(currency)), Qt::AlignRight | Qt::AlignVCenter));
        m_counts.append(spin);
    }
    m_table->setMinimumHeight(qMin(12, int(m_denominations.size())) * 30 + 30);
    layout->addWidget(m_table, 1);

    auto *form = new QFormLayout;
    m_oneAmount = new QCheckBox(tr("Count as one &amount instead"), this);
    m_oneAmount->setObjectName(u"one-amount"_s);
    m_amount = new QLineEdit(this);
    m_amount->setObjectName(u"amount"_s);
    m_amount->setPlaceholderText(tr("e.g. 150.00"));
    m_amount->setMaxLength(24);
    form->addRow(QString(), m_oneAmount);
    form->addRow(mode == Mode::Open ? tr("&Float") : tr("&Counted"), m_amount);
    if (m_denominations.isEmpty()) {
        // No list for this currency: one amount is the only way (the database says the same).
        m_oneAmount->setChecked(true);
        m_oneAmount->setEnabled(false);
        m_oneAmount->setToolTip(tr("%1 cash is counted as one amount.").arg(currency));
        m_table->hide();
    }
    m_total = new QLabel(this);
    m_total->setObjectName(u"total"_s);
    theme::setRelativeFontSize(m_total, 1.4, true);
    layout->addLayout(form);
    layout->addWidget(m_total);
    if (mode == Mode::Close) {
        auto *expectedLabel = new QLabel(tr("Expected in the drawer: %1").arg(expected ? formatMoney(*expected) : tr("unknown")), this);
        expectedLabel->setObjectName(u"expected"_s);
        theme::setRelativeFontSize(expectedLabel, 1.2);
        layout->addWidget(expectedLabel);
        m_overShort = new QLabel(this);
        m_overShort->setObjectName(u"over-short"_s);
        theme::setRelativeFontSize(m_overShort, 1.4, true);
        layout->addWidget(m_overShort);
        m_note = new QLineEdit(this);
        m_note->setObjectName(u"note"_s);
        m_note->setMaxLength(500);
        m_note->setPlaceholderText(tr("Optional, e.g. why the drawer is short"));
        auto *noteForm = new QFormLayout;
        noteForm->addRow(tr("&Note"), m_note);
        layout->addLayout(noteForm);
    }
    m_error = errorLabel(this);
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(mode == Mode::Open ? tr("Open drawer") : tr("Close drawer"));
    layout->addWidget(m_buttons);
    connect(m_oneAmount, &QCheckBox::toggled, this, &DrawerCountDialog::recount);
    connect(m_amount, &QLineEdit::textChanged, this, &DrawerCountDialog::recount);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canAccept())
            Q_EMIT submitted();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(460, mode == Mode::Open ? 620 : 700);
    recount();
    if (!m_counts.isEmpty())
        m_counts.first()->setFocus();
    else
        m_amount->setFocus();
}

std::optional<DrawerCount> DrawerCountDialog::count() const
{
    if (m_oneAmount->isChecked())
        return std::nullopt;
    DrawerCount count{m_currency, {}};
    for (int i = 0; i < m_counts.size(); ++i)
        if (m_counts[i]->value() != 0)
            count.counts.insert(m_denominations[i], m_counts[i]->value());
    return count;
}

QString DrawerCountDialog::note() const
{
    return m_note ? m_note->text().trimmed() : QString();
}

void DrawerCountDialog::setCount(qint64 denomination, int count)
{
    const int i = int(m_denominations.indexOf(denomination));
    if (i >= 0)
        m_counts[i]->setValue(count);
}

bool DrawerCountDialog::canAccept() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

QString DrawerCountDialog::totalText() const
{
    return m_total->text();
}

QString DrawerCountDialog::overShortText() const
{
    return m_overShort ? m_overShort->text() : QString();
}

QString DrawerCountDialog::errorText() const
{
    return m_error->text();
}

void DrawerCountDialog::showRefusal(const QString &message)
{
    setBusy(false);
    m_error->setText(message);
}

void DrawerCountDialog::setBusy(bool busy)
{
    m_busy = busy;
    recount();
}

void DrawerCountDialog::recount()
{
    const bool oneAmount = m_oneAmount->isChecked();
    m_table->setEnabled(!oneAmount);
    m_amount->setEnabled(oneAmount);
    std::optional<Money> total;
    QString problem;
    if (oneAmount) {
        const QString text = m_amount->text().trimmed();
        auto parsed = Money::parse(text, m_currency);
        if (text.isEmpty())
            problem = QString();
        else if (!parsed)
            problem = tr("Enter an amount such as 150 or 150.00.");
        else if (parsed->isNegative())
            problem = m_mode == Mode::Open ? tr("The float can't be negative.") : tr("The counted cash can't be negative.");
        else
            total = *parsed;
    } else {
        auto sum = count()->total();
        if (sum)
            total = *sum;
        else
            problem = sum.error().message;
        for (int i = 0; i < m_counts.size(); ++i) {
            auto part = Money::of(m_denominations[i], m_currency).value().times(m_counts[i]->value());
            m_table->item(i, 2)->setText(part ? formatMoney(*part) : QString());
        }
    }
    if (total) {
        m_counted = *total;
        m_total->setText(m_mode == Mode::Open ? tr("Float: %1").arg(formatMoney(*total)) : tr("Counted: %1").arg(formatMoney(*total)));
    } else {
        m_total->setText(m_mode == Mode::Open ? tr("Float: —") : tr("Counted: —"));
    }
    if (m_overShort)
        m_overShort->setText(total && m_expected ? rdk::overShortText(*total, *m_expected) : QString());
    if (!problem.isEmpty() || !m_busy)
        m_error->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(total.has_value() && !m_busy);
}

// ---- paid in / out -------------------------------------------------------------------------

DrawerPayDialog::DrawerPayDialog(const Money &cash, QWidget *parent)
    : QDialog(parent), m_cash(cash), m_value(Money::zero(cash.currency()))
{
    setObjectName(u"drawer-pay-dialog"_s);
    setWindowTitle(tr("Paid in / paid out"));
    auto *layout = new QVBoxLayout(this);
    auto *heading = new QLabel(tr("Cash in the drawer now: %1").arg(formatMoney(cash)), this);
    heading->setObjectName(u"cash"_s);
    theme::setRelativeFontSize(heading, 1.2, true);
    layout->addWidget(heading);
    auto *form = new QFormLayout;
    m_kind = new QComboBox(this);
    m_kind->setObjectName(u"kind"_s);
    m_kind->addItem(tr("Paid out (cash leaves the drawer)"));
    m_kind->addItem(tr("Paid in (cash added to the drawer)"));
    m_amount = new QLineEdit(this);
    m_amount->setObjectName(u"amount"_s);
    m_amount->setPlaceholderText(tr("e.g. 25.00"));
    m_amount->setMaxLength(24);
    m_reason = new QLineEdit(this);
    m_reason->setObjectName(u"reason"_s);
    m_reason->setMaxLength(200);
    m_reason->setPlaceholderText(tr("Required, e.g. delivery paid at the door"));
    form->addRow(tr("&Kind"), m_kind);
    form->addRow(tr("&Amount"), m_amount);
    form->addRow(tr("&Reason"), m_reason);
    layout->addLayout(form);
    m_error = errorLabel(this);
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Record"));
    layout->addWidget(m_buttons);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &DrawerPayDialog::validate);
    connect(m_amount, &QLineEdit::textChanged, this, &DrawerPayDialog::validate);
    connect(m_reason, &QLineEdit::textChanged, this, &DrawerPayDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canAccept())
            Q_EMIT submitted();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(480, 240);
    m_amount->setFocus();
    validate();
}

DrawerPayKind DrawerPayDialog::kind() const
{
    return m_kind->currentIndex() == 1 ? DrawerPayKind::PaidIn : DrawerPayKind::PaidOut;
}

QString DrawerPayDialog::reason() const
{
    return m_reason->text().trimmed();
}

bool DrawerPayDialog::canAccept() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

QString DrawerPayDialog::errorText() const
{
    return m_error->text();
}

void DrawerPayDialog::showRefusal(const QString &message)
{
    setBusy(false);
    m_error->setText(message);
}

void DrawerPayDialog::setBusy(bool busy)
{
    m_busy = busy;
    validate();
}

void DrawerPayDialog::validate()
{
    const QString text = m_amount->text().trimmed();
    auto parsed = Money::parse(text, m_cash.currency());
    QString problem;
    bool ok = false;
    if (text.isEmpty()) {
        problem.clear();
    } else if (!parsed || parsed->isNegative() || parsed->isZero()) {
        problem = tr("Enter an amount more than zero, such as 25 or 25.00.");
    } else if (kind() == DrawerPayKind::PaidOut && parsed->minor() > m_cash.minor()) {
        problem = tr("The drawer holds %1; you can't pay out more.").arg(formatMoney(m_cash));
    } else if (reason().isEmpty()) {
        problem = tr("Give a reason.");
        ok = false;
    } else {
        m_value = *parsed;
        ok = true;
    }
    if (!problem.isEmpty() || !m_busy)
        m_error->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok && !m_busy);
}

// ---- a manager's list ----------------------------------------------------------------------

DrawerListDialog::DrawerListDialog(QList<DrawerSession> drawers, const QString &timeZone, QWidget *parent)
    : QDialog(parent), m_drawers(std::move(drawers))
{
    setObjectName(u"drawer-list-dialog"_s);
    setWindowTitle(tr("Open cash drawers"));
    auto *layout = new QVBoxLayout(this);
    auto *heading = new QLabel(m_drawers.isEmpty() ? tr("No cash drawer is open.")
                                                   : tr("Close a colleague's drawer at the end of the day."), this);
    heading->setWordWrap(true);
    theme::setRelativeFontSize(heading, 1.2, true);
    layout->addWidget(heading);
    m_table = new QTableWidget(int(m_drawers.size()), 4, this);
    m_table->setObjectName(u"drawers"_s);
    m_table->setHorizontalHeaderLabels({tr("Cashier"), tr("Open since"), tr("Float"), tr("In drawer")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 4; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    const QTimeZone zone(timeZone.toUtf8());
    for (int row = 0; row < m_drawers.size(); ++row) {
        const DrawerSession &d = m_drawers[row];
        m_table->setItem(row, 0, readOnly(d.mine ? tr("%1 (you)").arg(d.openedBy) : d.openedBy));
        m_table->setItem(row, 1, readOnly(d.openedAt.toTimeZone(zone.isValid() ? zone : QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm"_s)));
        m_table->setItem(row, 2, readOnly(formatMoney(d.floatAmount), Qt::AlignRight | Qt::AlignVCenter));
        m_table->setItem(row, 3, readOnly(formatMoney(d.cash), Qt::AlignRight | Qt::AlignVCenter));
    }
    if (!m_drawers.isEmpty())
        m_table->selectRow(0);
    layout->addWidget(m_table, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *closeOne = buttons->addButton(tr("Close selected drawer…"), QDialogButtonBox::ActionRole);
    closeOne->setObjectName(u"close-selected"_s);
    closeOne->setEnabled(!m_drawers.isEmpty());
    layout->addWidget(buttons);
    connect(closeOne, &QPushButton::clicked, this, [this] { closeRow(m_table->currentRow()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(620, 360);
}

void DrawerListDialog::closeRow(int row)
{
    if (row < 0 || row >= m_drawers.size())
        return;
    m_table->selectRow(row);
    const DrawerSession drawer = m_drawers[row];
    accept();
    Q_EMIT closeRequested(drawer);
}

// ---- the report -----------------------------------------------------------------------------

DrawerReportDialog::DrawerReportDialog(DrawerReport report, QWidget *parent) : QDialog(parent), m_report(std::move(report))
{
    setObjectName(u"drawer-report-dialog"_s);
    setWindowTitle(m_report.title());
    auto *layout = new QVBoxLayout(this);
    const auto lines = m_report.lines();
    m_table = new QTableWidget(int(lines.size()), 2, this);
    m_table->setObjectName(u"report"_s);
    m_table->horizontalHeader()->hide();
    m_table->verticalHeader()->hide();
    m_table->setShowGrid(false);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    for (int row = 0; row < lines.size(); ++row) {
        auto *label = readOnly(lines[row].first);
        label->setToolTip(lines[row].first);   // a long reason or note is elided in the row
        auto *value = readOnly(lines[row].second, Qt::AlignRight | Qt::AlignVCenter);
        const bool heading = row < 2 || (lines[row].second.isEmpty() && lines[row].first == lines[row].first.toUpper());
        const bool strong = heading || lines[row].first.startsWith(u"Expected"_s) || lines[row].first == u"Counted"_s ||
                            lines[row].first == u"Short"_s || lines[row].first == u"Over"_s;
        if (strong) {
            QFont f = m_table->font();
            f.setBold(true);
            label->setFont(f);
            value->setFont(f);
        }
        m_table->setItem(row, 0, label);
        m_table->setItem(row, 1, value);
    }
    // One even line height (bold rows included), like the paper report.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(QFontMetrics(m_table->font()).height() + 6);
    layout->addWidget(m_table, 1);
    m_status = new QLabel(this);
    m_status->setObjectName(u"status"_s);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *pdf = buttons->addButton(tr("Save &PDF…  (Ctrl+S)"), QDialogButtonBox::ActionRole);
    pdf->setObjectName(u"save-pdf"_s);
    auto *printButton = buttons->addButton(tr("P&rint…  (Ctrl+P)"), QDialogButtonBox::ActionRole);
    printButton->setObjectName(u"print"_s);
    layout->addWidget(buttons);
    connect(pdf, &QPushButton::clicked, this, &DrawerReportDialog::saveInteractively);
    connect(printButton, &QPushButton::clicked, this, &DrawerReportDialog::print);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *saveKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_S), this);
    connect(saveKey, &QShortcut::activated, this, &DrawerReportDialog::saveInteractively);
    auto *printKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_P), this);
    connect(printKey, &QShortcut::activated, this, &DrawerReportDialog::print);
    resize(520, 720);
}

Status DrawerReportDialog::savePdf(const QString &path) const
{
    return DrawerReportPrinter(m_report).savePdf(path);
}

void DrawerReportDialog::saveInteractively()
{
    const QString stamp = (m_report.closed ? m_report.closedAt : m_report.until).toString(u"yyyy-MM-dd-HHmm"_s);
    const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + u"/"_s +
                              u"%1-report-%2.pdf"_s.arg(m_report.closed ? u"z"_s : u"x"_s, stamp);
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the report as PDF"), suggested, tr("PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    const Status saved = savePdf(path);
    m_status->setText(saved ? tr("Saved %1.").arg(path) : saved.error().message);
}

void DrawerReportDialog::print()
{
    DrawerReportPrinter(m_report).printWithDialog(this);
}

} // namespace rdk
