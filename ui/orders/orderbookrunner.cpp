#include "ui/orders/orderbookrunner.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

OrderBookRunner::OrderBookRunner(OrderBookFactory factory, QObject *parent)
    : QObject(parent),
      m_browseBook(std::make_shared<LaneResource<OrderBook>>(factory)),
      m_exportBook(std::make_shared<LaneResource<OrderBook>>(factory)),
      m_browse(new UiTaskRunner(UiTaskRunner::Options{u"orders-browse"_s}, this)),
      m_export(new UiTaskRunner(UiTaskRunner::Options{u"orders-export"_s}, this))
{
    for (UiTaskRunner *lane : {m_browse, m_export}) {
        connect(lane, &UiTaskRunner::idle, this, [this] {
            if (pendingJobs() == 0)
                Q_EMIT idle();
        });
    }
}

OrderBookRunner::~OrderBookRunner() = default;

int OrderBookRunner::pendingJobs() const
{
    return m_browse->pendingJobs() + m_export->pendingJobs();
}

} // namespace rdk
