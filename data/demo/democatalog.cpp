#include "data/demo/democatalog.h"

#include "domain/gtin.h"
#include "domain/money.h"
#include "domain/sizes.h"

#include <QRandomGenerator>
#include <QStringView>

#include <algorithm>
#include <array>
#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

enum class Fit { Mens, Womens, GradeSchool, Accessory };

/// A box barcode for the demo: an EAN-13 in GS1's in-store range (prefix 20), which no real
/// product carries, so a demo scan never matches a real box. Model and size pick the digits.
QString demoGtin(qsizetype model, qsizetype size)
{
    const QString body = u"20%1%2000"_s.arg(model, 5, 10, QChar(u'0')).arg(size, 2, 10, QChar(u'0'));
    return body + QString::number(gtinCheckDigit(body));
}

struct Model {
    const char16_t *brand;
    const char16_t *name;
    const char16_t *colorway;
    const char16_t *sku;
    int usd;                  // shop price new, whole US dollars
    Fit fit;
    const char16_t *description;
};

// Prices are what a sneaker shop asks (retail for general releases, market price for
// sought-after pairs), not manufacturer RRP.
constexpr std::array kModels{
    // Jordan
    Model{u"Jordan", u"Air Jordan 1 Retro High OG", u"Chicago Lost & Found", u"AJ1-CHI-LF", 260, Fit::Mens,
          u"The 1985 colourway with a vintage finish: cracked-leather look, sail midsole and a reissued box."},
    Model{u"Jordan", u"Air Jordan 1 Retro High OG", u"Bred Toe", u"AJ1-BRED-TOE", 230, Fit::Mens,
          u"Black, varsity red and white leather in the toe-cap layout fans have wanted back since 2018."},
    Model{u"Jordan", u"Air Jordan 1 Retro High OG", u"University Blue", u"AJ1-UNC-BLU", 240, Fit::Mens,
          u"Tumbled white leather with University Blue overlays and a black Swoosh, a nod to Chapel Hill."},
    Model{u"Jordan", u"Air Jordan 1 Low", u"Panda", u"AJ1L-PANDA", 125, Fit::Mens,
          u"Everyday black-and-white low-top with an Air unit in the heel."},
    Model{u"Jordan", u"Air Jordan 1 Mid", u"Light Smoke Grey", u"AJ1M-LSG", 140, Fit::Mens,
          u"Grey suede overlays on white leather; the mid cut people actually wear every day."},
    Model{u"Jordan", u"Air Jordan 4 Retro", u"Military Black", u"AJ4-MIL-BLK", 290, Fit::Mens,
          u"White leather upper with neutral grey suede and black accents on the classic 4 shape."},
    Model{u"Jordan", u"Air Jordan 4 Retro", u"Bred Reimagined", u"AJ4-BRED-RI", 275, Fit::Mens,
          u"The 1989 Bred swapped to full-grain leather, with the visible Air unit and mesh wings."},
    Model{u"Jordan", u"Air Jordan 4 Retro SB", u"Pine Green", u"AJ4-SB-PINE", 420, Fit::Mens,
          u"Skate-tuned 4 with a flexible forefoot, white leather and Pine Green accents."},
    Model{u"Jordan", u"Air Jordan 3 Retro", u"White Cement Reimagined", u"AJ3-WC-RI", 230, Fit::Mens,
          u"Elephant print on a sail upper with an aged midsole, true to the 1988 original."},
    Model{u"Jordan", u"Air Jordan 11 Retro", u"Concord", u"AJ11-CONC", 260, Fit::Mens,
          u"Patent leather mudguard, icy sole and the high-cut collar of the 1995 classic."},
    Model{u"Jordan", u"Air Jordan 11 Retro", u"Cool Grey", u"AJ11-CGRY", 240, Fit::Mens,
          u"Grey nubuck and matching patent leather on a white midsole."},
    Model{u"Jordan", u"Air Jordan 5 Retro", u"Fire Red", u"AJ5-FIRE", 210, Fit::Mens,
          u"White leather, fire red tongue and the shark-tooth midsole detail."},
    Model{u"Jordan", u"Air Jordan 6 Retro", u"Infrared", u"AJ6-INFRA", 220, Fit::Mens,
          u"Black nubuck with Infrared hits and the moulded heel tab."},
    Model{u"Jordan", u"Air Jordan 1 Retro High OG (GS)", u"Chicago Lost & Found", u"AJ1-CHI-LF-GS", 160, Fit::GradeSchool,
          u"The Lost & Found high in grade-school sizes, same vintage finish."},
    Model{u"Jordan", u"Air Jordan 4 Retro (GS)", u"Military Black", u"AJ4-MIL-GS", 170, Fit::GradeSchool,
          u"Military Black for younger feet, full leather like the adult pair."},
    Model{u"Jordan", u"Air Jordan 1 Low (Women's)", u"Wolf Grey", u"AJ1L-W-WOLF", 120, Fit::Womens,
          u"Soft grey leather low-top in women's sizing."},
    // Nike
    Model{u"Nike", u"Dunk Low Retro", u"Panda", u"DNK-LO-PANDA", 115, Fit::Mens,
          u"The black-and-white Dunk that goes with everything."},
    Model{u"Nike", u"Dunk Low Retro", u"Grey Fog", u"DNK-LO-FOG", 120, Fit::Mens,
          u"Light grey overlays on white leather, a quieter take on the Panda."},
    Model{u"Nike", u"Dunk Low Retro", u"University Red", u"DNK-LO-UNRD", 125, Fit::Mens,
          u"College-colour Dunk in white and University Red leather."},
    Model{u"Nike", u"Dunk High Retro", u"Championship Navy", u"DNK-HI-NAVY", 135, Fit::Mens,
          u"High-top Dunk with navy overlays and a padded collar."},
    Model{u"Nike", u"Dunk Low (Women's)", u"Rose Whisper", u"DNK-LO-W-ROSE", 120, Fit::Womens,
          u"Pale pink overlays on white leather in women's sizing."},
    Model{u"Nike", u"Air Force 1 '07", u"Triple White", u"AF1-07-WHT", 115, Fit::Mens,
          u"The all-white Air Force 1: full-grain leather, pivot-circle outsole, Air in the heel."},
    Model{u"Nike", u"Air Force 1 '07", u"Triple Black", u"AF1-07-BLK", 115, Fit::Mens,
          u"All-black leather AF1 that hides the scuffs."},
    Model{u"Nike", u"Air Max 1 '86 OG", u"Big Bubble Red", u"AM1-86-RED", 160, Fit::Mens,
          u"The original 1986 shape with the bigger Air window, in white and University Red."},
    Model{u"Nike", u"Air Max 90", u"Infrared", u"AM90-INFRA", 140, Fit::Mens,
          u"The 1990 runner in its first colourway: grey suede, white mesh and Infrared."},
    Model{u"Nike", u"Air Max 95 OG", u"Neon", u"AM95-NEON", 190, Fit::Mens,
          u"Graded grey panels and volt accents on the spine-inspired upper."},
    Model{u"Nike", u"Air Max 97 OG", u"Silver Bullet", u"AM97-SILVER", 185, Fit::Mens,
          u"Metallic silver wave lines with a full-length visible Air unit."},
    Model{u"Nike", u"Air Max Plus", u"Sunset", u"AMPLUS-SUNSET", 185, Fit::Mens,
          u"The Tuned Air classic with its black-to-orange gradient and TPU fingers."},
    Model{u"Nike", u"SB Dunk Low Pro", u"Court Purple", u"SBD-LO-CPUR", 190, Fit::Mens,
          u"Skate Dunk with a padded tongue and Zoom Air insole, purple suede on black."},
    Model{u"Nike", u"SB Dunk Low", u"Jarritos", u"SBD-LO-JARR", 420, Fit::Mens,
          u"Tearaway canvas over orange suede, inspired by the soda bottle; a collector's pair."},
    Model{u"Nike", u"Blazer Mid '77 Vintage", u"White Black", u"BLZ-77-WHBK", 105, Fit::Mens,
          u"Old-school basketball mid with exposed foam on the tongue."},
    Model{u"Nike", u"Cortez", u"White Varsity Red", u"CRTZ-WVR", 90, Fit::Mens,
          u"The 1972 runner with a herringbone sole and the red Swoosh."},
    Model{u"Nike", u"Zoom Vomero 5", u"Photon Dust", u"VMR5-PHDUST", 160, Fit::Mens,
          u"Layered mesh and metallic overlays on a Y2K-era running sole."},
    Model{u"Nike", u"Air Force 1 (GS)", u"Triple White", u"AF1-GS-WHT", 95, Fit::GradeSchool,
          u"The all-white AF1 in grade-school sizes."},
    Model{u"Nike", u"Dunk Low (GS)", u"Panda", u"DNK-LO-GS-PANDA", 100, Fit::GradeSchool,
          u"The Panda Dunk for kids, same leather as the adult pair."},
    // adidas
    Model{u"adidas", u"Samba OG", u"Cloud White Core Black", u"SMB-OG-WHT", 100, Fit::Mens,
          u"Leather T-toe and gum sole; the terrace classic."},
    Model{u"adidas", u"Samba OG", u"Core Black Gum", u"SMB-OG-BLK", 100, Fit::Mens,
          u"All-black leather Samba on a gum outsole."},
    Model{u"adidas", u"Gazelle Indoor", u"Blue Bird", u"GZL-IND-BLUE", 120, Fit::Mens,
          u"Suede Gazelle on a translucent gum sole, in bright blue."},
    Model{u"adidas", u"Campus 00s", u"Core Black", u"CMP-00S-BLK", 110, Fit::Mens,
          u"Chunky skate-era Campus in black suede with white stripes."},
    Model{u"adidas", u"Handball Spezial", u"Navy Gum", u"HBS-NAVY", 110, Fit::Mens,
          u"Navy suede and light blue stripes on a gum sole."},
    Model{u"adidas", u"Ultraboost 1.0", u"Core Black", u"UB1-BLK", 190, Fit::Mens,
          u"Primeknit upper on a full-length Boost midsole."},
    Model{u"adidas", u"Yeezy Boost 350 V2", u"Bone", u"YZY-350-BONE", 230, Fit::Mens,
          u"Off-white Primeknit on a Boost sole; runs small, most people size up half."},
    Model{u"adidas", u"Yeezy Boost 350 V2", u"Onyx", u"YZY-350-ONYX", 230, Fit::Mens,
          u"Tonal black Primeknit on a Boost sole; runs small, most people size up half."},
    Model{u"adidas", u"Forum Low", u"White Royal Blue", u"FRM-LO-WRB", 100, Fit::Mens,
          u"The 1984 court shoe with its ankle strap, in white and royal blue."},
    Model{u"adidas", u"Superstar", u"White Black", u"SSTR-WHBK", 100, Fit::Mens,
          u"Shell toe and three black stripes on white leather."},
    Model{u"adidas", u"Samba OG (Women's)", u"White Green", u"SMB-W-WGRN", 100, Fit::Womens,
          u"White leather Samba with green stripes, in women's sizing."},
    // New Balance
    Model{u"New Balance", u"990v6 Made in USA", u"Grey", u"NB-990V6-GRY", 200, Fit::Mens,
          u"Pigskin suede and mesh on a FuelCell midsole, made in the USA."},
    Model{u"New Balance", u"550", u"White Green", u"NB-550-WGRN", 110, Fit::Mens,
          u"Late-80s basketball low in white leather with green accents."},
    Model{u"New Balance", u"2002R", u"Protection Pack Rain Cloud", u"NB-2002R-RAIN", 160, Fit::Mens,
          u"Deconstructed suede layers with raw edges in soft greys."},
    Model{u"New Balance", u"9060", u"Sea Salt", u"NB-9060-SALT", 150, Fit::Mens,
          u"Sculpted ABZORB midsole under a suede and mesh upper."},
    Model{u"New Balance", u"574", u"Grey", u"NB-574-GRY", 90, Fit::Mens,
          u"The everyday New Balance in grey suede and mesh."},
    Model{u"New Balance", u"1906R", u"Silver Metallic", u"NB-1906R-SLV", 155, Fit::Mens,
          u"2000s running lines with metallic overlays and N-ergy cushioning."},
    Model{u"New Balance", u"993 Made in USA", u"Grey", u"NB-993-GRY", 200, Fit::Mens,
          u"The dad-shoe benchmark: grey suede, ABZORB cushioning, made in the USA."},
    Model{u"New Balance", u"530 (Women's)", u"White Silver", u"NB-530-W-SLV", 100, Fit::Womens,
          u"Retro runner in white mesh and silver, women's sizing."},
    // ASICS
    Model{u"ASICS", u"GEL-Kayano 14", u"White Midnight", u"ASX-K14-WMID", 150, Fit::Mens,
          u"Late-2000s runner with metallic overlays and GEL cushioning."},
    Model{u"ASICS", u"GEL-1130", u"White Clay Canyon", u"ASX-1130-CLAY", 110, Fit::Mens,
          u"Archive running shape in white and earthy clay."},
    Model{u"ASICS", u"GEL-NYC", u"Graphite Grey", u"ASX-NYC-GRPH", 140, Fit::Mens,
          u"A mash-up of ASICS runners in layered greys."},
    Model{u"ASICS", u"GT-2160", u"White Pure Silver", u"ASX-2160-WSLV", 130, Fit::Mens,
          u"Y2K stability runner in white and silver."},
    // Puma
    Model{u"Puma", u"Palermo", u"Vapor Grey Gum", u"PUMA-PAL-GRY", 100, Fit::Mens,
          u"Terrace-style suede low with a T-toe and gum sole."},
    Model{u"Puma", u"Suede Classic XXI", u"Black White", u"PUMA-SDE-BLK", 90, Fit::Mens,
          u"The 1968 suede with the white Formstrip."},
    Model{u"Puma", u"Speedcat OG", u"Red White", u"PUMA-SPC-RED", 100, Fit::Mens,
          u"Slim motorsport-inspired suede low in red."},
    // Converse
    Model{u"Converse", u"Chuck 70 Hi", u"Black", u"CNV-C70-HI-BLK", 90, Fit::Mens,
          u"Heavier canvas, higher foxing and a cushioned insole compared with the standard Chuck."},
    Model{u"Converse", u"Chuck 70 Lo", u"Parchment", u"CNV-C70-LO-PRC", 90, Fit::Mens,
          u"Off-white canvas Chuck 70 with a vintage egret midsole."},
    Model{u"Converse", u"Run Star Hike Hi", u"Black", u"CNV-RSH-BLK", 120, Fit::Womens,
          u"Platform Chuck with a jagged two-tone sole, women's sizing."},
    // Vans
    Model{u"Vans", u"Premium Old Skool", u"Black White", u"VANS-OS-BLK", 90, Fit::Mens,
          u"The side-stripe skate classic with upgraded cushioning."},
    Model{u"Vans", u"Premium Sk8-Hi", u"Black White", u"VANS-SK8-BLK", 95, Fit::Mens,
          u"Padded high-top skate shoe with the jazz stripe."},
    Model{u"Vans", u"Knu Skool", u"Black True White", u"VANS-KNU-BLK", 90, Fit::Mens,
          u"The puffy 90s take on the Old Skool with a chunky tongue."},
    // Salomon
    Model{u"Salomon", u"XT-6", u"Black Phantom", u"SAL-XT6-BLK", 200, Fit::Mens,
          u"Trail-racing shoe with Quicklace and a Contagrip sole, in all black."},
    Model{u"Salomon", u"XT-6", u"Vanilla Ice", u"SAL-XT6-VAN", 200, Fit::Mens,
          u"The XT-6 in soft off-white with grey accents."},
    Model{u"Salomon", u"ACS Pro", u"Lunar Rock", u"SAL-ACS-PRO", 180, Fit::Mens,
          u"Technical trail silhouette with a protective toe cap, in light grey."},
    // HOKA, On
    Model{u"HOKA", u"Clifton 9", u"Black White", u"HOKA-CLF9-BLK", 145, Fit::Mens,
          u"Light, high-stack daily trainer."},
    Model{u"On", u"Cloudmonster", u"All Black", u"ON-CLDM-BLK", 170, Fit::Mens,
          u"Maximum-cushion CloudTec running shoe, all black."},
    Model{u"HOKA", u"Bondi 8 (Women's)", u"White", u"HOKA-BND8-W-WHT", 165, Fit::Womens,
          u"HOKA's most cushioned road shoe, women's sizing."},
    // Accessories: counted as a whole, no sizes.
    Model{u"Crep Protect", u"Cure Cleaning Kit", u"", u"CREP-CURE-KIT", 20, Fit::Accessory,
          u"Natural cleaning solution with a brush and microfibre cloth; safe on leather, suede and mesh."},
    Model{u"Crep Protect", u"Rain & Stain Spray 200 ml", u"", u"CREP-SPRAY-200", 18, Fit::Accessory,
          u"Invisible repellent coating for new pairs; reapply every few weeks."},
    Model{u"Jason Markk", u"Essential Kit", u"", u"JM-ESS-KIT", 24, Fit::Accessory,
          u"Premium shoe cleaner with a hog-hair brush."},
    Model{u"Sneaker Shields", u"Crease Protectors (one size)", u"", u"SHLD-CREASE", 15, Fit::Accessory,
          u"Toe-box inserts that stop creasing; trim to fit."},
    Model{u"Real Deal Kickz", u"Rope Laces 140 cm", u"Cream", u"RDK-LACE-ROPE-CRM", 12, Fit::Accessory,
          u"Thick waxed rope laces, the right length for most high-tops."},
    Model{u"Real Deal Kickz", u"Flat Laces 120 cm", u"Black", u"RDK-LACE-FLAT-BLK", 8, Fit::Accessory,
          u"Replacement flat laces for Dunks, AF1s and other lows."},
    Model{u"Nike", u"Everyday Cushioned Crew Socks (3 pairs)", u"White", u"NK-SOCK-CREW-W", 22, Fit::Accessory,
          u"Cushioned crew socks, size L (men's 8-12)."},
    Model{u"Real Deal Kickz", u"Drop Crate Sneaker Box", u"Clear", u"RDK-CRATE-CLR", 35, Fit::Accessory,
          u"Stackable drop-front display box with a magnetic door."},
};

// Rough exchange rates so a demo in another currency shows believable numbers; unknown
// currencies keep the dollar figures.
double demoRate(QStringView currency)
{
    static constexpr std::array<std::pair<QStringView, double>, 13> rates{{
        {u"USD", 1.0}, {u"EUR", 0.92}, {u"GBP", 0.79}, {u"CAD", 1.36}, {u"AUD", 1.52},
        {u"NZD", 1.65}, {u"CHF", 0.88}, {u"JPY", 150.0}, {u"SEK", 10.5}, {u"NOK", 10.6},
        {u"DKK", 6.9}, {u"PLN", 4.0}, {u"KWD", 0.31},
    }};
    for (const auto &[code, rate] : rates) {
        if (code == currency)
            return rate;
    }
    return 1.0;
}

// Shop-style whole amounts: nearest 5 for most currencies, nearest 100 for yen-like ones.
qint64 demoMinor(double usd, const QString &currency)
{
    const double local = usd * demoRate(currency);
    const int digits = Money::minorDigits(currency);
    double major = 0;
    if (digits == 0)
        major = std::max(100.0, std::round(local / 100.0) * 100.0);
    else if (local >= 30)
        major = std::round(local / 5.0) * 5.0;
    else
        major = std::max(1.0, std::round(local));
    qint64 minor = qint64(major);
    for (int i = 0; i < digits; ++i)
        minor *= 10;
    return minor;
}

// Sizes a shop actually stocks, and how deep: few at the ends of the run, most around
// men's 9-11. Sizes not in the system's template are skipped by the caller.
struct SizeDepth {
    QStringView size;
    int depth;
};

QList<SizeDepth> stockedRun(Fit fit)
{
    switch (fit) {
    case Fit::Mens:
        return {{u"7", 1}, {u"7.5", 1}, {u"8", 2}, {u"8.5", 2}, {u"9", 3}, {u"9.5", 3}, {u"10", 4},
                {u"10.5", 3}, {u"11", 3}, {u"11.5", 2}, {u"12", 2}, {u"13", 1}, {u"14", 1}};
    case Fit::Womens:
        return {{u"5.5", 1}, {u"6", 2}, {u"6.5", 2}, {u"7", 3}, {u"7.5", 3}, {u"8", 3},
                {u"8.5", 2}, {u"9", 2}, {u"9.5", 1}, {u"10", 1}, {u"11", 1}};
    case Fit::GradeSchool:
        return {{u"3.5", 1}, {u"4", 2}, {u"4.5", 2}, {u"5", 2}, {u"5.5", 2}, {u"6", 2},
                {u"6.5", 1}, {u"7", 1}};
    case Fit::Accessory:
        return {};
    }
    return {};
}

SizeSystem sizeSystemOf(Fit fit)
{
    switch (fit) {
    case Fit::Womens: return SizeSystem::Womens;
    case Fit::GradeSchool: return SizeSystem::GradeSchool;
    case Fit::Mens:
    case Fit::Accessory: break;
    }
    return SizeSystem::Mens;
}

// Exactly round(share * n) indices out of n, chosen by the generator: exact counts keep the
// catalog's mix the same for every seed, only which products differ.
QList<qsizetype> pick(QRandomGenerator &rng, const QList<qsizetype> &from, double share, qsizetype atLeast = 0)
{
    QList<qsizetype> shuffled = from;
    for (qsizetype i = shuffled.size() - 1; i > 0; --i)
        std::swap(shuffled[i], shuffled[qsizetype(rng.bounded(quint32(i + 1)))]);
    const qsizetype count = qMin(shuffled.size(), qMax(atLeast, qsizetype(std::lround(share * double(from.size())))));
    return shuffled.first(count);
}

QString usedNote(UsedGrade grade)
{
    switch (grade) {
    case UsedGrade::LikeNew:
        return u" Pre-owned, worn once or twice: no creasing, clean soles, original box."_s;
    case UsedGrade::Good:
        return u" Pre-owned: light creasing and some sole wear, cleaned and deodorised; no box."_s;
    case UsedGrade::Fair:
        return u" Pre-owned: visible creasing and heel drag, plenty of life left; priced to match."_s;
    case UsedGrade::None: break;
    }
    return {};
}

// What a used pair sells for relative to the same pair new.
int usedPercent(UsedGrade grade)
{
    switch (grade) {
    case UsedGrade::LikeNew: return 85;
    case UsedGrade::Good: return 65;
    case UsedGrade::Fair: return 45;
    case UsedGrade::None: break;
    }
    return 100;
}

} // namespace

QList<Product> demoCatalog(const QString &currency, quint32 seed)
{
    if (!Money::isValidCurrency(currency))
        return {};
    QRandomGenerator rng(seed);

    QList<qsizetype> all;
    QList<qsizetype> shoes;
    for (qsizetype i = 0; i < qsizetype(kModels.size()); ++i) {
        all.append(i);
        if (kModels[size_t(i)].fit != Fit::Accessory)
            shoes.append(i);
    }
    const QList<qsizetype> used = pick(rng, shoes, 0.25, 1);
    const QList<qsizetype> soldOut = pick(rng, all, 0.08, 1);
    QList<qsizetype> notSoldOutShoes;
    for (qsizetype i : shoes) {
        if (!soldOut.contains(i) && !used.contains(i))
            notSoldOutShoes.append(i);
    }
    const QList<qsizetype> lastSize = pick(rng, notSoldOutShoes, 0.12, 1);
    const QList<qsizetype> drafts = pick(rng, all, 0.10, 1);

    QList<Product> catalog;
    catalog.reserve(qsizetype(kModels.size()));
    for (qsizetype i = 0; i < qsizetype(kModels.size()); ++i) {
        const Model &m = kModels[size_t(i)];
        Product p;
        p.brand = QString::fromUtf16(m.brand);
        p.name = QString::fromUtf16(m.name);
        p.colorway = QString::fromUtf16(m.colorway);
        p.sku = QString::fromUtf16(m.sku);
        p.description = QString::fromUtf16(m.description);
        p.published = !drafts.contains(i);
        const bool isSoldOut = soldOut.contains(i);

        int percent = 100;
        if (used.contains(i)) {
            const quint32 roll = rng.bounded(10u);
            p.condition = Condition::Used;
            p.usedGrade = roll < 4 ? UsedGrade::LikeNew : roll < 8 ? UsedGrade::Good : UsedGrade::Fair;
            p.sku += u"-U"_s; // the shop's convention: used pairs are their own SKU
            p.description += usedNote(p.usedGrade);
            percent = usedPercent(p.usedGrade);
        }
        p.price = Money::of(demoMinor(m.usd * percent / 100.0, currency), currency).value();

        if (m.fit == Fit::Accessory) {
            p.inventoryStrategy = InventoryStrategy::Flat;
            p.stock = {SizeStock{QString(), isSoldOut ? 0 : 6 + int(rng.bounded(30u)), 0, demoGtin(i, 99)}};
            catalog.append(p);
            continue;
        }

        p.inventoryStrategy = InventoryStrategy::PerSize;
        p.sizeSystem = sizeSystemOf(m.fit);
        const QStringList offered = sizeRunTemplate(*p.sizeSystem);
        QList<SizeDepth> run;
        for (const SizeDepth &s : stockedRun(m.fit)) {
            if (offered.contains(s.size))
                run.append(s);
        }
        if (p.condition == Condition::Used) {
            // One pre-owned pair, in one size, usually near the middle of the run.
            const qsizetype middle = run.size() / 2;
            const qsizetype at = qBound<qsizetype>(0, middle - 3 + qsizetype(rng.bounded(7u)), run.size() - 1);
            p.sizeRun = {run[at].size.toString()};
            p.stock = {SizeStock{p.sizeRun.first(), isSoldOut ? 0 : 1, 0}};
            catalog.append(p);
            continue;
        }

        // Sought-after pairs come in thinner.
        const int scarcity = m.usd >= 250 ? 2 : 1;
        const qsizetype onlyLeft = lastSize.contains(i) ? qsizetype(rng.bounded(quint32(run.size()))) : -1;
        for (qsizetype s = 0; s < run.size(); ++s) {
            const QString size = run[s].size.toString();
            p.sizeRun.append(size);
            int quantity = 0;
            if (onlyLeft >= 0)
                quantity = s == onlyLeft ? 1 : 0;
            else if (!isSoldOut)
                quantity = int(rng.bounded(quint32(run[s].depth * 2 / scarcity + 1)));
            p.stock.append(SizeStock{size, quantity, 0, demoGtin(i, s)});
        }
        if (!isSoldOut && onlyLeft < 0 && p.totalStock() == 0)
            p.stock[p.stock.size() / 2].quantity = 2; // "in stock" means something is
        catalog.append(p);
    }
    return catalog;
}

QList<DemoOrder> demoOrders(const QList<Product> &catalog, const QDateTime &now, int days, quint32 seed)
{
    QList<DemoOrder> orders;
    if (catalog.isEmpty() || days <= 0 || !now.isValid())
        return orders;
    QRandomGenerator rng(seed);

    // What history can contain: anything new, plus used pairs that have already sold.
    QList<const Product *> shoes;
    QList<const Product *> extras;
    for (const Product &p : catalog) {
        if (p.condition == Condition::Used && p.totalStock() > 0)
            continue;
        (p.inventoryStrategy == InventoryStrategy::Flat ? extras : shoes).append(&p);
    }
    if (shoes.isEmpty())
        shoes = extras;
    if (shoes.isEmpty())
        return orders;

    static constexpr std::array firstNames{u"alex", u"sam", u"jordan", u"taylor", u"morgan", u"casey",
                                           u"jamie", u"riley", u"chris", u"dana", u"noah", u"mia",
                                           u"leo", u"zoe", u"omar", u"lena", u"kai", u"ivy"};
    static constexpr std::array lastNames{u"kim", u"garcia", u"nguyen", u"smith", u"patel", u"brown",
                                          u"lopez", u"chen", u"walker", u"khan", u"muller", u"silva",
                                          u"okafor", u"rossi"};
    // A pool of regulars, so some customers come back.
    QStringList customers;
    for (int i = 0; i < 60; ++i) {
        customers.append(QString::fromUtf16(firstNames[rng.bounded(quint32(firstNames.size()))]) + u'.'
                         + QString::fromUtf16(lastNames[rng.bounded(quint32(lastNames.size()))])
                         + (rng.bounded(4u) == 0 ? QString::number(rng.bounded(10u, 99u)) : QString())
                         + u"@example.com"_s);
    }

    for (int back = days - 1; back >= 0; --back) {
        const QDate date = now.date().addDays(-back);
        const bool weekend = date.dayOfWeek() >= 6;
        const int count = weekend ? 7 + int(rng.bounded(6u)) : 3 + int(rng.bounded(6u)); // 7-12 / 3-8

        QList<DemoOrder> day;
        for (int n = 0; n < count; ++n) {
            DemoOrder order;
            order.channel = rng.bounded(100u) < (weekend ? 40u : 55u) ? OrderChannel::Online : OrderChannel::Pos;
            // The shop is open 10:00-20:00; the web shop never closes but sleeps at night.
            const int minute = order.channel == OrderChannel::Pos ? 600 + int(rng.bounded(600u))
                                                                  : 420 + int(rng.bounded(1019u));
            QDateTime at = now;
            at.setDate(date);
            at.setTime(QTime(minute / 60, minute % 60, int(rng.bounded(60u))));
            if (back == 0 && at > now)
                at = now.addSecs(-qint64(rng.bounded(3600u)) - 60);
            order.createdAt = at;
            if (order.channel == OrderChannel::Online)
                order.customerEmail = customers[rng.bounded(quint32(customers.size()))];

            const quint32 lineRoll = rng.bounded(100u);
            const int lineCount = lineRoll < 70 ? 1 : lineRoll < 92 ? 2 : 3;
            for (int l = 0; l < lineCount; ++l) {
                // Second and third lines are often an add-on (cleaner, laces).
                const bool addOn = l > 0 && !extras.isEmpty() && rng.bounded(2u) == 0;
                const QList<const Product *> &pool = addOn ? extras : shoes;
                const Product &p = *pool[rng.bounded(quint32(pool.size()))];
                OrderLine line;
                line.productId = p.id;
                line.sku = p.sku;
                line.name = p.colorway.isEmpty() ? p.name : p.name + u" \u201C"_s + p.colorway + u"\u201D"_s;
                line.size = p.sizeRun.isEmpty() ? QString() : p.sizeRun[rng.bounded(quint32(p.sizeRun.size()))];
                line.quantity = p.inventoryStrategy == InventoryStrategy::Flat ? 1 + int(rng.bounded(2u)) : 1;
                line.unitPrice = p.price;
                line.discount = Money::zero(p.price.currency());
                // Regulars at the counter sometimes get 10 % off.
                if (order.channel == OrderChannel::Pos && rng.bounded(100u) < 8) {
                    if (Result<Money> full = p.price.times(line.quantity))
                        line.discount = full->percent(1000).value();
                }
                order.lines.append(line);
            }

            // Most orders are done; the last couple of days still have work in progress.
            const quint32 roll = rng.bounded(100u);
            const bool multiUnit = order.lines.size() > 1 || order.lines.first().quantity > 1;
            if (roll < 3)
                order.status = OrderStatus::Canceled;
            else if (roll < 6)
                order.status = OrderStatus::Refunded;
            else if (multiUnit && roll < 18) // one pair of several came back
                order.status = OrderStatus::PartiallyRefunded;
            else if (order.channel == OrderChannel::Pos)
                order.status = back == 0 && roll < 24 ? OrderStatus::AwaitingPayment : OrderStatus::Fulfilled;
            else if (back == 0)
                order.status = roll < 30 ? OrderStatus::Pending : OrderStatus::Paid;
            else if (back <= 2)
                order.status = roll < 60 ? OrderStatus::Paid : OrderStatus::Shipped;
            else if (back <= 6)
                order.status = roll < 70 ? OrderStatus::Shipped : OrderStatus::Fulfilled;
            else
                order.status = OrderStatus::Fulfilled;
            day.append(order);
        }
        std::sort(day.begin(), day.end(),
                  [](const DemoOrder &a, const DemoOrder &b) { return a.createdAt < b.createdAt; });
        orders.append(day);
    }
    return orders;
}

quint32 demoPhotoSeed(const Product &product)
{
    // Colourway words mapped to the placeholder palettes (see placeholdersneaker.h).
    static constexpr std::array<std::pair<QStringView, quint32>, 24> hints{{
        {u"Chicago", 0}, {u"Varsity Red", 0}, {u"University Red", 0}, {u"Fire Red", 0},
        {u"Panda", 1}, {u"White Black", 1}, {u"Black White", 1},
        {u"University Blue", 2}, {u"Blue Bird", 2}, {u"Bred", 3}, {u"Infrared", 3},
        {u"Royal", 4}, {u"Navy", 4}, {u"Mocha", 5}, {u"Clay", 5},
        {u"Grey", 6}, {u"Silver", 6}, {u"Pine", 7}, {u"Green", 7},
        {u"Black", 8}, {u"Onyx", 8}, {u"Gum", 9}, {u"Bone", 10}, {u"Sunset", 11},
    }};
    quint32 hash = 2166136261u; // FNV-1a: stable across runs and Qt versions, unlike qHash
    for (QChar c : product.sku) {
        hash ^= c.unicode();
        hash *= 16777619u;
    }
    constexpr quint32 paletteCount = 12;
    quint32 palette = hash % paletteCount;
    for (const auto &[word, index] : hints) {
        if (product.colorway.contains(word, Qt::CaseInsensitive)) {
            palette = index;
            break;
        }
    }
    return (hash >> 8) * paletteCount + palette; // keeps the palette, cannot overflow
}

} // namespace rdk
