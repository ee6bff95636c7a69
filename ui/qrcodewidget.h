#pragma once

#include <QImage>
#include <QString>
#include <QVector>
#include <QWidget>

namespace rdk {

/// Shows any text as a QR code (libqrencode, byte mode): 2FA enrolment URIs, payment links.
/// Painted with whole device pixels per module and a 4-module quiet zone, so it stays sharp
/// at any size and on high-DPI screens. The code itself is always dark on white whatever
/// the palette: phone cameras need that contrast, and a dark theme inverted QR scans badly.
class QrCodeWidget final : public QWidget {
    Q_OBJECT
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)

public:
    enum class ErrorCorrection { Low, Medium, Quartile, High };
    /// Modules of white border the QR specification asks for around the symbol.
    static constexpr int QuietZone = 4;

    explicit QrCodeWidget(QWidget *parent = nullptr);

    QString text() const { return m_text; }
    /// Encodes `text`; false (and errorString()) when it does not fit in a QR code
    /// (about 2,300 bytes at the default Medium correction). Empty text clears the code.
    bool setText(const QString &text);
    void setErrorCorrection(ErrorCorrection level);
    ErrorCorrection errorCorrection() const { return m_level; }
    QString errorString() const { return m_error; }

    /// Modules per side of the symbol (21 for version 1 ... 177 for version 40); 0 if none.
    int moduleCount() const { return m_size; }
    bool isDark(int x, int y) const;
    /// The symbol with its quiet zone, `modulePixels` pixels per module, black on white.
    QImage toImage(int modulePixels) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

Q_SIGNALS:
    void textChanged(const QString &text);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    bool encode();

    QString m_text;
    QString m_error;
    ErrorCorrection m_level = ErrorCorrection::Medium;
    int m_size = 0;
    QVector<bool> m_modules;  // row-major, m_size * m_size
};

} // namespace rdk
