#include "data/media/placeholdersneaker.h"

#include <QImage>
#include <QLinearGradient>
#include <QPainter>
#include <QPainterPath>
#include <QRadialGradient>
#include <QRandomGenerator>

#include <array>

namespace rdk {

namespace {

// Colourways people recognise on a shelf, in the order placeholdersneaker.h documents.
// Names are for the reader; nothing is drawn as text. Colours are sRGB hex.
struct Palette {
    const char *name;
    QRgb backdrop;
    QRgb base;      // side panels and toe box
    QRgb overlay;   // toe cap, mudguard, heel counter, eyestay
    QRgb collar;
    QRgb stripe;    // the swoosh-like accent
    QRgb midsole;
    QRgb outsole;
    QRgb laces;
};

constexpr std::array<Palette, PlaceholderPaletteCount> kPalettes{{
    {"Chicago", 0xECE8E3, 0xF5F4F0, 0xC8102E, 0x141414, 0x141414, 0xF7F6F2, 0xB5121B, 0xF5F4F0},
    {"Panda", 0xE9E9E7, 0xF7F7F5, 0x1B1B1B, 0x1B1B1B, 0x1B1B1B, 0xF7F7F5, 0x1E1E1E, 0xF7F7F5},
    {"University Blue", 0xE6ECF1, 0xF6F6F4, 0x7BAFD4, 0x7BAFD4, 0x111111, 0xF7F6F2, 0x7BAFD4, 0xF6F6F4},
    {"Bred Toe", 0xEEE7E2, 0xF4F2EE, 0xB3141C, 0x161616, 0x161616, 0xF4F2EE, 0xB3141C, 0xF4F2EE},
    {"Royal Toe", 0xE4E8F0, 0xF5F5F3, 0x1D4FB8, 0x151515, 0x151515, 0xF5F5F3, 0x1D4FB8, 0xF5F5F3},
    {"Mocha", 0xEDE6DC, 0xEFE5D5, 0x5A3A2A, 0x5A3A2A, 0x1B1B1B, 0xF1E8D9, 0x6B4632, 0xEFE5D5},
    {"Shadow", 0xE6E6E6, 0xB9BCC0, 0x3B3E42, 0x2A2C2F, 0x151515, 0xF2F2F0, 0x2A2C2F, 0x2A2C2F},
    {"Pine Green", 0xE5ECE6, 0xF5F5F2, 0x0B6B3A, 0x151515, 0x151515, 0xF5F5F2, 0x0B6B3A, 0xF5F5F2},
    {"Triple Black", 0xE3E3E1, 0x262626, 0x1A1A1A, 0x121212, 0x3C3C3C, 0x222222, 0x141414, 0x1E1E1E},
    {"Grey Gum", 0xEAE7E1, 0xA9AEB3, 0x70767C, 0x5E6368, 0xF4F3EF, 0xF1EFE9, 0xB5793B, 0xE9E7E2},
    {"Olive Sail", 0xE9E8DF, 0xEDE6D6, 0x5B5F3C, 0x3F4229, 0x3F4229, 0xF0EADC, 0xB5793B, 0xEDE6D6},
    {"Sunset Orange", 0xF1E9E1, 0xF6F3EE, 0xE8622C, 0x1C2B4A, 0x1C2B4A, 0xF6F3EE, 0x1C2B4A, 0xF6F3EE},
}};

QColor rgb(QRgb value) { return QColor::fromRgb(value); }

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

// The shoe is drawn in a fixed 1000 x 560 design space (toe to the right) and mapped onto
// the requested size, so every output size shows the same picture.
struct Shape {
    QPainterPath sole;
    QPainterPath upper;
    QPainterPath throat;     // the lace line, collar to vamp
    QPainterPath tongue;
    QList<QPointF> perforations;
    QPainterPath toeCap;
    QPainterPath mudguard;
    QPainterPath heelCounter;
    QPainterPath collarBand;
    QPainterPath stripe;
    QList<QPainterPath> extraStripes;
};

Shape buildShape(bool highTop, bool threeStripes, qreal toeSpring)
{
    Shape s;
    const qreal collarY = highTop ? 62.0 : 196.0;
    const qreal tongueTop = collarY - (highTop ? 30.0 : 36.0);

    QPainterPath &sole = s.sole;
    sole.moveTo(70, 394);
    sole.cubicTo(300, 394, 700, 410, 905, 418 - toeSpring);
    sole.cubicTo(950, 420 - toeSpring, 975, 432 - toeSpring, 972, 452 - toeSpring);
    sole.cubicTo(970, 480, 940, 500, 880, 502);
    sole.lineTo(130, 502);
    sole.cubicTo(85, 502, 58, 485, 55, 450);
    sole.cubicTo(53, 425, 56, 402, 70, 394);
    sole.closeSubpath();

    const QPointF throatStart(470, tongueTop + 16);
    const QPointF throatC1(520, tongueTop + 120);
    const QPointF throatC2(620, 282);
    const QPointF throatEnd(712, 316);
    s.throat.moveTo(throatStart);
    s.throat.cubicTo(throatC1, throatC2, throatEnd);

    QPainterPath &up = s.upper;
    up.moveTo(76, 398);
    up.cubicTo(46, 300, 58, collarY + 120, 92, collarY);
    up.cubicTo(150, collarY - 16, 250, collarY - 10, 318, collarY + 14);
    up.cubicTo(345, collarY + 40, 380, collarY + 30, 400, tongueTop + 8);
    up.cubicTo(420, tongueTop - 6, 455, tongueTop - 4, throatStart.x(), throatStart.y());
    up.cubicTo(throatC1, throatC2, throatEnd);
    up.cubicTo(810, 342 - toeSpring * 0.5, 905, 348 - toeSpring, 950, 390 - toeSpring);
    up.cubicTo(968, 408 - toeSpring, 960, 424 - toeSpring, 930, 428 - toeSpring);
    up.cubicTo(700, 420, 300, 404, 76, 398);
    up.closeSubpath();

    // The tongue pokes up between the collar and the lace line.
    s.tongue.moveTo(392, tongueTop - 30);
    s.tongue.lineTo(500, tongueTop - 30);
    s.tongue.lineTo(482, tongueTop + 60);
    s.tongue.lineTo(400, collarY + 40);
    s.tongue.closeSubpath();

    // Toe wrap, flowing into the mudguard along the bottom.
    s.toeCap.moveTo(900, 300);
    s.toeCap.cubicTo(868, 345, 840, 372, 756, 390);
    s.toeCap.lineTo(756, 470);
    s.toeCap.lineTo(1000, 470);
    s.toeCap.lineTo(1000, 300);
    s.toeCap.closeSubpath();

    s.mudguard.moveTo(20, 364);
    s.mudguard.cubicTo(300, 370, 560, 386, 760, 390);
    s.mudguard.lineTo(760, 470);
    s.mudguard.lineTo(20, 470);
    s.mudguard.closeSubpath();

    // Heel counter with the curved front edge of a classic high-top.
    s.heelCounter.moveTo(20, collarY - 40);
    s.heelCounter.lineTo(176, collarY - 40);
    s.heelCounter.cubicTo(222, collarY + 70, 148, 250, 190, 322);
    s.heelCounter.cubicTo(212, 360, 244, 380, 262, 470);
    s.heelCounter.lineTo(20, 470);
    s.heelCounter.closeSubpath();

    s.collarBand.moveTo(20, collarY - 40);
    s.collarBand.lineTo(520, collarY - 40);
    s.collarBand.lineTo(520, collarY + 26);
    s.collarBand.cubicTo(330, collarY + 56, 180, collarY + 44, 20, collarY + 34);
    s.collarBand.closeSubpath();

    // Perforations on the toe box.
    for (qreal y = 332; y < 392; y += 12) {
        for (qreal x = 736 + (int(y) / 12 % 2) * 7; x < 880; x += 14) {
            if (s.upper.contains(QPointF(x, y - 6)) && !s.toeCap.contains(QPointF(x, y)))
                s.perforations.append(QPointF(x, y));
        }
    }

    if (threeStripes) {
        // Three parallel bands from the eyestay down to the midsole.
        for (int i = 0; i < 3; ++i) {
            const qreal t = 0.34 + 0.16 * i;
            const QPointF top = s.throat.pointAtPercent(t) + QPointF(-18, 8);
            QPainterPath band;
            band.moveTo(top);
            band.lineTo(top + QPointF(34, 8));
            band.lineTo(top + QPointF(-46, 420 - top.y()));
            band.lineTo(top + QPointF(-82, 410 - top.y()));
            band.closeSubpath();
            s.extraStripes.append(band);
        }
    } else {
        // A swoosh-like crescent: pointed tail up towards the heel, round hook at the front.
        const qreal tailY = highTop ? 176.0 : 236.0;
        QPainterPath &st = s.stripe;
        st.moveTo(196, tailY);
        st.cubicTo(330, tailY + 150, 480, 380, 610, 374);
        st.cubicTo(662, 372, 694, 350, 712, 314);
        st.cubicTo(684, 336, 652, 344, 610, 342);
        st.cubicTo(480, 340, 330, tailY + 62, 196, tailY);
        st.closeSubpath();
    }
    return s;
}

void drawBackdrop(QPainter &p, const QRectF &r, const Palette &pal, QRandomGenerator &rng)
{
    const QColor tint = rgb(pal.backdrop);
    QLinearGradient wall(r.topLeft(), r.bottomLeft());
    wall.setColorAt(0.0, tint.lighter(104));
    wall.setColorAt(0.62, tint);
    wall.setColorAt(1.0, tint.darker(108));
    p.fillRect(r, wall);

    // A soft spotlight behind the shoe, slightly off-centre like a real studio light.
    const QPointF centre(r.width() * (0.42 + rng.bounded(0.16)), r.height() * 0.42);
    QRadialGradient glow(centre, qMax(r.width(), r.height()) * 0.62);
    glow.setColorAt(0.0, withAlpha(Qt::white, 150));
    glow.setColorAt(1.0, withAlpha(Qt::white, 0));
    p.fillRect(r, glow);
}

void drawShoe(QPainter &p, const Shape &s, const Palette &pal)
{
    // Contact shadow on the floor.
    {
        QRadialGradient shadow(QPointF(515, 503), 480);
        shadow.setColorAt(0.0, withAlpha(Qt::black, 95));
        shadow.setColorAt(0.55, withAlpha(Qt::black, 35));
        shadow.setColorAt(1.0, withAlpha(Qt::black, 0));
        p.save();
        p.translate(0, 503);
        p.scale(1.0, 0.06);
        p.translate(0, -503);
        p.setPen(Qt::NoPen);
        p.setBrush(shadow);
        p.drawEllipse(QPointF(515, 503), 480, 480);
        p.restore();
    }

    const QColor midsole = rgb(pal.midsole);
    const QColor outsole = rgb(pal.outsole);
    const QColor base = rgb(pal.base);
    const QColor edge = base.lightness() > 128 ? base.darker(175) : base.lighter(160);

    // Sole: midsole, then the outsole band along the bottom, then tread notches.
    QLinearGradient midGrad(0, 388, 0, 470);
    midGrad.setColorAt(0.0, midsole.lighter(103));
    midGrad.setColorAt(1.0, midsole.darker(110));
    p.setPen(QPen(midsole.darker(135), 1.6));
    p.setBrush(midGrad);
    p.drawPath(s.sole);
    p.save();
    p.setClipPath(s.sole);
    p.fillRect(QRectF(0, 468, 1000, 60), outsole);
    p.setPen(QPen(outsole.darker(130), 3));
    for (int x = 120; x < 900; x += 26)
        p.drawLine(QPointF(x, 490), QPointF(x + 6, 504));
    // Midsole stitching.
    QPen stitch(withAlpha(midsole.darker(160), 150), 1.8, Qt::DashLine);
    p.setPen(stitch);
    p.drawLine(QPointF(90, 430), QPointF(930, 440));
    p.restore();

    // Upper: base colour with overlays clipped to the silhouette.
    QLinearGradient baseGrad(0, 100, 0, 420);
    baseGrad.setColorAt(0.0, base.lighter(104));
    baseGrad.setColorAt(1.0, base.darker(106));
    p.setPen(Qt::NoPen);
    p.setBrush(baseGrad);
    p.drawPath(s.upper);

    p.save();
    p.setClipPath(s.upper);
    p.setBrush(base.lightness() > 128 ? base.darker(104) : base.lighter(125));
    p.drawPath(s.tongue);
    p.setBrush(withAlpha(base.lightness() > 128 ? base.darker(135) : base.lighter(150), 200));
    for (const QPointF &hole : s.perforations)
        p.drawEllipse(hole, 2.4, 2.4);
    const QColor overlay = rgb(pal.overlay);
    const QPen seam(withAlpha(overlay.lightness() > 128 ? overlay.darker(170) : overlay.lighter(190), 150),
                    1.6, Qt::DashLine);
    for (const QPainterPath *part : {&s.toeCap, &s.mudguard, &s.heelCounter}) {
        p.setPen(Qt::NoPen);
        p.setBrush(overlay);
        p.drawPath(*part);
    }
    p.setBrush(rgb(pal.collar));
    p.drawPath(s.collarBand);
    // Accent stripe(s), tucked under the eyestay.
    p.setPen(Qt::NoPen);
    p.setBrush(rgb(pal.stripe));
    p.drawPath(s.stripe);
    for (const QPainterPath &band : s.extraStripes)
        p.drawPath(band);
    // Eyestay: a band along the lace line.
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(overlay, 62, Qt::SolidLine, Qt::RoundCap));
    p.drawPath(s.throat.translated(-26, 12));
    // Stitching just inside every panel edge.
    p.setBrush(Qt::NoBrush);
    p.setPen(seam);
    for (const QPainterPath *part : {&s.toeCap, &s.mudguard, &s.heelCounter, &s.collarBand})
        p.drawPath(part->translated(4, 4));
    // Volume: light from above, darker towards the sole, a highlight on the toe box.
    QLinearGradient shade(0, 90, 0, 430);
    shade.setColorAt(0.0, withAlpha(Qt::white, 40));
    shade.setColorAt(0.55, withAlpha(Qt::white, 0));
    shade.setColorAt(1.0, withAlpha(Qt::black, 55));
    p.fillRect(QRectF(0, 0, 1000, 560), shade);
    QRadialGradient toeLight(QPointF(830, 350), 120);
    toeLight.setColorAt(0.0, withAlpha(Qt::white, 70));
    toeLight.setColorAt(1.0, withAlpha(Qt::white, 0));
    p.fillRect(QRectF(650, 230, 350, 250), toeLight);
    p.restore();

    // Outline of the upper, then the ankle opening's lining.
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(withAlpha(edge, 170), 2.2));
    p.drawPath(s.upper);

    // Laces: short bars crossing the throat, with eyelets behind them.
    const QColor laces = rgb(pal.laces);
    const QColor laceEdge = laces.lightness() > 128 ? laces.darker(150) : laces.lighter(170);
    for (int i = 0; i < 7; ++i) {
        const qreal t = 0.06 + i * 0.14;
        const QPointF at = s.throat.pointAtPercent(t);
        const qreal angle = s.throat.angleAtPercent(t);
        p.save();
        p.translate(at);
        p.rotate(-angle + 90 + 24);
        p.setPen(QPen(laceEdge, 12, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(-2, 0), QPointF(30, 0));
        p.setPen(QPen(laces, 8, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(-2, 0), QPointF(30, 0));
        p.setPen(Qt::NoPen);
        p.setBrush(withAlpha(Qt::black, 110));
        p.drawEllipse(QPointF(34, 0), 4.5, 4.5);
        p.restore();
    }
}

} // namespace

QImage renderPlaceholderSneaker(quint32 seed, int width, int height)
{
    if (width <= 0 || height <= 0)
        return {};
    // The colourway is the seed modulo the palette count, so a caller can match a product's
    // colourway name; the rest of the seed varies the cut, stripes and lighting.
    const Palette &palette = kPalettes[seed % kPalettes.size()];
    QRandomGenerator rng(seed); // local: deterministic and thread-safe
    const bool highTop = rng.bounded(10) < 6;
    const bool threeStripes = rng.bounded(10) < 2;
    const qreal toeSpring = rng.bounded(14.0);

    QImage image(width, height, QImage::Format_RGB32);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF canvas(0, 0, width, height);
    drawBackdrop(p, canvas, palette, rng);

    // Fit the design box (the shoe spans about x 40..975, y 70..530) into the frame with a
    // little breathing room, a touch below centre like a product shot.
    const qreal scale = qMin(width * 0.86 / 940.0, height * 0.80 / 470.0);
    p.translate(width / 2.0, height * 0.53);
    p.scale(scale, scale);
    p.translate(-507.0, -300.0);
    drawShoe(p, buildShape(highTop, threeStripes, toeSpring), palette);
    p.end();
    return image;
}

} // namespace rdk
