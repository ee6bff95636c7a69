#pragma once

#include <QMainWindow>

namespace rdk {

/// The back office's main window. For now it names the server it will sign in to; the
/// Catalog, Point of Sale, Orders and Dashboard screens plug in here.
class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const QString &server, QWidget *parent = nullptr);
};

} // namespace rdk
