# mtm: one binary for the Mobility Tracking Matrix.
#
#   make          build build/mtm (optimised)
#   make demo     install missing Debian packages, build, run the demo operation
#   make check    install, build with ASan+UBSan (and TSan), run every test
#   make bench    run the benchmarks in bench/ (see BENCHMARKS.md)
#   make fuzz     build the libFuzzer harnesses of tests/fuzz/ with clang
#                 (see tests/fuzz/README.md; not part of make check)

VERSION := 0.1.0
CC      ?= gcc
PKGS    := sqlite3 libzip expat jansson libutf8proc libsodium xlsxwriter libcmark-gfm pangocairo librsvg-2.0 cairo-pdf
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DEFS    := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DMTM_VERSION='"$(VERSION)"' -DMTM_DATADIR='"$(CURDIR)/data"'
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(WARN) $(DEFS) -Isrc $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LIBS     = $(PKG_LIBS) -lcmark-gfm-extensions -lm

SAN     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRCS    := $(sort $(wildcard src/*/*.c))
LIBSRCS := $(filter-out src/cli/main.c,$(SRCS))
UNITS   := $(sort $(wildcard tests/unit/*/test_*.c))

OBJ      = $(patsubst src/%.c,build/obj/%.o,$(LIBSRCS))
SANOBJ   = $(patsubst src/%.c,build/asan/obj/%.o,$(LIBSRCS))
UNITBINS = $(patsubst tests/unit/%.c,build/asan/unit/%,$(UNITS))

.PHONY: all deps demo check test unit bench clean format fuzz
all: build/mtm

deps:
	@scripts/deps.sh build

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo '  CC asan $<'
	@$(CC) $(WARN) $(DEFS) -Isrc $(PKG_CFLAGS) $(SAN) -MMD -MP -c $< -o $@

build/libmtm.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/libmtm.a: $(SANOBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^

build/mtm: build/obj/cli/main.o build/libmtm.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

build/asan/mtm: build/asan/obj/cli/main.o build/asan/libmtm.a
	$(CC) $(SAN) -o $@ $^ $(LIBS)

# ThreadSanitizer: the binary the threaded analysis runs under in
# tests/e2e/analyse-threads (TSan cannot be combined with ASan).
TSAN    := -O1 -g -fsanitize=thread
TSANOBJ  = $(patsubst src/%.c,build/tsan/obj/%.o,$(LIBSRCS))

build/tsan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo '  CC tsan $<'
	@$(CC) $(WARN) $(DEFS) -Isrc $(PKG_CFLAGS) $(TSAN) -MMD -MP -c $< -o $@

build/tsan/libmtm.a: $(TSANOBJ)
	@rm -f $@
	@ar rcs $@ $^

build/tsan/mtm: build/tsan/obj/cli/main.o build/tsan/libmtm.a
	$(CC) $(TSAN) -o $@ $^ $(LIBS)

build/asan/unit/%: tests/unit/%.c build/asan/libmtm.a
	@mkdir -p $(dir $@)
	@echo '  UNIT    $<'
	@$(CC) $(WARN) $(DEFS) -Isrc -Itests $(PKG_CFLAGS) $$(pkg-config --cflags cmocka) $(SAN) \
	  -o $@ $< build/asan/libmtm.a $(LIBS) $$(pkg-config --libs cmocka)

# The fuzz harnesses: the library compiled by clang with coverage
# instrumentation and ASan+UBSan into build/fuzz/, one binary per
# tests/fuzz/fuzz_*.c. gcc builds above are not affected.
FUZZ_CC    := clang
FUZZ_SAN   := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
# Tiny read blocks, so that records and rows cross them on small inputs.
FUZZ_DEFS  := -DMTM_CSV_BLOCK=16 -DMTM_XLSX_CHUNK=64
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJ    = $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIBSRCS))

build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo '  CC fuzz $<'
	@$(FUZZ_CC) $(WARN) $(DEFS) $(FUZZ_DEFS) -Isrc $(PKG_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	  -MMD -MP -c $< -o $@

build/fuzz/libmtm.a: $(FUZZ_OBJ)
	@rm -f $@
	@ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h build/fuzz/libmtm.a
	@echo '  FUZZER  $<'
	@$(FUZZ_CC) $(WARN) $(DEFS) -Isrc -Itests/fuzz $(PKG_CFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer \
	  -o $@ $< build/fuzz/libmtm.a $(LIBS)

fuzz: $(FUZZ_BINS)

fuzz-xls: build/fuzz/fuzz_xls

demo:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory build/mtm
	build/mtm demo --out demo-out

check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory -j2 build/asan/mtm $(UNITBINS) build/tsan/mtm
	@MTM_TSAN=$(CURDIR)/build/tsan/mtm tests/run.sh build/asan

test: check

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build/mtm
	bench/run.sh

format:
	clang-format -i src/*/*.c src/*/*.h

clean:
	rm -rf build demo-out

-include $(OBJ:.o=.d) $(SANOBJ:.o=.d) $(TSANOBJ:.o=.d) $(FUZZ_OBJ:.o=.d) build/obj/cli/main.d build/asan/obj/cli/main.d build/tsan/obj/cli/main.d
