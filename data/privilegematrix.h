#pragma once

#include "domain/result.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <string>

namespace pqxx {
class transaction_base;
}

namespace rdk::data {

/// The role columns of the privilege matrix, in order (has_*_privilege() spells PUBLIC 'public').
inline const QStringList PrivilegeMatrixRoles = {u"public"_qs, u"rdk_staff"_qs, u"rdk_ops"_qs, u"rdk_admin"_qs, u"rdk_sync"_qs};

/// The privilege matrix of docs/SECURITY.md (the block between its privilege-matrix markers,
/// without them): what PostgreSQL lets each group role and PUBLIC attempt, read from the live
/// catalog as `tx` sees it. tests/security/tst_privilege_matrix compares it with the document;
/// `rdk-admin doctor` compares a deployment's with the document it was built with.
QStringList generateMatrix(pqxx::transaction_base &tx);

/// generateMatrix() on a connection of its own (read only).
Result<QStringList> readPrivilegeMatrix(const std::string &connectionString);

/// The lines between the markers of the markdown file `path` (a resource path works too), or
/// nothing (with the reason) when the file or a marker is missing.
std::optional<QStringList> readDocumentedBlock(const QString &path, QString *error);

/// Lines of one block that the other lacks, counted as multisets (a table's header and
/// separator lines repeat), each list in the order of its own block.
struct BlockDiff {
    QStringList missing; ///< documented, but not what the database says
    QStringList extra;   ///< what the database says, but not documented
    bool orderOnly = false;

    bool same() const { return missing.isEmpty() && extra.isEmpty() && !orderOnly; }
    /// The differing lines, "-" documented, "+" live; or that only the order differs.
    QString describe() const;
};

/// The differences between a documented block and a generated one.
BlockDiff compareBlocks(const QStringList &documented, const QStringList &generated);

} // namespace rdk::data
