# Writes rdk_version.h with the `git describe` release; rewrites only on change so builds stay incremental.
execute_process(COMMAND git describe --tags --always --dirty
  WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR describe STREQUAL "")
  set(describe "${FALLBACK}-unknown")
elseif(NOT describe MATCHES "^v?[0-9]")
  set(describe "${FALLBACK}+g${describe}")
endif()
set(content "#pragma once\n#define RDK_RELEASE \"${describe}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${content}")
  file(WRITE ${OUT} "${content}")
endif()
