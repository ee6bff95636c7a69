# Debian packages of Real Deal Kickz (CPack DEB): rdk-sync (the service, with its systemd unit,
# settings template and the Caddy edge), rdk-admin (the command line) and rdk-desk (the back
# office and point of sale, with a desktop entry and icon). rdk-stripe-sandbox is in none of
# them: it is for development and tests only (ADR 0003). `scripts/package` builds them;
# tests/install checks what they contain and runs them. Decisions: docs/adr/0022-*.md.
#
# Versions follow project(VERSION): a native package, 0.1.0 -> rdk-sync_0.1.0_amd64.deb.
# Depends come from dpkg-shlibdeps (the libraries each binary links, at the versions Debian 12
# has), plus what a binary runs or loads without linking it, named below.
include(GNUInstallDirs)

set(RDK_PKG_DIR ${CMAKE_CURRENT_LIST_DIR})
set(RDK_PKG_GEN ${CMAKE_BINARY_DIR}/packaging)
set(RDK_PKG_COMPONENTS rdk-sync rdk-admin rdk-desk)

# Every package's /usr/share/doc/<package>: copyright and a changelog (Debian policy 12.5, 12.7).
string(TIMESTAMP RDK_PKG_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
foreach(component IN LISTS RDK_PKG_COMPONENTS)
  file(MAKE_DIRECTORY ${RDK_PKG_GEN}/${component})
  file(WRITE ${RDK_PKG_GEN}/${component}/changelog
"${component} (${PROJECT_VERSION}) stable; urgency=medium

  * Release ${PROJECT_VERSION} of Real Deal Kickz.

 -- Real Deal Kickz <ops@realdealkickz.example>  ${RDK_PKG_DATE}
")
  execute_process(COMMAND gzip -9nf ${RDK_PKG_GEN}/${component}/changelog)
  install(FILES ${RDK_PKG_DIR}/copyright ${RDK_PKG_GEN}/${component}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${component} COMPONENT ${component})
endforeach()

# rdk-sync: the unit (with its readiness probe), the settings template as a conffile, the edge.
install(FILES ${CMAKE_SOURCE_DIR}/resources/systemd/rdk-sync.service
        DESTINATION /lib/systemd/system COMPONENT rdk-sync)
install(FILES ${CMAKE_SOURCE_DIR}/resources/systemd/rdk-sync.env
        DESTINATION /etc/rdk COMPONENT rdk-sync)
install(FILES ${CMAKE_SOURCE_DIR}/resources/caddy/Caddyfile ${CMAKE_SOURCE_DIR}/docs/caddy-rdk.conf
        DESTINATION ${CMAKE_INSTALL_DATADIR}/rdk-sync/caddy COMPONENT rdk-sync)
install(FILES ${CMAKE_SOURCE_DIR}/docs/RUNBOOK.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/rdk-sync COMPONENT rdk-sync)
install(FILES ${CMAKE_SOURCE_DIR}/.env.example RENAME env.example
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/rdk-sync COMPONENT rdk-sync)

# rdk-desk: the menu entry and the shop's icon (the storefront's favicon, a scalable SVG).
install(FILES ${CMAKE_SOURCE_DIR}/resources/desktop/rdk-desk.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT rdk-desk)
install(FILES ${CMAKE_SOURCE_DIR}/resources/storefront/favicon.svg RENAME rdk-desk.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT rdk-desk)
# The counter PC's settings (no secrets: staff sign in with their own logins); the menu entry
# starts rdk-desk with RDK_ENV_FILE pointing at it.
install(FILES ${CMAKE_SOURCE_DIR}/resources/desktop/rdk-desk.env DESTINATION /etc/rdk COMPONENT rdk-desk)
install(FILES ${CMAKE_SOURCE_DIR}/.env.example RENAME env.example
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/rdk-desk COMPONENT rdk-desk)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rdk)
set(CPACK_PACKAGE_VENDOR "Real Deal Kickz")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_COMPONENTS_ALL ${RDK_PKG_COMPONENTS})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Real Deal Kickz <ops@realdealkickz.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_RDK-SYNC_PACKAGE_NAME rdk-sync)
set(CPACK_DEBIAN_RDK-SYNC_PACKAGE_SECTION net)
set(CPACK_COMPONENT_RDK-SYNC_DESCRIPTION "Real Deal Kickz storefront sync service
rdk-sync serves the shop's storefront, catalog API and product photos, takes
Stripe Checkout payments and webhooks, and sends order mail. It runs as the
rdk-sync system user under systemd, behind Caddy (configuration in
/usr/share/rdk-sync/caddy), and reads its settings from /etc/rdk/rdk-sync.env.")
# adduser: the postinst makes the system user; curl: the unit's readiness probe on /readyz.
set(CPACK_DEBIAN_RDK-SYNC_PACKAGE_DEPENDS "adduser, curl")
set(CPACK_DEBIAN_RDK-SYNC_PACKAGE_RECOMMENDS "caddy")
set(CPACK_DEBIAN_RDK-SYNC_PACKAGE_SUGGESTS "postgresql-15, rdk-admin")
set(CPACK_DEBIAN_RDK-SYNC_PACKAGE_CONTROL_EXTRA
    ${RDK_PKG_DIR}/rdk-sync/postinst ${RDK_PKG_DIR}/rdk-sync/prerm ${RDK_PKG_DIR}/rdk-sync/postrm
    ${RDK_PKG_DIR}/rdk-sync/conffiles)
set(CPACK_DEBIAN_RDK-SYNC_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_RDK-ADMIN_PACKAGE_NAME rdk-admin)
set(CPACK_DEBIAN_RDK-ADMIN_PACKAGE_SECTION admin)
set(CPACK_COMPONENT_RDK-ADMIN_DESCRIPTION "Real Deal Kickz administration command line
rdk-admin migrates the shop's PostgreSQL database, creates shops, staff and
service logins, seeds the demo store and imports or exports the catalog.")
# Run, not linked: `rdk-admin backup` and `restore` call pg_dump and pg_restore (version 15).
set(CPACK_DEBIAN_RDK-ADMIN_PACKAGE_DEPENDS "postgresql-client-15")

set(CPACK_DEBIAN_RDK-DESK_PACKAGE_NAME rdk-desk)
set(CPACK_DEBIAN_RDK-DESK_PACKAGE_SECTION x11)
set(CPACK_COMPONENT_RDK-DESK_DESCRIPTION "Real Deal Kickz back office and point of sale
rdk-desk is the counter and back-office application: catalog, photos, stock,
orders, returns, dashboards and in-person sales paid by a Stripe payment link
shown as a QR code. Staff sign in with their own PostgreSQL login.")
# Loaded at run time, not linked: the SVG icon engine and image plugin (libqt6svg6); fonts
# for receipts and labels.
set(CPACK_DEBIAN_RDK-DESK_PACKAGE_DEPENDS "libqt6svg6")
set(CPACK_DEBIAN_RDK-DESK_PACKAGE_RECOMMENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_RDK-DESK_PACKAGE_CONTROL_EXTRA ${RDK_PKG_DIR}/rdk-desk/conffiles)

include(CPack)
