# Install and export: find_package(sim7080) + target_link_libraries(app sim7080::sim7080), and a
# pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS sim7080 EXPORT sim7080-targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/sim7080 DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/cmake/FindAsio.cmake DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sim7080)
install(EXPORT sim7080-targets NAMESPACE sim7080:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sim7080)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/sim7080-config.cmake.in
  ${PROJECT_BINARY_DIR}/sim7080-config.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sim7080)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sim7080-config-version.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sim7080-config.cmake ${PROJECT_BINARY_DIR}/sim7080-config-version.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sim7080)

# The .pc file finds its prefix from its own place, so the installed tree can be moved
# (a staging root, a .deb) and pkg-config still points into it.
file(RELATIVE_PATH SIM7080_PC_TO_PREFIX "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig" "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" SIM7080_PC_TO_PREFIX "${SIM7080_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/sim7080.pc.in ${PROJECT_BINARY_DIR}/sim7080.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sim7080.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
