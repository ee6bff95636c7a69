#pragma once

#include <QStringList>
#include <QTextStream>

namespace rdk {

/// `rdk-admin stripe connect --env-file FILE [--expect-account acct_...] [--roll-secret | --finish-roll]`:
/// checks the Stripe key and account, creates or updates the shop's webhook endpoint with exactly
/// the events rdk-sync handles, and stores the endpoint's signing secret in FILE. Needs no
/// database: it reads STRIPE_SECRET_KEY, RDK_PUBLIC_URL and STRIPE_API_BASE from the environment
/// over FILE, as rdk-sync does. Exit 0 done (or nothing to do), 1 refused or failed, 64 usage.
int runStripeCommand(const QStringList &args, QTextStream &out, QTextStream &err);

QString stripeUsage();

} // namespace rdk
