#include "domain/backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <cmath>

namespace rdk {

Backoff::Delay Backoff::delay(int attempt) const
{
    // Beyond 62 steps every wait is the cap anyway (and the double stays finite).
    const int steps = std::clamp(attempt - 1, 0, 62);
    double wait = double(m_initial.count()) * std::pow(std::max(1.0, m_factor), steps);
    wait = std::min(wait, double(m_max.count()));
    const double jitter = std::clamp(m_jitter, 0.0, 1.0);
    if (jitter > 0.0)
        wait *= 1.0 - jitter + 2.0 * jitter * QRandomGenerator::global()->generateDouble();
    return Delay(qint64(std::llround(wait)));
}

} // namespace rdk
