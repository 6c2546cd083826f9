# API reference with Doxygen: the target `sim7080_docs` writes HTML for include/sim7080 into
# <build>/docs/html, from docs/Doxyfile.in. Strict: an undocumented public member or a doc
# error fails it (WARN_AS_ERROR). Defined only when Doxygen is found (Debian: doxygen).
# With the test suite on, the test `docs.doxygen` (label docs) runs the same Doxygen.
find_package(Doxygen QUIET)
if(NOT DOXYGEN_FOUND)
  message(STATUS "sim7080 docs: Doxygen not found; no sim7080_docs target (apt-get install doxygen)")
  return()
endif()

set(SIM7080_DOCS_OUTPUT_DIR ${PROJECT_BINARY_DIR}/docs)
configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${SIM7080_DOCS_OUTPUT_DIR}/Doxyfile @ONLY)
file(GLOB_RECURSE _sim7080_docs_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/sim7080/*.hpp)

add_custom_command(
  OUTPUT ${SIM7080_DOCS_OUTPUT_DIR}/html/index.html
  COMMAND ${DOXYGEN_EXECUTABLE} ${SIM7080_DOCS_OUTPUT_DIR}/Doxyfile
  DEPENDS ${SIM7080_DOCS_OUTPUT_DIR}/Doxyfile ${_sim7080_docs_headers}
  WORKING_DIRECTORY ${SIM7080_DOCS_OUTPUT_DIR}
  COMMENT "Doxygen: API reference of include/sim7080 (warnings are errors)"
  VERBATIM)
add_custom_target(sim7080_docs DEPENDS ${SIM7080_DOCS_OUTPUT_DIR}/html/index.html)

if(SIM7080_BUILD_TESTS)
  # Runs Doxygen itself rather than `cmake --build --target sim7080_docs`, so the test never
  # starts a second build tool in a build directory that may be busy.
  add_test(NAME docs.doxygen
    COMMAND ${DOXYGEN_EXECUTABLE} ${SIM7080_DOCS_OUTPUT_DIR}/Doxyfile
    WORKING_DIRECTORY ${SIM7080_DOCS_OUTPUT_DIR})
  set_tests_properties(docs.doxygen PROPERTIES LABELS docs TIMEOUT 120)
endif()
