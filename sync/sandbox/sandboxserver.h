#pragma once

#include <QAbstractHttpServer>

namespace rdk::sandbox {

class SandboxApi;

/// The socket side: hands every request to SandboxApi and writes its answer. Subclasses
/// QAbstractHttpServer rather than routing through QHttpServer so that every path, including
/// unknown ones, gets a Stripe-shaped answer and the body limit applies everywhere.
class SandboxServer final : public QAbstractHttpServer {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SandboxServer)

public:
    explicit SandboxServer(SandboxApi &api, QObject *parent = nullptr);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    SandboxApi &m_api;
};

} // namespace rdk::sandbox
