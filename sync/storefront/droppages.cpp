#include "sync/storefront/droppages.h"

#include "sync/storefront/storefronthtml.h"

#include <QLocale>
#include <QTimeZone>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {
namespace {

using html::escape;

const QString kDropScript = u"/static/drop.js"_s;

QString hiddenInput(const QString &name, const QString &value)
{
    return u"<input type=\"hidden\" name=\""_s + escape(name) + u"\" value=\""_s + escape(value) + u"\">"_s;
}

// A field bots fill in and people never see (hidden by the stylesheet, skipped by keyboard and
// screen readers): a join or entry with anything in it is refused.
QString honeypot()
{
    return u"<div class=\"hp-field\" aria-hidden=\"true\"><label for=\"website\">Leave this empty</label>"
           "<input type=\"text\" id=\"website\" name=\"website\" value=\"\" tabindex=\"-1\" autocomplete=\"off\"></div>\n"_s;
}

QString isoUtc(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

// A countdown drop.js keeps running from data-release-at and the shop's clock (data-now); the
// time is written out too, so the page says when without JavaScript.
QString countdown(const QString &label, const QDateTime &at, const QString &timeZone, const QDateTime &now, bool reloadAtZero)
{
    const qint64 seconds = std::max<qint64>(0, now.secsTo(at));
    const qint64 days = seconds / 86400;
    const QString left = (days > 0 ? QString::number(days) + (days == 1 ? u" day "_s : u" days "_s) : QString())
        + u"%1:%2:%3"_s.arg((seconds % 86400) / 3600, 2, 10, QChar(u'0'))
              .arg((seconds % 3600) / 60, 2, 10, QChar(u'0'))
              .arg(seconds % 60, 2, 10, QChar(u'0'));
    return u"<div class=\"drop-countdown\" data-release-at=\""_s + escape(isoUtc(at)) + u"\" data-now=\""_s
        + escape(isoUtc(now)) + u"\""_s + (reloadAtZero ? u" data-reload-at-release"_s : QString()) + u">\n<p class=\"drop-label\">"_s
        + escape(label) + u"</p>\n<p class=\"drop-clock\" data-countdown aria-live=\"off\">"_s + escape(left)
        + u"</p>\n<p class=\"drop-when\"><time datetime=\""_s + escape(isoUtc(at)) + u"\">"_s
        + escape(formatShopTime(at, timeZone)) + u"</time></p>\n</div>\n"_s;
}

QString joinForm(const DropView &drop)
{
    const QString base = dropPath(drop.sku);
    return u"<form class=\"drop-form\" method=\"post\" action=\""_s + escape(base + u"/join"_s) + u"\" data-challenge-url=\""_s
        + escape(base + u"/challenge"_s) + u"\">\n"_s + hiddenInput(u"challenge"_s, QString()) + hiddenInput(u"nonce"_s, QString())
        + u"\n"_s + honeypot()
        + u"<button type=\"submit\" class=\"button button-large\">Join the queue</button>\n"
          "<p class=\"fine-print\" data-pow-status aria-live=\"polite\">Your browser solves a short check when you join "
          "(a second or so); it keeps bots from taking every place.</p>\n"
          "<noscript><p class=\"fine-print\">Joining needs JavaScript for that check.</p></noscript>\n</form>\n"_s;
}

// The same wording as drop.js writes when it updates the page.
QString estimateText(qint64 seconds)
{
    if (seconds < 0)
        return u"not known yet"_s;
    if (seconds < 60)
        return u"under a minute"_s;
    const qint64 minutes = (seconds + 59) / 60;
    if (minutes < 90)
        return minutes == 1 ? u"about a minute"_s : u"about %1 minutes"_s.arg(minutes);
    const qint64 hours = (minutes + 30) / 60;
    if (hours < 48)
        return u"about %1 hours"_s.arg(hours);
    return u"about %1 days"_s.arg((hours + 12) / 24);
}

QString sizesSentence(const DropView &drop)
{
    if (drop.sizes.isEmpty())
        return u"every size"_s;
    return (drop.sizes.size() == 1 ? u"size "_s : u"sizes "_s) + drop.sizes.join(u", "_s);
}

QString limitSentence(int limit)
{
    return limit == 1 ? u"One pair per person."_s : u"At most %1 pairs per person."_s.arg(limit);
}

QString dropHead(const DropView &drop, const QString &kicker)
{
    return u"<p class=\"drop-kicker\">"_s + escape(kicker) + u"</p>\n<h1>"_s + escape(drop.productName) + u"</h1>\n"_s;
}

html::DocumentOptions dropOptions(const QString &title, bool withScript)
{
    html::DocumentOptions options;
    options.title = title;
    options.noIndex = true;
    options.mainClass = u"page-drop"_s;
    if (withScript)
        options.scripts.append(kDropScript);
    return options;
}

} // namespace

QString dropPath(const QString &sku)
{
    return u"/drops/"_s + html::percentEncoded(sku);
}

QString formatShopTime(const QDateTime &utc, const QString &timeZone)
{
    const QTimeZone zone(timeZone.toLatin1());
    const QDateTime local = zone.isValid() ? utc.toTimeZone(zone) : utc.toUTC();
    const QLocale english(QLocale::English, QLocale::UnitedStates);
    return english.toString(local, u"dddd d MMMM yyyy, HH:mm"_s) + u" ("_s
        + (zone.isValid() ? QString::fromLatin1(zone.id()) : u"UTC"_s) + u")"_s;
}

ProductPageExtras dropProductExtras(const DropView &drop, const QDateTime &now)
{
    ProductPageExtras extras;
    extras.scripts.append(kDropScript);
    const QString room = dropPath(drop.sku);
    QString box = u"<section class=\"drop-box\" aria-label=\"Release\">\n"_s;
    if (now < drop.releaseAt) {
        box += countdown(u"Release in"_s, drop.releaseAt, drop.timeZone, now, true);
        extras.showsClock = true;
        if (drop.raffle) {
            const bool open = now >= drop.queueOpensAt && (!drop.entriesCloseAt.isValid() || now < drop.entriesCloseAt);
            box += open ? u"<p>This release goes to raffle winners. Entries are open until "_s
                              + escape(formatShopTime(drop.entriesCloseAt, drop.timeZone)) + u".</p>\n<p><a class=\"button button-large\" href=\""_s
                              + escape(room) + u"\">Enter the raffle</a></p>\n"_s
                        : u"<p>This release goes to raffle winners. Entries open "_s
                              + escape(formatShopTime(drop.queueOpensAt, drop.timeZone)) + u".</p>\n"_s;
        } else {
            box += now >= drop.queueOpensAt
                ? u"<p>The waiting room is open: join now and keep your place. At the release, people are let through "
                   "in the order they joined.</p>\n"_s + joinForm(drop)
                : u"<p>The waiting room opens "_s + escape(formatShopTime(drop.queueOpensAt, drop.timeZone))
                      + u". Places are given in the order people join.</p>\n"_s;
        }
        box += u"<p class=\"fine-print\">"_s + escape(limitSentence(drop.limitPerBuyer)) + u" The release is "_s
            + escape(sizesSentence(drop)) + u".</p>\n"_s;
        extras.keepAddToCart = false;
    } else if (drop.raffle) {
        box += u"<p>This release went to raffle winners: each winner got an e-mail with a link to pay for their pair.</p>\n"_s;
        const bool open = !drop.entriesCloseAt.isValid() || now < drop.entriesCloseAt;
        if (open)
            box += u"<p><a class=\"button button-large\" href=\""_s + escape(room) + u"\">Enter the raffle</a></p>\n"_s;
        extras.keepAddToCart = !drop.sizes.isEmpty();   // the sizes outside the release sell as usual
    } else {
        box += u"<p><strong>Released.</strong> "_s + escape(sizesSentence(drop))
            + u" of this release "_s + (drop.sizes.size() == 1 ? u"sells"_s : u"sell"_s)
            + u" to people whose turn has come in the waiting room. "_s + escape(limitSentence(drop.limitPerBuyer))
            + u"</p>\n<p><a class=\"button button-secondary\" href=\""_s + escape(room) + u"\">Go to the waiting room</a></p>\n"_s;
        extras.keepAddToCart = true;
    }
    box += u"</section>\n"_s;
    extras.buyBoxHtml = box;
    return extras;
}

QByteArray renderWaitingRoomPage(const PageContext &context, const DropView &drop, const std::optional<QueueStanding> &standing,
                                 const QDateTime &now, const QString &notice)
{
    QString out = u"<section class=\"result-card drop-room\""_s;
    if (standing && !standing->admitted)
        out += u" data-queue-status-url=\""_s + escape(dropPath(drop.sku) + u"/status"_s) + u"\""_s;
    out += u">\n"_s + dropHead(drop, u"Waiting room"_s);
    if (!notice.trimmed().isEmpty())
        out += u"<div class=\"notice\" role=\"alert\"><p>"_s + escape(notice.trimmed().left(300)) + u"</p></div>\n"_s;

    html::DocumentOptions options = dropOptions(u"Waiting room: "_s + drop.productName, true);
    if (!standing) {
        if (now < drop.queueOpensAt) {
            out += countdown(u"The waiting room opens in"_s, drop.queueOpensAt, drop.timeZone, now, true);
            out += u"<p class=\"lead\">Come back then to take your place: people are let through in the order they "
                   "joined, from "_s + escape(formatShopTime(drop.releaseAt, drop.timeZone)) + u".</p>\n"_s;
        } else {
            if (now < drop.releaseAt)
                out += countdown(u"Release in"_s, drop.releaseAt, drop.timeZone, now, false);
            out += u"<p class=\"lead\">Take a place in the queue. It is kept in this browser, so you can refresh or "
                   "come back later without losing it.</p>\n"_s + joinForm(drop);
        }
    } else if (standing->admitted) {
        out += u"<p class=\"drop-turn\">It\u2019s your turn.</p>\n<p class=\"lead\">Choose your size and check out. "_s
            + escape(limitSentence(drop.limitPerBuyer))
            + u"</p>\n<p class=\"actions\"><a class=\"button button-large\" href=\""_s + escape(html::productUrl(drop.sku))
            + u"\">Shop the release</a></p>\n<p class=\"fine-print\">Your place stays in this browser; checkout "
              "asks for it.</p>\n"_s;
    } else {
        // Without JavaScript the page refreshes itself; drop.js asks for the place every 3 s instead.
        options.refreshSeconds = 15;
        options.refreshOnlyWithoutScript = true;
        if (now < drop.releaseAt)
            out += countdown(u"Release in"_s, drop.releaseAt, drop.timeZone, now, false);
        const QString estimate = estimateText(standing->estimateSeconds);
        out += u"<dl class=\"order-meta drop-place\">\n<div><dt>Your place</dt><dd data-queue-position>"_s
            + QString::number(standing->position) + u"</dd></div>\n<div><dt>People ahead of you</dt><dd data-queue-ahead>"_s
            + QString::number(standing->ahead) + u"</dd></div>\n<div><dt>Your turn in</dt><dd data-queue-estimate>"_s
            + escape(estimate) + u"</dd></div>\n</dl>\n"_s;
        out += u"<p class=\"lead\">You\u2019re in the queue. Keep this page open or come back: your place is kept in this "
               "browser. The estimate follows the pace the shop lets people through.</p>\n"_s;
    }
    out += u"</section>\n"_s;
    return html::document(context, options, out);
}

QByteArray renderRaffleEntryPage(const PageContext &context, const DropView &drop, const QStringList &sizes,
                                 const RaffleEntryForm &form, const QDateTime &now)
{
    QString out = u"<section class=\"result-card drop-room\">\n"_s + dropHead(drop, u"Raffle"_s);
    if (!form.problem.trimmed().isEmpty())
        out += u"<div class=\"notice\" role=\"alert\"><p>"_s + escape(form.problem.trimmed().left(300)) + u"</p></div>\n"_s;
    const bool closed = drop.drawn || (drop.entriesCloseAt.isValid() && now >= drop.entriesCloseAt);
    if (now < drop.queueOpensAt) {
        out += countdown(u"Entries open in"_s, drop.queueOpensAt, drop.timeZone, now, true);
    } else if (closed) {
        out += u"<p class=\"lead\">Entries are closed. Everyone who entered hears by e-mail whether they won.</p>\n"_s;
    } else {
        const QString base = dropPath(drop.sku);
        out += u"<p class=\"lead\">Enter once with your e-mail address and size. Entries close "_s
            + escape(formatShopTime(drop.entriesCloseAt, drop.timeZone))
            + u"; then a draw anyone can re-check picks the winners, who get a link to pay for their pair.</p>\n"_s;
        out += u"<form class=\"drop-form\" method=\"post\" action=\""_s + escape(base + u"/enter"_s) + u"\" data-challenge-url=\""_s
            + escape(base + u"/challenge"_s) + u"\">\n"_s + hiddenInput(u"challenge"_s, QString())
            + hiddenInput(u"nonce"_s, QString()) + u"\n"_s + honeypot();
        out += u"<div class=\"field\"><label for=\"raffle-email\">E-mail address</label><input type=\"email\" "
               "id=\"raffle-email\" name=\"email\" autocomplete=\"email\" maxlength=\"254\" required value=\""_s
            + escape(form.email) + u"\"></div>\n"_s;
        out += u"<fieldset class=\"size-picker\">\n<legend>Your size <span class=\"legend-note\">US</span></legend>\n"
               "<div class=\"size-options\">\n"_s;
        int index = 0;
        for (const QString &size : sizes) {
            const QString id = u"raffle-size-"_s + QString::number(index++);
            out += u"<div class=\"size-chip\"><input type=\"radio\" name=\"size\" id=\""_s + id + u"\" value=\""_s
                + escape(size) + u"\" required"_s + (size == form.size ? u" checked"_s : QString()) + u"><label for=\""_s
                + id + u"\">"_s + escape(size) + u"</label></div>\n"_s;
        }
        out += u"</div>\n</fieldset>\n<button type=\"submit\" class=\"button button-large\">Enter the raffle</button>\n"
               "<p class=\"fine-print\" data-pow-status aria-live=\"polite\">One entry per person. Your browser solves a "
               "short check when you enter.</p>\n<noscript><p class=\"fine-print\">Entering needs JavaScript for that "
               "check.</p></noscript>\n</form>\n"_s;
    }
    out += u"</section>\n"_s;
    return html::document(context, dropOptions(u"Raffle: "_s + drop.productName, true), out);
}

QByteArray renderRaffleEnteredPage(const PageContext &context, const DropView &drop)
{
    QString out = u"<section class=\"result-card drop-room\">\n"_s + dropHead(drop, u"Raffle"_s);
    out += u"<p class=\"drop-turn\">You\u2019re in the draw.</p>\n<p class=\"lead\">Entries close "_s
        + escape(formatShopTime(drop.entriesCloseAt, drop.timeZone))
        + u". After the draw we e-mail everyone who entered: winners get a link to pay for their pair before a "
          "deadline; if a winner doesn\u2019t pay in time, the pair goes to the next entry.</p>\n"
          "<p class=\"actions\"><a class=\"button button-secondary\" href=\"/\">Back to the shop</a></p>\n</section>\n"_s;
    return html::document(context, dropOptions(u"Raffle entry received"_s, false), out);
}

QByteArray renderRaffleClaimPage(const PageContext &context, const RaffleClaimView &claim, const QString &timeZone,
                                 const QDateTime &now, const QString &notice)
{
    QString out = u"<section class=\"result-card drop-room\">\n<p class=\"drop-kicker\">Raffle result</p>\n<h1>"_s
        + escape(claim.productName) + u"</h1>\n"_s;
    if (!notice.trimmed().isEmpty())
        out += u"<div class=\"notice\" role=\"alert\"><p>"_s + escape(notice.trimmed().left(300)) + u"</p></div>\n"_s;
    const bool open = claim.state == u"won"_s && (!claim.deadline.isValid() || now < claim.deadline);
    if (open) {
        out += u"<p class=\"drop-turn\">You won a pair.</p>\n<dl class=\"order-meta\">\n<div><dt>Size</dt><dd>"_s
            + escape(claim.size) + u"</dd></div>\n<div><dt>Pay before</dt><dd>"_s
            + escape(formatShopTime(claim.deadline, timeZone)) + u"</dd></div>\n</dl>\n"_s;
        out += u"<form method=\"post\" action=\""_s + escape(dropPath(claim.sku) + u"/claim/"_s + html::percentEncoded(claim.code))
            + u"\">\n<button type=\"submit\" class=\"button button-large\">Pay for my pair</button>\n</form>\n"
              "<p class=\"fine-print\">You\u2019ll pay securely on Stripe\u2019s checkout page. If you don\u2019t pay in "
              "time, the pair goes to the next entry.</p>\n"_s;
    } else if (claim.state == u"won"_s || claim.state == u"lapsed"_s) {
        out += u"<p class=\"lead\">Your win has lapsed: the time to pay is over, so the pair went to the next entry.</p>\n"_s;
    } else if (claim.state == u"claimed"_s) {
        out += u"<p class=\"lead\">This pair is already paid for. Your confirmation e-mail has the order number.</p>\n"_s;
    } else if (claim.state == u"lost"_s) {
        out += u"<p class=\"lead\">Sorry, this entry wasn\u2019t drawn. If a winner doesn\u2019t pay in time, the pair "
               "goes to the next entry in the draw\u2019s order, and we e-mail you if that is you.</p>\n"_s;
    } else {
        out += u"<p class=\"lead\">The draw hasn\u2019t happened yet. We e-mail everyone who entered once it has.</p>\n"_s;
    }
    out += u"<p class=\"actions\"><a class=\"text-link\" href=\"/\">Back to the shop</a></p>\n</section>\n"_s;
    return html::document(context, dropOptions(u"Raffle result"_s, false), out);
}

} // namespace rdk::sync
