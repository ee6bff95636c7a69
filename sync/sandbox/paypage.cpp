#include "sync/sandbox/paypage.h"

#include "sync/sandbox/sandboxstore.h"

#include <QDateTime>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {
namespace {

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

const QString kStyle = uR"(
:root{--ink:#141414;--muted:#6b6f76;--line:#e6e3de;--bg:#f5f3ef;--card:#fff;--accent:#141414;--warn:#ffb020}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
.banner{background:var(--warn);color:#141414;text-align:center;font-size:13px;font-weight:600;padding:6px 12px}
main{max-width:960px;margin:40px auto;padding:0 20px;display:grid;grid-template-columns:1.1fr 1fr;gap:40px}
main.single{grid-template-columns:1fr;max-width:520px}
@media (max-width:760px){main{grid-template-columns:1fr;margin-top:24px}}
.brand{display:flex;align-items:center;gap:10px;font-weight:800;letter-spacing:.12em;text-transform:uppercase;font-size:13px}
.logo{background:var(--ink);color:#fff;border-radius:6px;padding:3px 8px;letter-spacing:.04em}
.badge{font-size:11px;font-weight:700;letter-spacing:.06em;background:#fff3d6;color:#8a5a00;border-radius:4px;padding:1px 6px}
.due{color:var(--muted);margin:28px 0 0}
.total{font-size:40px;font-weight:700;letter-spacing:-.02em;margin:0 0 24px}
table{width:100%;border-collapse:collapse}
td{padding:12px 0;border-bottom:1px solid var(--line);vertical-align:top}
td.amount{text-align:right;white-space:nowrap;padding-left:16px}
.meta{color:var(--muted);font-size:13px}
tr.sum td{border-bottom:0;font-weight:700;padding-top:16px}
.card{background:var(--card);border-radius:14px;padding:28px;box-shadow:0 1px 2px rgba(0,0,0,.06),0 12px 32px rgba(0,0,0,.06)}
h1{font-size:22px;margin:0 0 8px}
label{display:block;font-size:13px;font-weight:600;color:var(--muted);margin:0 0 6px}
input{width:100%;padding:11px 12px;border:1px solid var(--line);border-radius:8px;font:inherit;margin:0 0 18px;background:#fff}
input:disabled{background:#faf9f7;color:var(--muted)}
button{width:100%;padding:13px;border:0;border-radius:8px;font:inherit;font-weight:700;cursor:pointer}
.pay{background:var(--accent);color:#fff}
.pay:hover{background:#333}
.decline{background:transparent;color:var(--muted);margin-top:6px}
.decline:hover{color:var(--ink);text-decoration:underline}
.note{font-size:12px;color:var(--muted);margin:18px 0 0;word-break:break-all}
fieldset{border:0;padding:0;margin:0 0 8px}
legend{font-weight:700;margin:0 0 10px}
select{width:100%;padding:11px 12px;border:1px solid var(--line);border-radius:8px;font:inherit;margin:0 0 18px;background:#fff}
.row{display:grid;grid-template-columns:1fr 1fr;gap:12px}
label.choice{display:flex;gap:8px;align-items:center;font-size:15px;font-weight:500;color:var(--ink);margin:0 0 10px}
label.choice input{width:auto;margin:0}
)"_s;

} // namespace

QList<QPair<QByteArray, QByteArray>> PayPage::headers()
{
    return {{"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"},
            {"X-Content-Type-Options", "nosniff"},
            {"Referrer-Policy", "no-referrer"},
            {"Cache-Control", "no-store"}};
}

QByteArray PayPage::render(const QString &title, const QString &body)
{
    const QString html = uR"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>%1</title>
<style>%2</style>
</head>
<body>
<div class="banner">TEST MODE &middot; Stripe sandbox for development and tests: no real money moves. Never use it in production.</div>
%3
</body>
</html>
)"_s.arg(esc(title), kStyle, body);
    return html.toUtf8();
}

QByteArray PayPage::payForm(const QString &id, const QList<LineItem> &items, const QString &currency, qint64 total,
                            const QString &email, const QString &footnote, const QString &extraRows,
                            const QString &extraFields, bool exactTotal)
{
    const QString shop = QString::fromUtf16(kShopName);
    // The page has no script: when the total depends on a choice below (shipping), it says
    // "from" and the button names no amount, rather than an amount the choice may change.
    const QString totalText = exactTotal ? displayAmount(total, currency) : u"from "_s + displayAmount(total, currency);
    QString rows;
    for (const LineItem &item : items) {
        rows += uR"(<tr><td>%1<div class="meta">Qty %2 &middot; %3 each</div></td><td class="amount">%4</td></tr>
)"_s.arg(esc(item.price.productName.isEmpty() ? u"Item"_s : item.price.productName), QString::number(item.quantity),
                         esc(displayAmount(item.price.unitAmount, currency)), esc(displayAmount(item.amount(), currency)));
    }
    const QString body = uR"(<main>
<section>
<div class="brand"><span class="logo">RDK</span>%1 <span class="badge">TEST MODE</span></div>
<p class="due">Pay %1</p>
<p class="total" id="total">%2</p>
<table>
%3%7<tr class="sum"><td>Total due</td><td class="amount">%2</td></tr>
</table>
</section>
<section class="card">
<h1>Pay with card</h1>
<form method="post" action="%4/pay">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="%5">
%8<label for="card">Card information</label>
<input id="card" value="4242 4242 4242 4242 &middot; 12/34 &middot; 123" disabled>
<button class="pay" type="submit">%9</button>
</form>
<form method="post" action="%4/decline">
<button class="decline" type="submit">Decline and return to the shop</button>
</form>
<p class="note">%6</p>
</section>
</main>)"_s.arg(esc(shop), esc(totalText), rows, esc(id), esc(email), esc(footnote), extraRows, extraFields,
                 esc(exactTotal ? u"Pay "_s + totalText : u"Pay"_s));
    return render(u"Pay %1 · %2"_s.arg(totalText, shop), body);
}

namespace {

qint64 cheapestShipping(const CheckoutSession &session)
{
    qint64 cheapest = session.shippingOptions.isEmpty() ? 0 : session.shippingOptions.first().amount;
    for (const ShippingChoice &choice : session.shippingOptions)
        cheapest = std::min(cheapest, choice.amount);
    return cheapest;
}

} // namespace

QByteArray PayPage::checkout(const CheckoutSession &session)
{
    const QString expires = QDateTime::fromSecsSinceEpoch(session.expiresAt, Qt::UTC).toString(u"yyyy-MM-dd HH:mm 'UTC'"_s);
    QString rows;
    QString fields;
    if (session.allowedCountries && !session.allowedCountries->isEmpty()) {
        QString countries;
        for (const QString &country : *session.allowedCountries)
            countries += uR"x(<option value="%1">%1</option>)x"_s.arg(esc(country));
        fields += uR"x(<fieldset class="address"><legend>Shipping address</legend>
<label for="name">Full name</label><input id="name" name="name" autocomplete="name" required maxlength="150">
<label for="line1">Address</label><input id="line1" name="line1" autocomplete="address-line1" required maxlength="200">
<input id="line2" name="line2" autocomplete="address-line2" maxlength="200" placeholder="Apartment, suite (optional)" aria-label="Address line 2">
<div class="row"><div><label for="city">City</label><input id="city" name="city" autocomplete="address-level2" required maxlength="100"></div>
<div><label for="state">State / region</label><input id="state" name="state" autocomplete="address-level1" maxlength="100"></div></div>
<div class="row"><div><label for="postal_code">Postal code</label><input id="postal_code" name="postal_code" autocomplete="postal-code" required maxlength="20"></div>
<div><label for="country">Country</label><select id="country" name="country" autocomplete="country">%1</select></div></div>
</fieldset>
)x"_s.arg(countries);
    }
    if (session.phoneCollection)
        fields += uR"x(<label for="phone">Phone</label><input id="phone" name="phone" type="tel" autocomplete="tel" required maxlength="25">
)x"_s;
    if (!session.shippingOptions.isEmpty()) {
        fields += u"<fieldset class=\"shipping\"><legend>Shipping method</legend>\n"_s;
        for (qsizetype i = 0; i < session.shippingOptions.size(); ++i) {
            const ShippingChoice &choice = session.shippingOptions.at(i);
            const qint64 withChoice = session.amountSubtotal + choice.amount;
            fields += uR"x(<label class="choice"><input type="radio" name="shipping_rate" value="%1"%2> %3 <span class="meta">%4 &middot; total %5</span></label>
)x"_s.arg(esc(choice.rateId), i == session.selectedShipping ? u" checked"_s : QString(), esc(choice.displayName),
         esc(choice.amount == 0 ? u"Free"_s : displayAmount(choice.amount, session.currency)),
         esc(displayAmount(withChoice, session.currency)));
        }
        fields += u"</fieldset>\n"_s;
        rows += session.shippingOptions.size() == 1
            ? uR"x(<tr><td>Shipping<div class="meta">%1</div></td><td class="amount">%2</td></tr>
)x"_s.arg(esc(session.shippingOptions.first().displayName), esc(displayAmount(session.amountShipping(), session.currency)))
            : uR"x(<tr><td>Shipping<div class="meta">the method you choose</div></td><td class="amount">from %1</td></tr>
)x"_s.arg(esc(displayAmount(cheapestShipping(session), session.currency)));
    }
    if (session.automaticTax)
        rows += uR"x(<tr><td>Tax<div class="meta">computed when you pay (sandbox: %1 %)</div></td><td class="amount">&mdash;</td></tr>
)x"_s.arg(SandboxStore::kSandboxTaxBasisPoints / 100);
    const bool exact = session.shippingOptions.size() <= 1 && !session.automaticTax;
    return payForm(session.id, session.lineItems, session.currency,
                   exact ? session.amountTotal : session.amountSubtotal + cheapestShipping(session), session.customerEmail,
                   u"Checkout Session %1 · expires %2"_s.arg(session.id, expires), rows, fields, exact);
}

QByteArray PayPage::paymentLink(const PaymentLink &link)
{
    return payForm(link.id, link.lineItems, link.currency, link.amountTotal(), {}, u"Payment Link %1"_s.arg(link.id));
}

QByteArray PayPage::message(const QString &title, const QString &text)
{
    const QString body = uR"(<main class="single">
<section class="card">
<div class="brand"><span class="logo">RDK</span>%1 <span class="badge">TEST MODE</span></div>
<h1 style="margin-top:20px">%2</h1>
<p>%3</p>
</section>
</main>)"_s.arg(esc(QString::fromUtf16(kShopName)), esc(title), esc(text));
    return render(title, body);
}

} // namespace rdk::sandbox
