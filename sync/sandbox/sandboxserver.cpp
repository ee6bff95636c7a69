#include "sync/sandbox/sandboxserver.h"

#include "domain/logcontext.h"
#include "sync/sandbox/sandboxapi.h"

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

Q_LOGGING_CATEGORY(lcHttp, "rdk.sandbox.http")

namespace rdk::sandbox {
namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    case QHttpServerRequest::Method::Connect: return "CONNECT";
    case QHttpServerRequest::Method::Trace: return "TRACE";
    default: return "UNKNOWN";
    }
}

} // namespace

SandboxServer::SandboxServer(SandboxApi &api, QObject *parent) : QAbstractHttpServer(parent), m_api(api) {}

bool SandboxServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QElapsedTimer timer;
    timer.start();
    HttpRequest in;
    in.method = methodName(request.method());
    in.path = request.url().path();
    in.query = request.url().query(QUrl::FullyEncoded).toUtf8();
    in.headers = request.headers();
    in.body = request.body();
    in.peer = request.remoteAddress();

    const HttpResponse out = m_api.handle(in);

    auto response = std::make_shared<QHttpServerResponse>(out.contentType, out.body,
                                                          QHttpServerResponder::StatusCode(out.status));
    for (const auto &[name, value] : out.headers)
        response->addHeader(name, value);

    const ScopedLogField requestId(QStringLiteral("request_id"), QString::fromLatin1(out.header("Request-Id")));
    qCInfo(lcHttp).noquote() << in.method << in.path << out.status << timer.elapsed() << "ms";

    const int latencyMs = m_api.latencyFor(in.path);
    if (latencyMs <= 0) {
        response->write(makeResponder(request, socket));
        return true;
    }
    // Stripe's latency: the work is done, the answer is written later, and the event loop serves
    // other requests meanwhile. Written only while the client's socket still exists (a client
    // that hung up has its socket deleted by QAbstractHttpServer).
    auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
    QTimer::singleShot(latencyMs, this, [responder, response, alive = QPointer<QTcpSocket>(socket)] {
        if (alive)
            response->write(std::move(*responder));
    });
    return true;
}

void SandboxServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Not reached: handleRequest answers everything.
    QHttpServerResponse(QHttpServerResponder::StatusCode::NotFound).write(makeResponder(request, socket));
}

} // namespace rdk::sandbox
