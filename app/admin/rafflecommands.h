#pragma once

#include "app/runtime/config.h"

#include <QStringList>
#include <QTextStream>

namespace rdk {

/// `raffle verify RELEASE-ID`: re-runs a drawn raffle from its recorded seed, stock and entries
/// (domain/release, THE DRAW of docs/DROPS.md) and compares every place and winner with what the
/// database recorded. Exit 0: everything matches; 2: differences (listed); 1: failed; 64: usage.
int runRaffleCommand(const QStringList &args, const AdminConfig &config, QTextStream &out, QTextStream &err);

QString raffleUsage();

} // namespace rdk
