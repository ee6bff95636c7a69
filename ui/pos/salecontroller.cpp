#include "ui/pos/salecontroller.h"

#include "domain/customer.h"

#include "ui/pos/itempicker.h"
#include "ui/pos/orderwatcher.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kTickMs = 250;

} // namespace

SaleController::SaleController(PosStoreFactory stores, OrderChangeFeed *feed, StaffRole role, PosShop shop,
                               QObject *parent)
    : QObject(parent), m_stores(std::move(stores)), m_role(role), m_shop(std::move(shop)),
      m_now([] { return QDateTime::currentDateTimeUtc(); }),
      // A few workers are plenty for one counter; each call opens its own store.
      m_jobs(UiTaskRunner::Options{u"pos"_s, 3}), m_cart(m_shop.currency, role),
      m_items(std::make_unique<ItemPicker>(m_jobs, m_stores, m_cart)),
      m_watcher(std::make_unique<OrderWatcher>(m_jobs, m_stores, feed))
{
    connect(m_items.get(), &ItemPicker::lineAdded, this, [this](int row) {
        Q_EMIT cartChanged();
        Q_EMIT lineAdded(row);
    });
    connect(m_items.get(), &ItemPicker::listChanged, this, &SaleController::pickerChanged);
    connect(m_items.get(), &ItemPicker::highlightChanged, this, &SaleController::highlightChanged);
    connect(m_items.get(), &ItemPicker::message, this, &SaleController::message);
    connect(m_watcher.get(), &OrderWatcher::orderRead, this, &SaleController::applyOrder);
    connect(m_watcher.get(), &OrderWatcher::readFailed, this,
            [this](const Error &error) { onCallFailed(tr("Couldn't read the sale"), error); });
    connect(m_watcher.get(), &OrderWatcher::feedLost, this, [this] {
        if (m_phase == Phase::Waiting)
            say(tr("Live updates paused while the connection is restored; the sale is checked every few seconds."),
                Tone::Warning);
    });
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &SaleController::tick);
    m_tick.start();
    refreshTaxSettings();
}

void SaleController::refreshTaxSettings()
{
    runJob<TaxSettings>([](PosStore &store) { return store.taxSettings(); },
                        [this](const Result<TaxSettings> &settings) {
                            if (!settings) {
                                say(tr("Couldn't read the shop's tax rates (%1). The sale's tax is computed when "
                                       "you charge.").arg(settings.error().message), Tone::Warning);
                                return;
                            }
                            if (*settings == m_cart.taxSettings())
                                return;
                            m_cart.setTaxSettings(*settings);
                            Q_EMIT cartChanged();
                        });
}

SaleController::~SaleController() = default;

void SaleController::setClock(std::function<QDateTime()> now)
{
    m_now = std::move(now);
}

template <typename T>
void SaleController::runJob(std::function<Result<T>(PosStore &)> job, std::function<void(const Result<T> &)> done)
{
    runStoreJob<T>(m_jobs, this, m_stores, std::move(job), std::move(done));
}

// ---------------------------------------------------------------------------------------------
// Scanning and picking

void SaleController::submitScan(const QString &text)
{
    if (!m_question.isEmpty()) {
        // A person pressing Enter on an empty field answers the question; a scanner always
        // sends text first, so a scan can never confirm a cancel by accident.
        if (text.trimmed().isEmpty()) {
            confirmCancel();
            return;
        }
        setQuestion({});
    }
    if (m_items->list().isOpen() && m_items->takeEnter(text))
        return;
    const ScanInput scan = classifyScan(text);
    if (scan.kind == ScanKind::Empty)
        return;
    if (scan.kind == ScanKind::Rejected) {
        say(scan.message, Tone::Error);
        return;
    }
    if (m_phase == Phase::Paid || m_phase == Phase::Canceled) {
        newSale();  // the next buyer's first scan starts their sale
    } else if (m_phase != Phase::Cart) {
        say(tr("Finish this sale first: wait for the payment, take cash (F9) or cancel it (Esc)."), Tone::Warning);
        return;
    }
    m_items->close();
    m_items->lookUp(scan);
}

void SaleController::moveHighlight(int step)
{
    m_items->moveHighlight(step);
}

void SaleController::pick(int row)
{
    m_items->pick(row);
}

void SaleController::closePicker()
{
    m_items->close();
}

const PickList &SaleController::picker() const
{
    return m_items->list();
}

// ---------------------------------------------------------------------------------------------
// The cart

void SaleController::increment(int row)
{
    step(row, &PosCart::increment);
}

void SaleController::decrement(int row)
{
    step(row, &PosCart::decrement);
}

void SaleController::step(int row, Status (PosCart::*change)(qsizetype))
{
    if (m_phase != Phase::Cart)
        return;
    if (Status s = (m_cart.*change)(row); !s)
        say(s.error().message, Tone::Warning);  // the cart refuses what stock can't cover
    Q_EMIT cartChanged();
}

bool SaleController::remove(int row)
{
    if (m_phase != Phase::Cart)
        return false;
    if (Status s = m_cart.remove(row); !s) {
        say(s.error().message, Tone::Warning);
        return false;
    }
    Q_EMIT cartChanged();
    return true;
}

Status SaleController::applyLineDiscount(int row, const PosDiscount &discount, const QString &reason)
{
    return applyDiscount(discount, reason, [&] { return m_cart.setLineDiscount(row, discount); });
}

Status SaleController::applyCartDiscount(const PosDiscount &discount, const QString &reason)
{
    return applyDiscount(discount, reason, [&] { return m_cart.setCartDiscount(discount); });
}

Status SaleController::applyDiscount(const PosDiscount &discount, const QString &reason,
                                     const std::function<Status()> &apply)
{
    if (m_phase != Phase::Cart)
        return Error::conflict(tr("The sale is already charged."));
    if (!discount.isNone() && reason.trimmed().isEmpty())
        return Error::invalid(tr("Give a reason for the discount."), u"reason"_s);
    // One reason covers every discount of the sale: a refused discount keeps the old reason.
    const QString before = m_cart.discountReason();
    if (Status s = m_cart.setDiscountReason(reason); !s)
        return s;
    if (Status s = apply(); !s) {
        (void)m_cart.setDiscountReason(before);
        return s;
    }
    Q_EMIT cartChanged();
    return {};
}

// ---------------------------------------------------------------------------------------------
// The sale

void SaleController::charge()
{
    startSale(false);
}

void SaleController::takeCash()
{
    if (!m_drawerOpen) {
        say(cashRefusal(), Tone::Warning);
        return;
    }
    if (m_phase == Phase::Cart) {
        startSale(true);  // the order holds the stock first, then the cash is recorded
        return;
    }
    if (m_phase == Phase::Waiting && m_order && !m_cancelSent)
        Q_EMIT cashWanted(m_order->due());
}

void SaleController::provideBuyerEmail(const QString &email)
{
    if (m_phase != Phase::Cart)
        return;
    auto normalized = normalizeCustomerEmail(email);
    if (!normalized || normalized->isEmpty()) {
        say(normalized ? tr("Enter the buyer's e-mail address.") : normalized.error().message, Tone::Warning);
        Q_EMIT buyerEmailWanted();
        return;
    }
    m_buyerEmail = *normalized;
    startSale(m_buyerEmailThenCash);
}

void SaleController::setCashDrawerOpen(bool open)
{
    if (m_drawerOpen == open)
        return;
    m_drawerOpen = open;
    Q_EMIT cashDrawerChanged(open);
}

QString SaleController::cashRefusal() const
{
    return m_drawerOpen ? QString() : tr("Open your cash drawer first (F8): cash goes into it.");
}

void SaleController::startSale(bool thenCash)
{
    if (m_phase != Phase::Cart)
        return;
    if (m_items->isLookingUp()) {
        say(tr("Still looking up the last scan: charge again in a moment."), Tone::Warning);
        return;
    }
    auto sale = m_cart.toSaleRequest(m_shop.linkMinutes);
    if (!sale) {
        say(sale.error().message, Tone::Warning);
        return;
    }
    if (m_cart.needsBuyerEmail() && m_buyerEmail.isEmpty()) {
        m_buyerEmailThenCash = thenCash;
        say(tr("This cart holds pairs of a release: enter the buyer's e-mail to charge."), Tone::Warning);
        Q_EMIT buyerEmailWanted();
        return;
    }
    if (m_cart.needsBuyerEmail())
        sale.value().buyerEmail = m_buyerEmail;
    m_items->close();
    m_items->forgetLookups();
    setQuestion({});
    ++m_sale;
    const int token = m_sale;
    m_cashAfterPlacing = thenCash;
    Q_EMIT messageCleared();
    setPhase(Phase::Placing);
    runJob<PosOrderState>([request = *sale](PosStore &store) { return store.placeSale(request); },
                          [this, token](const Result<PosOrderState> &result) {
                              if (token != m_sale)
                                  return;
                              if (!result) {
                                  // Nothing was held (placeSale is all or nothing): back to the cart.
                                  m_cashAfterPlacing = false;
                                  // A release's refusal may be about this buyer: ask again next time.
                                  if (!m_buyerEmail.isEmpty()) {
                                      m_lastBuyerEmail = m_buyerEmail;
                                      m_buyerEmail.clear();
                                  }
                                  say(tr("Couldn't start the sale: %1").arg(result.error().message), Tone::Error);
                                  setPhase(Phase::Cart);
                                  return;
                              }
                              applyOrder(*result);
                          });
}

bool SaleController::followOrder(const QString &orderId)
{
    if (m_phase != Phase::Cart) {
        say(tr("Finish or cancel the sale on the counter first."), Tone::Warning);
        return false;
    }
    m_items->close();
    setQuestion({});
    ++m_sale;
    const int token = m_sale;
    Q_EMIT messageCleared();
    setPhase(Phase::Placing);
    runJob<PosOrderState>([orderId](PosStore &store) { return store.orderState(orderId); },
                          [this, token](const Result<PosOrderState> &result) {
                              if (token != m_sale)
                                  return;
                              if (!result) {
                                  say(tr("Couldn't read the exchange's sale: %1").arg(result.error().message), Tone::Error);
                                  setPhase(Phase::Cart);
                                  return;
                              }
                              applyOrder(*result);
                          });
    return true;
}

void SaleController::setPhase(Phase phase)
{
    m_phase = phase;
    m_watcher->setWaiting(phase == Phase::Waiting);
    saleMoved();
}

void SaleController::saleMoved()
{
    // A question stays up only while the sale it is about waits.
    if (!(m_phase == Phase::Waiting && m_order))
        setQuestion({});
    Q_EMIT saleChanged();
    tick();
}

void SaleController::applyOrder(const PosOrderState &state)
{
    const bool wasPaid = m_phase == Phase::Paid;
    m_order = state;
    m_watcher->watch(state.orderId);
    if (m_watcher->answered())
        say(tr("Back in touch: the sale is up to date."), Tone::Info);
    Phase phase = Phase::Paid;
    switch (state.status) {
    case OrderStatus::Pending:
    case OrderStatus::AwaitingPayment: phase = Phase::Waiting; break;
    case OrderStatus::Canceled: phase = Phase::Canceled; break;
    default: break;
    }
    if (phase != Phase::Waiting)
        m_cancelSent = false;
    setPhase(phase);
    if (!wasPaid && m_phase == Phase::Paid)
        Q_EMIT salePaid(state.orderId);
    if (m_cashAfterPlacing && m_phase == Phase::Waiting) {
        m_cashAfterPlacing = false;
        takeCash();
    }
}

void SaleController::onCallFailed(const QString &what, const Error &error)
{
    say(tr("%1: %2 Checking again shortly.").arg(what, error.message), Tone::Error);
    m_watcher->failed();
}

void SaleController::retryPaymentLink()
{
    if (m_phase != Phase::Waiting || !m_order || m_order->link.state != PaymentLinkState::Failed)
        return;
    const int token = m_sale;
    const QString id = m_order->orderId;
    // Shown at once; the re-read below confirms it. The same order asks again: never a new one.
    m_order->link.state = PaymentLinkState::Requested;
    m_order->link.error.clear();
    saleMoved();
    runJob<void>([id](PosStore &store) { return store.retryPaymentLink(id); },
                 [this, token](const Status &result) {
                     if (token != m_sale)
                         return;
                     if (!result)
                         onCallFailed(tr("Couldn't ask for the link again"), result.error());
                     m_watcher->refresh();
                 });
}

void SaleController::setQuestion(const QString &question)
{
    if (m_question == question)
        return;
    m_question = question;
    Q_EMIT questionChanged();
}

void SaleController::requestCancel()
{
    switch (m_phase) {
    case Phase::Cart:
        if (!m_cart.isEmpty())
            setQuestion(tr("Clear the cart?"));
        return;
    case Phase::Waiting:
        if (!m_cancelSent)
            setQuestion(tr("Cancel this sale? The items go back in stock and the payment link stops working."));
        return;
    case Phase::Placing:
        say(tr("The sale is being created; cancel it once it shows."), Tone::Warning);
        return;
    case Phase::Paid:
        say(tr("This sale is paid. Refunds are made from the Orders screen."), Tone::Warning);
        return;
    case Phase::Canceled:
        return;
    }
}

void SaleController::dismissQuestion()
{
    setQuestion({});
}

void SaleController::confirmCancel()
{
    setQuestion({});
    if (m_phase == Phase::Cart) {
        m_cart.clear();
        m_buyerEmail.clear();
        m_lastBuyerEmail.clear();
        Q_EMIT cartChanged();
        say(tr("Cart cleared."), Tone::Info);
        return;
    }
    if (m_phase == Phase::Waiting) {
        m_cancelNote = tr("Canceled at the counter.");
        cancelNow(tr("Canceled at the counter"));
    }
}

void SaleController::cancelNow(const QString &reason)
{
    if (!m_order || m_cancelSent || m_phase != Phase::Waiting)
        return;
    m_cancelSent = true;
    saleMoved();
    const int token = m_sale;
    const QString id = m_order->orderId;
    runJob<void>([id, reason](PosStore &store) { return store.cancelSale(id, reason); },
                 [this, token](const Status &result) {
                     if (token != m_sale)
                         return;
                     if (!result) {
                         m_cancelSent = false;
                         m_cancelRetryAt = m_now().addSecs(5);
                         // Conflict: it was paid meanwhile; the re-read shows it.
                         if (result.error().code != ErrorCode::Conflict)
                             onCallFailed(tr("Couldn't cancel the sale"), result.error());
                     }
                     m_watcher->refresh();
                 });
}

std::optional<qint64> SaleController::secondsLeft() const
{
    if (m_phase != Phase::Waiting || !m_order || !m_order->reservedUntil.isValid())
        return std::nullopt;
    return m_now().secsTo(m_order->reservedUntil);
}

void SaleController::tick()
{
    // The server cancels an expired sale too; the counter does not wait for that to free itself.
    const std::optional<qint64> left = secondsLeft();
    if (left && *left <= 0 && !m_cancelSent && (!m_cancelRetryAt.isValid() || m_now() >= m_cancelRetryAt)) {
        m_cancelNote = tr("The payment link expired before it was paid.");
        cancelNow(tr("Payment link expired"));
    }
    Q_EMIT ticked();
}

void SaleController::recordCash(const Money &tendered)
{
    if (m_phase != Phase::Waiting || !m_order)
        return;
    const int token = m_sale;
    const QString id = m_order->orderId;
    m_recordingCash = true;
    saleMoved();
    runJob<PosOrderState>([id, tendered](PosStore &store) { return store.recordCashPayment(id, tendered); },
                          [this, token](const Result<PosOrderState> &result) {
                              if (token != m_sale)
                                  return;
                              m_recordingCash = false;
                              if (result) {
                                  applyOrder(*result);
                                  return;
                              }
                              onCallFailed(tr("Couldn't record the cash payment"), result.error());
                              saleMoved();
                              m_watcher->refresh();
                          });
}

void SaleController::newSale()
{
    if (m_phase == Phase::Placing || m_phase == Phase::Waiting) {
        say(tr("Finish this sale first: wait for the payment, take cash (F9) or cancel it (Esc)."), Tone::Warning);
        return;
    }
    if (m_phase == Phase::Cart) {
        if (!m_cart.isEmpty())
            say(tr("This cart isn't charged yet: Charge (F12), or Esc to clear it."), Tone::Warning);
        return;
    }
    ++m_sale;
    m_watcher->forget();
    m_items->forgetLookups();
    m_order.reset();
    m_cart.clear();
    m_buyerEmail.clear();
    m_lastBuyerEmail.clear();
    m_cancelSent = false;
    m_cashAfterPlacing = false;
    m_recordingCash = false;
    m_cancelNote.clear();
    m_cancelRetryAt = {};
    setQuestion({});
    m_items->close();
    Q_EMIT messageCleared();
    setPhase(Phase::Cart);
    Q_EMIT cartChanged();
    refreshTaxSettings();  // an admin may have changed the rates since the last sale
}

// ---------------------------------------------------------------------------------------------
// What the panels show

Result<OrderTotals> SaleController::totals() const
{
    // While a sale is open the figures are the order's, as the store computed them.
    if (m_order && m_phase != Phase::Cart)
        return m_order->totals;
    return m_cart.totals();
}

bool SaleController::hasReceipt() const
{
    return m_phase == Phase::Paid && m_order && m_order->paymentMethod != PaymentMethod::None;
}

std::optional<Receipt> SaleController::receipt() const
{
    if (!m_order)
        return std::nullopt;
    auto built = buildReceipt(*m_order, {m_shop.name, m_shop.addressLine, m_shop.timeZone});
    if (!built)
        return std::nullopt;
    return *built;
}

Result<Receipt> SaleController::paidReceipt() const
{
    if (m_phase != Phase::Paid)
        return Error::conflict(tr("The receipt is ready once the sale is paid."));
    // Right after the live "paid" the payment details are still being read: a receipt must
    // never say "Not paid" under PAID.
    if (!hasReceipt())
        return Error::unavailable(tr("The payment details are still loading; try again in a moment."));
    auto r = receipt();
    if (!r)
        return Error::internal(tr("This sale has no receipt."));
    return *r;
}

} // namespace rdk
