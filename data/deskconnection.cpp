#include "data/deskconnection.h"

#include "data/pgsessionpqxx.h"
#include "data/pgtlserror.h"

#include <QLoggingCategory>

#include <pqxx/except>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcDesk, "rdk.data.desk")

namespace rdk::data {
namespace {

// libpq keyword/value syntax: single-quoted, with backslash and quote escaped. Using this
// form (not a URL) means no percent-encoding mistakes with odd passwords.
std::string quoted(const QString &value)
{
    std::string out = "'";
    for (const char c : value.toStdString()) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "'";
}

bool contains(const std::exception &e, const char *needle)
{
    return std::string_view(e.what()).find(needle) != std::string_view::npos;
}

SignInError error(SignInErrorKind kind, QString message, QString field = {})
{
    return {kind, std::move(message), std::move(field)};
}

bool constantTimeEquals(const QString &a, const QString &b)
{
    const QByteArray x = a.toUtf8();
    const QByteArray y = b.toUtf8();
    unsigned char diff = x.size() == y.size() ? 0 : 1;
    for (qsizetype i = 0; i < std::min(x.size(), y.size()); ++i)
        diff |= static_cast<unsigned char>(x[i] ^ y[i]);
    return diff == 0;
}

} // namespace

SignInError classifyConnectError(const std::exception &e, const QString &caFile)
{
    // TLS first (ADR 0025): a certificate that doesn't prove the server is the shop's is not
    // "unreachable", and libpq's text would mean nothing to the person at the counter.
    if (auto tls = describeTlsConnectError(e.what(), caFile))
        return error(SignInErrorKind::ServerNotTrusted, tls->message, u"server"_s);
    // libpq reports authentication problems as text only (libpqxx 6 gives no SQLSTATE for
    // a failed connect); these are the server's fixed English messages (lc_messages=C).
    if (contains(e, "password authentication failed") || contains(e, "no password supplied"))
        return error(SignInErrorKind::WrongCredentials, u"Wrong login or password."_s, u"password"_s);
    if (contains(e, "is not permitted to log in"))
        return error(SignInErrorKind::AccountDisabled,
                     u"This account is disabled. Ask an admin of your shop to enable it again."_s, u"login"_s);
    if (contains(e, "database \"") && contains(e, "does not exist"))
        return error(SignInErrorKind::ServerUnreachable,
                     u"The server answers, but it has no database with that name. Check the server field."_s, u"server"_s);
    if (contains(e, "no pg_hba.conf entry") || contains(e, "pg_hba.conf rejects connection"))
        return error(SignInErrorKind::ServerUnreachable,
                     u"The server refuses connections from this computer. Ask whoever runs the database."_s, u"server"_s);
    if (contains(e, "too many connections") || contains(e, "the database system is"))
        return error(SignInErrorKind::ServerUnreachable,
                     u"The database server is busy or starting up. Try again in a moment."_s, u"server"_s);
    if (dynamic_cast<const pqxx::broken_connection *>(&e))
        return error(SignInErrorKind::ServerUnreachable,
                     u"Can't reach the database server. Check the server address and your network, then try again."_s,
                     u"server"_s);
    return error(SignInErrorKind::Internal, u"Signing in failed for an unexpected reason; the log has the details."_s);
}

DeskConnection::DeskConnection(QObject *parent) : DeskSession(parent)
{
    // A screen's query may run into a dead connection before the event loop looks at the
    // socket; libpqxx then closes it and the socket notifier never fires. Checking the
    // connection's own state once a second (no network traffic) catches that case.
    m_liveness.setInterval(1000);
    connect(&m_liveness, &QTimer::timeout, this, [this] {
        // A different backend pid means libpqxx quietly reconnected for a query: that is a
        // new database session (unverified), so it goes through reconnect() like any drop.
        if (m_signedIn && !m_lost && m_main
            && (!m_main->connection().is_open() || m_main->connection().backendpid() != m_backendPid))
            markLost();
    });
}

DeskConnection::~DeskConnection()
{
    signOut();
}

std::string DeskConnection::connectionStringFor(const ServerAddress &server, const QString &login, const QString &password)
{
    // Short connect timeout: the UI waits for it. Keepalives make a silently dead network
    // show up as a socket error within about 25 s instead of hours.
    return "host=" + quoted(server.host) + " port=" + std::to_string(server.port)
         + " dbname=" + quoted(server.database) + " user=" + quoted(login)
         + " password=" + quoted(password)
         + " connect_timeout=5 application_name='rdk-desk' keepalives=1 keepalives_idle=10"
           " keepalives_interval=5 keepalives_count=3"
         + (server.sslMode.isEmpty() ? std::string() : " sslmode=" + quoted(server.sslMode))
         + (server.sslRootCert.isEmpty() ? std::string() : " sslrootcert=" + quoted(server.sslRootCert));
}

std::string DeskConnection::connectionString(const QString &password) const
{
    return connectionStringFor(m_server, m_login, password);
}

bool DeskConnection::isConnected() const
{
    return m_signedIn && !m_lost && m_main && m_main->connection().is_open();
}

std::variant<DeskConnection::PreparedSignIn, SignInError> DeskConnection::prepareSignIn(const SignInRequest &request)
{
    auto normalized = normalizeSignInRequest(request);
    if (auto *failure = std::get_if<SignInError>(&normalized))
        return *failure;
    PreparedSignIn prepared;
    prepared.request = std::get<SignInRequest>(std::move(normalized));
    const SignInRequest &clean = prepared.request;

    std::unique_ptr<pqxx::connection> connection;
    try {
        connection = std::make_unique<pqxx::connection>(connectionStringFor(clean.server, clean.login, clean.password));
    } catch (const std::exception &e) {
        // libpq's own words stay in the log (all lines: TLS problems explain on the second).
        qCInfo(lcDesk).noquote() << "sign-in of" << clean.login << "at" << clean.server.toDisplayString()
                                 << "failed:" << QString::fromUtf8(e.what()).trimmed().replace(u'\n', u" / "_s);
        return classifyConnectError(e, clean.server.sslRootCert);
    }
    prepared.session = PgSession::adopt(std::move(connection));
    SignInResult profile = loadProfile(*prepared.session, clean.login);
    if (!profile)
        return profile.error();
    if (profile.user().needsSecondFactor()) {
        if (clean.code.isEmpty())
            return error(SignInErrorKind::CodeRequired,
                         u"This account uses two-factor sign-in. Enter the 6-digit code from your authenticator app."_s,
                         u"code"_s);
        if (auto wrong = verifyCode(*prepared.session, clean.code))
            return *wrong;
    }
    prepared.user = profile.user();
    return prepared;
}

SignInResult DeskConnection::adoptSignIn(PreparedSignIn prepared)
{
    m_server = prepared.request.server;
    m_login = prepared.request.login;
    m_password = prepared.request.password;
    prepared.request.password.clear();
    m_user = prepared.user;
    m_main = std::move(prepared.session);
    m_signedIn = true;
    m_lost = false;
    m_codePending = false;
    watchMainConnection();
    m_liveness.start();
    qCInfo(lcDesk).noquote() << m_login << "signed in at" << m_server.toDisplayString() << "as" << toString(m_user.role);
    return m_user;
}

SignInResult DeskConnection::signIn(const SignInRequest &request)
{
    signOut();
    auto prepared = prepareSignIn(request);
    if (auto *failure = std::get_if<SignInError>(&prepared))
        return *failure;
    return adoptSignIn(std::get<PreparedSignIn>(std::move(prepared)));
}

void DeskConnection::requestSignIn(const SignInRequest &request)
{
    if (m_signInThread)
        return;  // one at a time; the running one reports
    signOut();
    auto outcome = std::make_shared<std::variant<PreparedSignIn, SignInError>>();
    // Connecting, the profile check and the code check run off the UI thread; only the
    // finished session is adopted here (its socket notifier must live on this thread).
    m_signInThread = QThread::create([outcome, request] { *outcome = prepareSignIn(request); });
    connect(m_signInThread, &QThread::finished, this, [this, outcome] {
        m_signInThread->deleteLater();
        m_signInThread = nullptr;
        if (auto *failure = std::get_if<SignInError>(outcome.get())) {
            Q_EMIT signInFinished(*failure);
            return;
        }
        Q_EMIT signInFinished(adoptSignIn(std::get<PreparedSignIn>(std::move(*outcome))));
    });
    m_signInThread->start();
}

SignInResult DeskConnection::loadProfile(PgSession &session, const QString &login)
{
    struct Row {
        std::optional<SignedInUser> user;
        bool staffMember = false;
    };
    auto row = session.transact([&](pqxx::work &tx) -> Result<Row> {
        // Service and other logins have no right to read profiles at all: ask first.
        Row result;
        result.staffMember = tx.exec1(
            "SELECT pg_has_role(session_user, 'rdk_staff', 'MEMBER') OR pg_has_role(session_user, 'rdk_ops', 'MEMBER')"
            "    OR pg_has_role(session_user, 'rdk_admin', 'MEMBER')")[0].as<bool>();
        if (!result.staffMember)
            return result;
        // RLS shows a staff login its own profile only while it is active (rdk.session_profile).
        const auto rows = tx.exec(
            "SELECT p.id::text, p.display_name, p.role, p.twofa_enabled, t.id::text, t.name, t.currency, t.timezone"
            "  FROM public.profiles p JOIN public.tenants t ON t.id = p.tenant_id"
            " WHERE p.db_role = session_user AND p.active");
        if (rows.empty())
            return result;
        const auto &r = rows[0];
        SignedInUser user;
        user.profileId = text(r[0]);
        user.login = login;
        user.displayName = text(r[1]);
        const auto role = staffRoleFromString(text(r[2]));
        if (!role)
            return Error::internal(u"unknown staff role '%1'"_s.arg(text(r[2])));
        user.role = *role;
        user.twofaEnabled = r[3].as<bool>();
        user.tenantId = text(r[4]);
        user.tenantName = text(r[5]);
        user.currency = text(r[6]).trimmed();
        user.timezone = text(r[7]);
        result.user = user;
        return result;
    });
    if (!row) {
        if (row.error().code == ErrorCode::Unavailable)
            return error(SignInErrorKind::ServerUnreachable, row.error().message, u"server"_s);
        return error(SignInErrorKind::Internal, u"Signing in failed: %1"_s.arg(row.error().message));
    }
    if (row->user)
        return *row->user;
    if (row->staffMember)
        return error(SignInErrorKind::AccountDisabled,
                     u"This account is disabled. Ask an admin of your shop to enable it again."_s, u"login"_s);
    return error(SignInErrorKind::NotStaffAccount,
                 u"This login is not a staff account of any shop, so it can't use the back office."_s, u"login"_s);
}

std::optional<SignInError> DeskConnection::verifyCode(PgSession &session, const QString &code)
{
    const auto digits = normalizeTotpCode(code);
    if (!digits)
        return error(SignInErrorKind::CodeWrong, u"The two-factor code is the 6 digits your authenticator app shows."_s,
                     u"code"_s);
    // rdk.totp_verify checks the code in the database and marks this database session as
    // verified; the commit keeps the mark. Wrong codes are throttled there too.
    auto verified = session.transact([&](pqxx::work &tx) -> Result<bool> {
        return tx.exec_params1("SELECT rdk.totp_verify($1)", str(*digits))[0].as<bool>();
    });
    if (!verified) {
        if (verified.error().message.contains(u"Too many wrong codes"_s))
            return error(SignInErrorKind::TooManyAttempts, verified.error().message, u"code"_s);
        if (verified.error().code == ErrorCode::Unavailable)
            return error(SignInErrorKind::ServerUnreachable, verified.error().message);
        return error(SignInErrorKind::Internal, u"Checking the code failed: %1"_s.arg(verified.error().message), u"code"_s);
    }
    if (!verified.value())
        return error(SignInErrorKind::CodeWrong,
                     u"That code is not right. Codes change every 30 seconds and each works only once: "
                     u"enter the current one."_s,
                     u"code"_s);
    return std::nullopt;
}

std::optional<SignInError> DeskConnection::checkIdentityInput(const QString &password, const QString &code) const
{
    if (!m_signedIn)
        return error(SignInErrorKind::Internal, u"Nobody is signed in."_s);
    if (password.isEmpty())
        return error(SignInErrorKind::InvalidInput, u"Enter your password."_s, u"password"_s);
    if (password.size() > MaxSignInPasswordLength || password.contains(QChar(0)))
        return error(SignInErrorKind::WrongCredentials, u"Wrong password."_s, u"password"_s);
    if (m_user.needsSecondFactor() && code.trimmed().isEmpty())
        return error(SignInErrorKind::CodeRequired, u"Enter the 6-digit code from your authenticator app."_s, u"code"_s);
    return std::nullopt;
}

std::optional<SignInError> DeskConnection::probePassword(const std::string &connectionString)
{
    try {
        pqxx::connection probe(connectionString);
        probe.disconnect();
        return std::nullopt;
    } catch (const std::exception &e) {
        qCInfo(lcDesk).noquote() << "password check failed:" << QString::fromUtf8(e.what()).trimmed().replace(u'\n', u" / "_s);
        return classifyConnectError(e, sslRootCertOf(connectionString));
    }
}

SignInResult DeskConnection::finishConfirmIdentity(const QString &password, const QString &code,
                                                   const std::optional<SignInError> &probeFailure)
{
    if (!m_signedIn)
        return error(SignInErrorKind::Internal, u"Nobody is signed in."_s);
    // The server checks the password (an admin may have changed it meanwhile). A reachable
    // server's answer wins; only when it can't be reached does the desk compare with the
    // password it signed in with, so a network outage doesn't lock people out of their work.
    if (probeFailure) {
        if (probeFailure->kind != SignInErrorKind::ServerUnreachable)
            return probeFailure->kind == SignInErrorKind::WrongCredentials
                       ? error(SignInErrorKind::WrongCredentials, u"Wrong password."_s, u"password"_s)
                       : *probeFailure;
        if (!constantTimeEquals(password, m_password))
            return error(SignInErrorKind::WrongCredentials, u"Wrong password."_s, u"password"_s);
        if (m_user.needsSecondFactor())
            return error(SignInErrorKind::ServerUnreachable,
                         u"The database can't be reached, so your two-factor code can't be checked. "
                         u"Try again when the connection is back."_s);
        return m_user;
    }
    m_password = password;
    if (!m_user.needsSecondFactor())
        return m_user;
    return verifySecondFactor(code);
}

SignInResult DeskConnection::confirmIdentity(const QString &password, const QString &code)
{
    if (auto refused = checkIdentityInput(password, code))
        return *refused;
    return finishConfirmIdentity(password, code, probePassword(connectionString(password)));
}

void DeskConnection::requestConfirmIdentity(const QString &password, const QString &code)
{
    if (m_identityThread)
        return;
    if (auto refused = checkIdentityInput(password, code)) {
        Q_EMIT identityChecked(*refused);
        return;
    }
    auto probe = std::make_shared<std::optional<SignInError>>();
    m_identityThread = QThread::create([probe, target = connectionString(password)] { *probe = probePassword(target); });
    connect(m_identityThread, &QThread::finished, this, [this, probe, password, code] {
        m_identityThread->deleteLater();
        m_identityThread = nullptr;
        Q_EMIT identityChecked(finishConfirmIdentity(password, code, *probe));
    });
    m_identityThread->start();
}

SignInResult DeskConnection::verifySecondFactor(const QString &code)
{
    if (!m_signedIn || !m_main)
        return error(SignInErrorKind::Internal, u"Nobody is signed in."_s);
    if (m_lost)
        return error(SignInErrorKind::ServerUnreachable, u"The database can't be reached right now; try again when it is back."_s);
    if (auto wrong = verifyCode(*m_main, code))
        return *wrong;
    m_codePending = false;
    return m_user;
}

DeskConnection::ConnectAttempt DeskConnection::connectTo(const std::string &connectionString)
{
    ConnectAttempt attempt;
    try {
        attempt.connection = std::make_unique<PgSession::Connection>(std::make_unique<pqxx::connection>(connectionString));
    } catch (const std::exception &e) {
        qCInfo(lcDesk).noquote() << "reconnect failed:" << QString::fromUtf8(e.what()).trimmed().replace(u'\n', u" / "_s);
        attempt.failure = classifyConnectError(e).kind;
    }
    return attempt;
}

ReconnectOutcome DeskConnection::reconnect()
{
    if (!m_signedIn)
        return ReconnectOutcome::AccessRevoked;
    return finishReconnect(connectTo(connectionString(m_password)));
}

void DeskConnection::requestReconnect()
{
    if (m_reconnectThread)
        return;  // one attempt at a time; the running one reports
    if (!m_signedIn) {
        Q_EMIT reconnectFinished(ReconnectOutcome::AccessRevoked);
        return;
    }
    auto attempt = std::make_shared<ConnectAttempt>();
    m_reconnectThread = QThread::create([attempt, target = connectionString(m_password)] { *attempt = connectTo(target); });
    connect(m_reconnectThread, &QThread::finished, this, [this, attempt] {
        m_reconnectThread->deleteLater();
        m_reconnectThread = nullptr;
        Q_EMIT reconnectFinished(finishReconnect(std::move(*attempt)));
    });
    m_reconnectThread->start();
}

ReconnectOutcome DeskConnection::finishReconnect(ConnectAttempt attempt)
{
    if (!m_signedIn || !m_main)
        return ReconnectOutcome::AccessRevoked;
    if (!attempt.connection) {
        // A certificate that stopped matching is the server's (or the network's) problem, not a
        // revoked account: keep trying, nothing secret was sent before verification failed.
        if (attempt.failure == SignInErrorKind::ServerUnreachable || attempt.failure == SignInErrorKind::Internal
            || attempt.failure == SignInErrorKind::ServerNotTrusted)
            return ReconnectOutcome::StillDown;
        qCWarning(lcDesk).noquote() << "reconnect of" << m_login << "refused:" << toString(attempt.failure);
        return ReconnectOutcome::AccessRevoked;
    }
    m_main->replaceConnection(std::move(*attempt.connection));
    SignInResult profile = loadProfile(*m_main, m_login);
    if (!profile) {
        if (profile.error().kind == SignInErrorKind::ServerUnreachable)
            return ReconnectOutcome::StillDown;
        return ReconnectOutcome::AccessRevoked;
    }
    m_user = profile.user();
    m_lost = false;
    // A new backend is a new database session: its two-factor mark starts empty.
    m_codePending = m_user.needsSecondFactor();
    watchMainConnection();
    qCInfo(lcDesk).noquote() << "reconnected" << m_login << (m_codePending ? "(waiting for a fresh code)" : "");
    Q_EMIT connectionRestored();
    return m_codePending ? ReconnectOutcome::RestoredNeedsCode : ReconnectOutcome::Restored;
}

Result<std::unique_ptr<PgSession>> DeskConnection::openWorkerSession()
{
    if (!m_signedIn)
        return Error::forbidden(u"Sign in first."_s);
    auto worker = PgSession::open(connectionString(m_password));
    if (!worker || !m_user.needsSecondFactor() || m_codePending || m_lost)
        return worker;
    const int pid = worker.value()->connection().backendpid();
    auto vouched = m_main->transact([&](pqxx::work &tx) -> Result<bool> {
        return tx.exec_params1("SELECT rdk.vouch_for_session($1)", pid)[0].as<bool>();
    });
    if (!vouched)
        return vouched.error();
    if (!vouched.value())
        qCWarning(lcDesk) << "the main session could not vouch for worker backend" << pid << "(it may only read)";
    return worker;
}

void DeskConnection::watchMainConnection()
{
    delete m_notifier;
    const int socket = m_main ? m_main->connection().sock() : -1;
    m_backendPid = m_main ? m_main->connection().backendpid() : 0;
    if (socket < 0)
        return;
    // Between transactions nothing should arrive on the socket except notifications and
    // the server's goodbye (FATAL on termination, then EOF): either wakes us up.
    m_notifier = new QSocketNotifier(qintptr(socket), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &DeskConnection::checkConnection);
}

void DeskConnection::checkConnection()
{
    if (!m_signedIn || m_lost || !m_main)
        return;
    try {
        m_main->connection().get_notifs();
        if (!m_main->connection().is_open() || m_main->connection().backendpid() != m_backendPid)
            markLost();
    } catch (const std::exception &e) {
        qCWarning(lcDesk).noquote() << "database connection lost:" << QString::fromUtf8(e.what()).section(u'\n', 0, 0);
        markLost();
    }
}

void DeskConnection::dropMainConnection()
{
    if (!m_signedIn || m_lost || !m_main)
        return;
    // Any role may end its own backends; the error that follows is the point.
    (void)m_main->transact([](pqxx::work &tx) -> Status {
        tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
        return {};
    });
    checkConnection();
}

void DeskConnection::markLost()
{
    if (m_lost)
        return;
    m_lost = true;
    // The descriptor is dead and may be reused by the next connection: stop watching it.
    delete m_notifier;
    Q_EMIT connectionLost();
}

void DeskConnection::forgetPassword()
{
    // Best effort: overwrite the characters before the buffer is released.
    m_password.fill(QChar(0));
    m_password.clear();
}

void DeskConnection::signOut()
{
    if (m_identityThread) {
        m_identityThread->disconnect(this);
        m_identityThread->wait();
        delete m_identityThread;
        m_identityThread = nullptr;
    }
    if (m_signInThread) {
        m_signInThread->disconnect(this);
        m_signInThread->wait();
        delete m_signInThread;
        m_signInThread = nullptr;
    }
    if (m_reconnectThread) {
        // Waits at most the connect timeout; the attempt's result is discarded.
        m_reconnectThread->disconnect(this);
        m_reconnectThread->wait();
        delete m_reconnectThread;
        m_reconnectThread = nullptr;
    }
    m_liveness.stop();
    delete m_notifier;
    m_main.reset();
    forgetPassword();
    m_signedIn = false;
    m_lost = false;
    m_codePending = false;
    m_backendPid = 0;
    m_user = {};
}

} // namespace rdk::data
