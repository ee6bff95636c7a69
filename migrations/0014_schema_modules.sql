-- Re-runnable modules (ADR 0011). Functions and their triggers now live in
-- migrations/modules/*.sql, applied after the numbered changes whenever a file's checksum
-- differs from the one recorded here. The numbered files stay as history.
-- The runner writes these tables; every app role may read them, as schema_migrations, so
-- /readyz can tell whether the schema is current.

CREATE TABLE public.schema_modules (
    name        text PRIMARY KEY,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    applied_by  name NOT NULL DEFAULT session_user,
    duration_ms integer NOT NULL DEFAULT 0
);

-- md5 of pg_get_functiondef() of each function a module defines, taken right after the module
-- ran: `migrate verify` compares it with the live definition to find hand edits.
CREATE TABLE public.schema_module_functions (
    module         text NOT NULL REFERENCES public.schema_modules (name) ON DELETE CASCADE,
    function       text NOT NULL,
    definition_md5 text NOT NULL,
    PRIMARY KEY (module, function)
);

REVOKE ALL ON public.schema_modules, public.schema_module_functions FROM PUBLIC;
GRANT SELECT ON public.schema_modules, public.schema_module_functions TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;
