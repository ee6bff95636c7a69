#pragma once

#include "data/pgsession.h"
#include "domain/desksession.h"

#include <QPointer>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>

#include <memory>
#include <optional>
#include <variant>

namespace rdk::data {

/// The back office's connection to the shop database as the signed-in staff member's own
/// login role. It keeps the connection parameters (password included) in memory only and
/// never writes them anywhere: not to settings, not to logs, not to error messages.
///
/// The main PgSession lives on the UI thread; worker threads (search, imports) open their
/// own sessions with openWorkerSession(). A dropped main connection is noticed through its
/// socket (the server's "terminating connection" message or EOF wakes the event loop), and
/// reconnect() brings it back, re-checking the profile and the two-factor state: a new
/// backend is a new database session, so an admin's writes wait for a fresh code.
class DeskConnection final : public DeskSession {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeskConnection)

public:
    explicit DeskConnection(QObject *parent = nullptr);
    ~DeskConnection() override;

    SignInResult signIn(const SignInRequest &request) override;
    /// Same as signIn() but connects and checks on a short-lived thread; signInFinished()
    /// reports the outcome on this object's thread.
    void requestSignIn(const SignInRequest &request) override;
    SignInResult confirmIdentity(const QString &password, const QString &code) override;
    /// Checks the password on a short-lived thread; identityChecked() reports.
    void requestConfirmIdentity(const QString &password, const QString &code) override;
    SignInResult verifySecondFactor(const QString &code) override;
    ReconnectOutcome reconnect() override;
    /// Connects on a short-lived thread; the profile check and the swap happen back on the
    /// thread that owns this object.
    void requestReconnect() override;
    void signOut() override;

    bool isSignedIn() const override { return m_signedIn; }
    bool isConnected() const override;
    bool secondFactorPending() const override { return m_codePending; }
    const SignedInUser &user() const override { return m_user; }
    ServerAddress server() const override { return m_server; }

    /// The UI thread's session (signed in only). Repositories keep a reference to it: it
    /// stays the same object across reconnects.
    PgSession &mainSession() { return *m_main; }
    /// A separate connection for a worker thread (call it on the UI thread, then hand the
    /// session over). For accounts with a second factor the verified main session vouches
    /// for it in the database (rdk.vouch_for_session), so it may write too; while a fresh
    /// code is pending after a reconnect it can only read, like the main session.
    Result<std::unique_ptr<PgSession>> openWorkerSession();

    /// Ends the main database session from the server side, exactly as an outage or an
    /// operator would (the server terminates the backend). For automation that shows the
    /// reconnect banner; reconnect() brings the session back as after any other drop.
    void dropMainConnection();

    /// Runs the drop check now (normally the socket notifier does). Tests use it to avoid
    /// waiting for the event loop.
    void checkConnection();

private:
    /// A new connection or why there is none (the kinds of classifyConnectError()).
    struct ConnectAttempt {
        std::unique_ptr<PgSession::Connection> connection;   // none when it failed
        SignInErrorKind failure = SignInErrorKind::Internal;
    };
    static ConnectAttempt connectTo(const std::string &connectionString);
    ReconnectOutcome finishReconnect(ConnectAttempt attempt);

    /// A checked, open session that is not yet this object's (built on any thread).
    struct PreparedSignIn {
        std::unique_ptr<PgSession> session;
        SignedInUser user;
        SignInRequest request;
    };
    static std::variant<PreparedSignIn, SignInError> prepareSignIn(const SignInRequest &request);
    SignInResult adoptSignIn(PreparedSignIn prepared);

    std::optional<SignInError> checkIdentityInput(const QString &password, const QString &code) const;
    static std::optional<SignInError> probePassword(const std::string &connectionString);
    SignInResult finishConfirmIdentity(const QString &password, const QString &code,
                                       const std::optional<SignInError> &probeFailure);

    static std::string connectionStringFor(const ServerAddress &server, const QString &login, const QString &password);
    std::string connectionString(const QString &password) const;
    static SignInResult loadProfile(PgSession &session, const QString &login);
    /// Nothing when the code verified this session, else why not.
    static std::optional<SignInError> verifyCode(PgSession &session, const QString &code);
    void watchMainConnection();
    void markLost();
    void forgetPassword();

    ServerAddress m_server;
    QString m_login;
    QString m_password;
    SignedInUser m_user;
    std::unique_ptr<PgSession> m_main;
    QPointer<QSocketNotifier> m_notifier;
    QThread *m_reconnectThread = nullptr;
    QThread *m_signInThread = nullptr;
    QThread *m_identityThread = nullptr;
    QTimer m_liveness;
    int m_backendPid = 0;
    bool m_signedIn = false;
    bool m_lost = false;
    bool m_codePending = false;
};

/// Sorts a failed connection attempt into the kinds people see; TLS refusals become
/// ServerNotTrusted with a sentence (data/pgtlserror.h). `caFile` is the sslrootcert the
/// attempt used. Exposed for tests.
SignInError classifyConnectError(const std::exception &e, const QString &caFile = {});

} // namespace rdk::data
