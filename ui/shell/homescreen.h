#pragma once

#include "domain/signin.h"

#include <QWidget>

namespace rdk {

/// The first page after signing in: which shop, who, with what role, on which server, and
/// where to go next. It shows facts only; the work happens in the other screens.
class HomeScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HomeScreen)

public:
    /// `screens` are the titles (with shortcuts) the navigation offers this person.
    HomeScreen(const SignedInUser &user, const ServerAddress &server, const QStringList &screens,
               QWidget *parent = nullptr);
};

} // namespace rdk
