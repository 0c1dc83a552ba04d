# Run one libFuzzer target for a bounded time (cmake -P, called by ctest):
#   -DFUZZER=<exe> -DCORPUS=<checked-in corpus> -DWORK=<build dir> -DSECONDS=<n> -DARGS=<list>
# The checked-in corpus is copied into WORK/corpus and only that copy grows; crash, leak and
# timeout inputs land in WORK/artifacts. Any failure of the fuzzer fails the test.
foreach(v FUZZER CORPUS WORK SECONDS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_fuzz.cmake: -D${v}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK}/corpus)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(COPY ${CORPUS}/ DESTINATION ${WORK}/corpus)
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/ ${ARGS} ${WORK}/corpus
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
string(LENGTH "${out}" len)
if(len GREATER 6000)
  math(EXPR start "${len} - 6000")
  string(SUBSTRING "${out}" ${start} -1 out)
endif()
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer ${FUZZER} failed (${rc}); reproducer in ${WORK}/artifacts")
endif()
