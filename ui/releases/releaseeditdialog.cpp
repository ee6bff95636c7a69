#include "ui/releases/releaseeditdialog.h"

#include "domain/sku.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHash>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QDateTimeEdit *timeEdit(QWidget *parent, const QString &name)
{
    auto *edit = new QDateTimeEdit(parent);
    edit->setObjectName(name);
    edit->setTimeSpec(Qt::UTC);   // holds the shop's wall-clock time; see readTime()/writeTime()
    edit->setDisplayFormat(u"yyyy-MM-dd HH:mm"_s);
    edit->setCalendarPopup(true);
    return edit;
}

/// A form label whose mnemonic (Alt+letter) moves to `buddy`, for rows that hold a layout.
QLabel *buddyLabel(const QString &text, QWidget *buddy, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

} // namespace

ReleaseEditDialog::ReleaseEditDialog(ReleaseBookFactory books, QTimeZone zone, QString releaseId, ReleaseSettings settings,
                                     std::function<QDateTime()> now, QWidget *parent)
    : QDialog(parent), m_books(std::move(books)), m_zone(std::move(zone)), m_id(std::move(releaseId)),
      m_initial(std::move(settings)),
      m_now(std::move(now)), m_jobs(UiTaskRunner::Options{u"release-edit"_s})
{
    setObjectName(u"releaseEditDialog"_s);
    setWindowTitle(m_id.isEmpty() ? tr("New release") : tr("Edit release"));
    buildUi();

    // What the draft says (a new release: tomorrow 10:00 shop time, the usual settings).
    m_sku->setText(m_initial.sku);
    m_sku->setReadOnly(!m_id.isEmpty());
    QDateTime releaseAt = m_initial.releaseAt;
    if (!releaseAt.isValid())
        releaseAt = QDateTime(m_now().toTimeZone(m_zone).date().addDays(1), QTime(10, 0), m_zone);
    writeTime(m_releaseAt, releaseAt);
    writeTime(m_opensAt, m_initial.queueOpensAt.isValid() ? m_initial.queueOpensAt : defaultQueueOpensAt(releaseAt));
    writeTime(m_entriesClose, m_initial.entriesCloseAt.isValid() ? m_initial.entriesCloseAt : releaseAt.addSecs(-3600));
    m_visibility->setCurrentIndex(m_initial.visibility == ReleaseVisibility::Hidden ? 0 : 1);
    m_allocation->setCurrentIndex(m_initial.allocation == ReleaseAllocation::Raffle ? 1 : 0);
    m_admitPerMinute->setValue(m_initial.admitPerMinute.value_or(DefaultAdmitPerMinute));
    m_limit->setValue(m_initial.limitPerBuyer.value_or(1));
    m_powBits->setValue(m_initial.powBits.value_or(DefaultProofOfWorkBits));
    m_claimHours->setValue(m_initial.claimHours.value_or(DefaultClaimHours));
    m_allSizes->setChecked(m_initial.sizes.isEmpty());
    showAllocation();
    updateHints();
    if (!m_initial.sku.isEmpty())
        lookUpSku();
}

ReleaseEditDialog::~ReleaseEditDialog()
{
    // Hiding the dialog as it is destroyed takes the focus off the SKU field: no lookup then.
    disconnect(m_sku, nullptr, this, nullptr);
}

void ReleaseEditDialog::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    m_sku = new QLineEdit(this);
    m_sku->setObjectName(u"sku"_s);
    m_sku->setPlaceholderText(tr("SKU, e.g. DD1391-100"));
    m_sku->setMaxLength(40);
    m_product = new QLabel(this);
    m_product->setObjectName(u"productName"_s);
    m_product->setTextFormat(Qt::PlainText);
    auto *skuRow = new QHBoxLayout;
    skuRow->addWidget(m_sku);
    skuRow->addWidget(m_product, 1);
    form->addRow(buddyLabel(tr("&SKU"), m_sku, this), skuRow);
    connect(m_sku, &QLineEdit::editingFinished, this, &ReleaseEditDialog::lookUpSku);

    auto *sizes = new QWidget(this);
    auto *sizesColumn = new QVBoxLayout(sizes);
    sizesColumn->setContentsMargins(0, 0, 0, 0);
    m_allSizes = new QCheckBox(tr("All sizes (sizes left out sell as usual)"), sizes);
    m_allSizes->setObjectName(u"allSizes"_s);
    m_sizesPanel = new QWidget(sizes);
    m_sizesGrid = new QGridLayout(m_sizesPanel);
    m_sizesGrid->setContentsMargins(0, 0, 0, 0);
    m_sizesGrid->setHorizontalSpacing(12);
    sizesColumn->addWidget(m_allSizes);
    sizesColumn->addWidget(m_sizesPanel);
    form->addRow(tr("Sizes"), sizes);
    connect(m_allSizes, &QCheckBox::toggled, this, [this](bool all) {
        for (QCheckBox *box : std::as_const(m_sizeBoxes))
            box->setEnabled(!all);
    });

    m_releaseAt = timeEdit(this, u"releaseAt"_s);
    auto *zoneLabel = new QLabel(tr("shop time (%1)").arg(QString::fromUtf8(m_zone.id())), this);
    zoneLabel->setObjectName(u"zoneLabel"_s);
    auto *timeRow = new QHBoxLayout;
    timeRow->addWidget(m_releaseAt);
    timeRow->addWidget(zoneLabel, 1);
    form->addRow(buddyLabel(tr("&Release time"), m_releaseAt, this), timeRow);

    m_visibility = new QComboBox(this);
    m_visibility->setObjectName(u"visibility"_s);
    m_visibility->addItem(describe(ReleaseVisibility::Hidden), toString(ReleaseVisibility::Hidden));
    m_visibility->addItem(describe(ReleaseVisibility::ComingSoon), toString(ReleaseVisibility::ComingSoon));
    m_visibility->setToolTip(tr("Before the release time: absent from the storefront, or listed with a countdown and no "
                                "add-to-cart"));
    form->addRow(tr("&Before release"), m_visibility);

    m_allocation = new QComboBox(this);
    m_allocation->setObjectName(u"allocation"_s);
    m_allocation->addItem(describe(ReleaseAllocation::Queue), toString(ReleaseAllocation::Queue));
    m_allocation->addItem(describe(ReleaseAllocation::Raffle), toString(ReleaseAllocation::Raffle));
    form->addRow(tr("Sold &through"), m_allocation);
    connect(m_allocation, &QComboBox::currentIndexChanged, this, [this](int index) {
        // A raffle's entries usually open well before the release: from now, for a new one.
        if (index == 1 && m_id.isEmpty() && readTime(m_opensAt) >= readTime(m_entriesClose)) {
            const QDateTime now = m_now();
            writeTime(m_opensAt, now.addSecs(3600 - now.time().minute() * 60 - now.time().second()));
        }
        showAllocation();
    });

    m_opensAt = timeEdit(this, u"opensAt"_s);
    m_opensLabel = new QLabel(this);
    m_opensLabel->setBuddy(m_opensAt);
    form->addRow(m_opensLabel, m_opensAt);

    m_limit = new QSpinBox(this);
    m_limit->setObjectName(u"limitPerBuyer"_s);
    m_limit->setRange(MinPairsPerBuyer, MaxPairsPerBuyer);
    m_limit->setSuffix(tr(" pair(s)"));
    m_limit->setToolTip(tr("Per buyer, by e-mail, card and shipping address, online and at the counter together"));
    form->addRow(tr("&Per buyer"), m_limit);

    m_powBits = new QSpinBox(this);
    m_powBits->setObjectName(u"powBits"_s);
    m_powBits->setRange(MinProofOfWorkBits, MaxProofOfWorkBits);
    m_powHint = new QLabel(this);
    m_powHint->setObjectName(u"powHint"_s);
    m_powHint->setWordWrap(true);
    auto *powRow = new QHBoxLayout;
    powRow->addWidget(m_powBits);
    powRow->addWidget(m_powHint, 1);
    form->addRow(buddyLabel(tr("Bot &friction"), m_powBits, this), powRow);
    connect(m_powBits, &QSpinBox::valueChanged, this, &ReleaseEditDialog::updateHints);
    layout->addLayout(form);

    m_queueGroup = new QGroupBox(tr("Waiting room"), this);
    m_queueGroup->setObjectName(u"queueGroup"_s);
    auto *queueForm = new QFormLayout(m_queueGroup);
    m_admitPerMinute = new QSpinBox(m_queueGroup);
    m_admitPerMinute->setObjectName(u"admitPerMinute"_s);
    m_admitPerMinute->setRange(MinAdmitPerMinute, MaxAdmitPerMinute);
    m_admitPerMinute->setSuffix(tr(" a minute"));
    m_queueHint = new QLabel(m_queueGroup);
    m_queueHint->setObjectName(u"queueHint"_s);
    m_queueHint->setWordWrap(true);
    queueForm->addRow(tr("Let &through"), m_admitPerMinute);
    queueForm->addRow(QString(), m_queueHint);
    connect(m_admitPerMinute, &QSpinBox::valueChanged, this, &ReleaseEditDialog::updateHints);
    layout->addWidget(m_queueGroup);

    m_raffleGroup = new QGroupBox(tr("Raffle"), this);
    m_raffleGroup->setObjectName(u"raffleGroup"_s);
    auto *raffleForm = new QFormLayout(m_raffleGroup);
    m_entriesClose = timeEdit(m_raffleGroup, u"entriesCloseAt"_s);
    m_claimHours = new QSpinBox(m_raffleGroup);
    m_claimHours->setObjectName(u"claimHours"_s);
    m_claimHours->setRange(MinClaimHours, MaxClaimHours);
    m_claimHours->setSuffix(tr(" hours"));
    m_claimHours->setToolTip(tr("A winner who hasn't paid by then loses the pair to the next entry of that size"));
    raffleForm->addRow(tr("Entries &close"), m_entriesClose);
    raffleForm->addRow(tr("Winners pay &within"), m_claimHours);
    layout->addWidget(m_raffleGroup);

    m_message = new QLabel(this);
    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    layout->addStretch(1);

    auto *buttons = new QDialogButtonBox(this);
    m_save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(u"save"_s);
    m_save->setShortcut(QKeySequence::Save);
    m_save->setToolTip(tr("Save the release (Ctrl+S); the database checks it again"));
    m_save->setDefault(false);
    m_save->setAutoDefault(false);
    auto *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setAutoDefault(false);
    layout->addWidget(buttons);
    connect(m_save, &QPushButton::clicked, this, &ReleaseEditDialog::save);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(&m_jobs, &UiTaskRunner::busyChanged, this, [this](bool busy) { m_save->setEnabled(!busy); });
    resize(680, sizeHint().height());
}

QDateTime ReleaseEditDialog::readTime(const QDateTimeEdit *edit) const
{
    return QDateTime(edit->date(), edit->time(), m_zone);
}

void ReleaseEditDialog::writeTime(QDateTimeEdit *edit, const QDateTime &when) const
{
    const QDateTime local = when.toTimeZone(m_zone);
    edit->setDateTime(QDateTime(local.date(), QTime(local.time().hour(), local.time().minute()), Qt::UTC));
}

void ReleaseEditDialog::showAllocation()
{
    const bool raffle = m_allocation->currentIndex() == 1;
    m_queueGroup->setVisible(!raffle);
    m_raffleGroup->setVisible(raffle);
    m_opensLabel->setText(raffle ? tr("Entries &open") : tr("Waiting room &opens"));
    m_opensAt->setToolTip(raffle ? tr("From then, shoppers can enter the raffle on the product's page")
                                 : tr("From then, shoppers can take a place in the queue (default: 30 min before release)"));
}

void ReleaseEditDialog::updateHints()
{
    m_powHint->setText(proofOfWorkHint(m_powBits->value()));
    const int perMinute = m_admitPerMinute->value();
    m_queueHint->setText(tr("1,000 shoppers in the queue are through in about %1.")
                             .arg(perMinute >= 1000 ? tr("a minute")
                                                    : countdownText(qint64(std::ceil(1000.0 / perMinute * 60))).mid(3)));
}

void ReleaseEditDialog::lookUpSku()
{
    const auto sku = normalizeSku(m_sku->text());
    if (!sku) {
        m_product->clear();
        return;
    }
    if (*sku == m_lookedUp)
        return;
    m_product->setText(tr("Looking up…"));
    m_jobs.run(this, m_lookups.next(), [books = m_books, wanted = *sku]() -> Result<ReleaseProduct> {
        auto book = books();
        if (!book)
            return book.error();
        return (*book)->product(wanted);
    }, [this, wanted = *sku](const Result<ReleaseProduct> &product) {
        if (!product) {
            m_lookedUp.clear();
            m_product->setText(product.error().message);
            m_product->setStyleSheet(u"color: #b3261e;"_s);
        } else {
            m_lookedUp = wanted;
            m_product->setStyleSheet({});
            showProduct(*product);
        }
        Q_EMIT answered();
    });
}

void ReleaseEditDialog::showProduct(const ReleaseProduct &product)
{
    m_product->setText(product.name);
    qDeleteAll(m_sizeBoxes);
    m_sizeBoxes.clear();
    const QStringList chosen = m_initial.sku.compare(product.sku, Qt::CaseInsensitive) != 0 ? QStringList() : m_initial.sizes;
    constexpr int PerRow = 8;
    for (const QString &size : product.sizes) {
        auto *box = new QCheckBox(size, m_sizesPanel);
        box->setObjectName(u"size_"_s + size);
        box->setChecked(chosen.contains(size));
        box->setEnabled(!m_allSizes->isChecked());
        m_sizesGrid->addWidget(box, int(m_sizeBoxes.size()) / PerRow, int(m_sizeBoxes.size()) % PerRow);
        m_sizeBoxes.append(box);
    }
    if (product.sizes.isEmpty()) {
        m_allSizes->setChecked(true);
        m_allSizes->setEnabled(false);
        m_allSizes->setToolTip(tr("This product has no sizes: the release covers its whole stock."));
    } else {
        m_allSizes->setEnabled(true);
        m_allSizes->setToolTip({});
    }
}

QString ReleaseEditDialog::productName() const
{
    return m_lookedUp.isEmpty() ? QString() : m_product->text();
}

ReleaseSettings ReleaseEditDialog::draft() const
{
    ReleaseSettings d;
    // The shop's SKUs are upper case (normalizeSku); the database matches them exactly.
    const auto sku = normalizeSku(m_sku->text());
    d.sku = sku ? *sku : m_sku->text().trimmed();
    if (!m_allSizes->isChecked()) {
        for (const QCheckBox *box : m_sizeBoxes)
            if (box->isChecked())
                d.sizes.append(box->text());
    }
    d.releaseAt = readTime(m_releaseAt);
    d.visibility = m_visibility->currentIndex() == 0 ? ReleaseVisibility::Hidden : ReleaseVisibility::ComingSoon;
    d.allocation = m_allocation->currentIndex() == 1 ? ReleaseAllocation::Raffle : ReleaseAllocation::Queue;
    d.admitPerMinute = m_admitPerMinute->value();
    d.limitPerBuyer = m_limit->value();
    d.powBits = m_powBits->value();
    d.queueOpensAt = readTime(m_opensAt);
    if (d.allocation == ReleaseAllocation::Raffle) {
        d.entriesCloseAt = readTime(m_entriesClose);
        d.claimHours = m_claimHours->value();
    }
    return d;
}

bool ReleaseEditDialog::noSizeChosen() const
{
    return !m_allSizes->isChecked() && std::none_of(m_sizeBoxes.cbegin(), m_sizeBoxes.cend(),
                                                   [](const QCheckBox *box) { return box->isChecked(); });
}

void ReleaseEditDialog::save()
{
    if (m_jobs.isBusy())
        return;
    const ReleaseSettings wanted = draft();
    if (noSizeChosen()) {
        setMessage(tr("Choose at least one size, or All sizes."), true);
        m_allSizes->setFocus();
        return;
    }
    if (auto checked = checkReleaseSettings(wanted, m_id.isEmpty(), m_now()); !checked) {
        setMessage(checked.error().message, true);
        const QString field = checked.error().field;
        const QHash<QString, QWidget *> fields{{u"sku"_s, m_sku}, {u"releaseAt"_s, m_releaseAt},
                                               {u"entriesCloseAt"_s, m_entriesClose}, {u"queueOpensAt"_s, m_opensAt},
                                               {u"sizes"_s, m_allSizes}, {u"admitPerMinute"_s, m_admitPerMinute},
                                               {u"limitPerBuyer"_s, m_limit}, {u"powBits"_s, m_powBits},
                                               {u"claimHours"_s, m_claimHours}};
        QWidget *at = fields.value(field);
        if (at)
            at->setFocus();
        return;
    }
    setMessage(tr("Saving…"), false);
    m_jobs.run(this, [books = m_books, id = m_id, wanted]() -> Result<QString> {
        auto book = books();
        if (!book)
            return book.error();
        return (*book)->save(id, wanted);
    }, [this](const Result<QString> &id) {
        if (!id) {
            setMessage(tr("Not saved: %1").arg(id.error().message), true);
            Q_EMIT answered();
            return;
        }
        setMessage(tr("Saved."), false);
        Q_EMIT answered();
        Q_EMIT saved(*id);
        accept();
    });
}

QString ReleaseEditDialog::messageText() const
{
    return m_message->text();
}

void ReleaseEditDialog::setMessage(const QString &text, bool error)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? u"color: #b3261e;"_s : QString());
}

} // namespace rdk
