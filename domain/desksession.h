#pragma once

#include "domain/signin.h"

#include <QObject>

namespace rdk {

/// What happened when the desk tried to get its database connection back.
enum class ReconnectOutcome {
    Restored,            ///< connected again, nothing else needed
    RestoredNeedsCode,   ///< connected; reads work, writes wait for a fresh two-factor code
    StillDown,           ///< the server is still unreachable: try again later
    AccessRevoked,       ///< the server answers but the account can't sign in any more
};

/// The signed-in person's session with the shop database, as the desk's windows see it.
/// data/ implements it on PostgreSQL; widgets only talk to this interface.
///
/// Calls block until the server answers (connect timeouts are short); they are made from
/// the UI thread, which owns the main connection.
class DeskSession : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeskSession)

public:
    using QObject::QObject;
    ~DeskSession() override = default;

    /// Connects as the person's own login role and checks their profile and, when the
    /// account needs one, the two-factor code (in the database). On success the session
    /// stays open and user() describes the person.
    virtual SignInResult signIn(const SignInRequest &request) = 0;
    /// The same without blocking the caller: signInFinished() reports the outcome. This
    /// default runs signIn() at once; implementations may do the network part elsewhere.
    virtual void requestSignIn(const SignInRequest &request) { Q_EMIT signInFinished(signIn(request)); }
    /// Proves that the signed-in person is (still) at the desk, e.g. to unlock: the password
    /// is checked by the server on a fresh connection and, for accounts with a second
    /// factor, the code is verified for the main session.
    virtual SignInResult confirmIdentity(const QString &password, const QString &code) = 0;
    /// The same without blocking the caller: identityChecked() reports the outcome.
    virtual void requestConfirmIdentity(const QString &password, const QString &code)
    {
        Q_EMIT identityChecked(confirmIdentity(password, code));
    }
    /// Verifies a fresh two-factor code for the main session (after a reconnect).
    virtual SignInResult verifySecondFactor(const QString &code) = 0;
    /// One attempt to get the main connection back after connectionLost(); blocks while
    /// connecting.
    virtual ReconnectOutcome reconnect() = 0;
    /// The same attempt without blocking the caller: reconnectFinished() reports the
    /// outcome. This default runs reconnect() at once; implementations that can connect on
    /// another thread do so, so a server that doesn't answer never freezes the window.
    virtual void requestReconnect() { Q_EMIT reconnectFinished(reconnect()); }
    /// Closes every connection and forgets the password.
    virtual void signOut() = 0;

    virtual bool isSignedIn() const = 0;
    virtual bool isConnected() const = 0;
    /// True when the main session's writes wait for a two-factor code (after a reconnect).
    virtual bool secondFactorPending() const = 0;
    virtual const SignedInUser &user() const = 0;
    virtual ServerAddress server() const = 0;

Q_SIGNALS:
    /// The main connection dropped (server restart, network, terminated backend).
    void connectionLost();
    /// Outcome of requestSignIn().
    void signInFinished(const rdk::SignInResult &result);
    /// Outcome of requestConfirmIdentity().
    void identityChecked(const rdk::SignInResult &result);
    /// Outcome of requestReconnect().
    void reconnectFinished(rdk::ReconnectOutcome outcome);
    /// The main connection is back (after reconnect() returned Restored or RestoredNeedsCode).
    void connectionRestored();
};

} // namespace rdk
