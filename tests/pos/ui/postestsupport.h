#pragma once

// Helpers shared by the point of sale tests: products as the counter sells them, and reading a
// PDF back with pdftotext (poppler-utils, installed by scripts/lib/common.sh).

#include "domain/pos.h"

#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

namespace rdk::test {

inline Money usd(qint64 minor)
{
    return *Money::of(minor, QStringLiteral("USD"));
}

/// A product as the counter's search finds it: `sizes` {""} is a flat product (socks, laces).
inline SellableProduct sellableProduct(const QString &sku, const QString &name, const QString &colorway, qint64 price,
                                       const QStringList &sizes)
{
    SellableProduct p;
    p.productId = QStringLiteral("p-") + sku;
    p.sku = sku;
    p.name = name;
    p.brand = QStringLiteral("Nike");
    p.colorway = colorway;
    p.price = usd(price);
    p.inventoryStrategy = sizes == QStringList{QString()} ? InventoryStrategy::Flat : InventoryStrategy::PerSize;
    for (const QString &s : sizes)
        p.sizes.append({s, 0});
    return p;
}

/// Text of a PDF as pdftotext reads it; a null string when pdftotext is not installed.
inline QString pdfText(const QString &path, QString *error = nullptr)
{
    const QString tool = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
    if (tool.isEmpty())
        return {};
    QProcess p;
    p.start(tool, {QStringLiteral("-layout"), QStringLiteral("-enc"), QStringLiteral("UTF-8"), path, QStringLiteral("-")});
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        if (error)
            *error = QString::fromUtf8(p.readAllStandardError());
        return QStringLiteral("");
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

inline bool havePdfToText()
{
    return !QStandardPaths::findExecutable(QStringLiteral("pdftotext")).isEmpty();
}

} // namespace rdk::test
