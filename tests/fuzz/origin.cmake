# Fuzz targets of origin/: the path normaliser and the Range/conditional header parsers.
# Included from tests/fuzz/CMakeLists.txt, which defines slc_add_fuzz_target().
slc_add_fuzz_target(NAME fuzz_path
                    SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_path.c
                            ${CMAKE_SOURCE_DIR}/origin/origin_path.c
                    INCLUDES ${CMAKE_SOURCE_DIR}/origin ${CMAKE_SOURCE_DIR}/common
                    CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/path
                    RUNS 1500000
                    SECONDS 45)
slc_add_fuzz_target(NAME fuzz_http_headers
                    SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_http_headers.c
                            ${CMAKE_SOURCE_DIR}/origin/origin_headers.c
                    INCLUDES ${CMAKE_SOURCE_DIR}/origin ${CMAKE_SOURCE_DIR}/common
                    CORPUS ${CMAKE_CURRENT_LIST_DIR}/corpus/http_headers
                    RUNS 1500000
                    SECONDS 45)
