# Run one libFuzzer target for a bounded number of inputs (cmake -P, called by ctest):
#   -DFUZZER=<exe> -DCORPUS=<checked-in corpus> -DWORK=<build dir> -DSECONDS=<n>
#   -DRUNS=<n> -DARGS=<list>
# The checked-in corpus is copied into WORK/corpus and only that copy grows; crash, leak and
# timeout inputs land in WORK/artifacts. Any failure of the fuzzer fails the test.
#
# The run is reproducible: a fixed seed and at most RUNS inputs (SECONDS only caps a slow
# machine), so a test that passed on a commit passes again on it, and a failure is the code's
# (fix it, then add the reproducer to the corpus). Open-ended fuzzing with fresh seeds is
# scripts/fuzz.sh; SLC_FUZZ_SEED=<n> in the environment picks another seed here.
foreach(v FUZZER CORPUS WORK SECONDS RUNS)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_fuzz.cmake: -D${v}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK}/corpus)
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(COPY ${CORPUS}/ DESTINATION ${WORK}/corpus)
set(seed 1)
if(DEFINED ENV{SLC_FUZZ_SEED})
  set(seed $ENV{SLC_FUZZ_SEED})
endif()
execute_process(
  COMMAND ${FUZZER} -seed=${seed} -runs=${RUNS} -max_total_time=${SECONDS} -timeout=10
          -rss_limit_mb=2048
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
  message(FATAL_ERROR "fuzzer ${FUZZER} failed (${rc}, seed ${seed}); reproducer in "
                      "${WORK}/artifacts")
endif()
