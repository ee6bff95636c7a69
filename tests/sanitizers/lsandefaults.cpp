// Built into the service binaries in sanitizer builds only (RDK_SANITIZE). Tests start
// rdk-sync, rdk-admin and the sandbox with a clean environment, so LSAN_OPTIONS never reaches
// them: the runtime asks these functions instead. Keep in step with lsan.supp.
extern "C" const char *__lsan_default_suppressions()
{
    // libpqxx 6.4 leaves one PGresult per LISTEN connection the server dropped; OpenSSL keeps
    // per-thread state of pool threads alive at exit (both explained in lsan.supp).
    return "leak:PQmakeEmptyPGresult\n"
           "leak:libcrypto.so.3\n";
}
