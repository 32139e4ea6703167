# Hearth: one non-recursive Makefile. Out-of-tree builds in build/<variant>/.
#   make            release build (build/release/hearth)
#   make run        install dependencies, build, set up ./data on first run, serve
#   make check      build and run every test (unit and integration)
#   make san check  the same under AddressSanitizer and UBSan (build/san/)
#   make lint       clang-format check and banned-function scan
#   make deps       install the Debian packages (as root; prints the apt line otherwise)
#   make browser-deps  Chromium and tests/browser's npm packages, for the browser tests

VARIANT ?= release
ifneq ($(filter san,$(MAKECMDGOALS)),)
VARIANT := san
endif

B := $(or $(BUILD),build/$(VARIANT))
CC ?= cc
PKGS := libmicrohttpd jansson libsodium sqlite3 openssl inih vips libcurl libxml-2.0
DEB_PACKAGES := build-essential pkg-config clang clang-format libclang-rt-14-dev \
	libmicrohttpd-dev libwslay-dev libcurl4-openssl-dev libjansson-dev libsodium-dev \
	libsqlite3-dev libpq-dev libssl-dev libinih-dev libxml2-dev libcmark-dev libidn2-dev \
	libvips-dev python3 python3-pytest python3-requests python3-mastodon toot python3-jsonschema \
	python3-pil python3-websocket python3-httpsig python3-lxml python3-pytest-xdist

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
	-Wimplicit-fallthrough
ifeq ($(CI),true)
WARN += -Werror
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

OPT_release := -O2 -g
OPT_san := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT := $(OPT_$(VARIANT))

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CPPFLAGS += -Isrc -D_GNU_SOURCE
CFLAGS += -std=c17 $(WARN) $(OPT) -MMD -MP $(PKG_CFLAGS) -pthread
LDFLAGS += $(OPT) -pthread
LDLIBS += $(PKG_LIBS) -lwslay -lm

SRC := $(sort $(wildcard src/*/*.c))
OBJ := $(SRC:%.c=$(B)/%.o)
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
TEMPLATES := $(sort $(wildcard src/web/templates/*.html))
STATIC := $(sort $(wildcard src/web/static/*))
# Templates only test_tmpl sees (linked in place of gen/assets.o): recursive and broken ones.
TEST_TEMPLATES := $(sort $(wildcard tests/data/tmpl/*.html))
GEN_OBJ := $(B)/gen/migrations.o $(B)/gen/assets.o
LIB := $(B)/libhearth.a
BIN := $(B)/hearth

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all san check unit integ lint deps browser-deps run clean format
.DEFAULT_GOAL := all

all: $(BIN) $(UNIT_BIN)
san: all

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/gen/migrations.c: $(MIGRATIONS) tools/embed-migrations.sh
	@mkdir -p $(@D)
	sh tools/embed-migrations.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(B)/gen/assets.c: $(TEMPLATES) $(STATIC) tools/embed-assets.sh
	@mkdir -p $(@D)
	sh tools/embed-assets.sh $(TEMPLATES) --static $(STATIC) > $@.tmp && mv $@.tmp $@

$(B)/gen/assets_test.c: $(TEMPLATES) $(TEST_TEMPLATES) $(STATIC) tools/embed-assets.sh
	@mkdir -p $(@D)
	sh tools/embed-assets.sh $(TEMPLATES) $(TEST_TEMPLATES) --static $(STATIC) > $@.tmp && mv $@.tmp $@

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(OBJ) $(GEN_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(B)/src/main.o $(LIB)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(B)/tests/%: tests/unit/%.c $(LIB) tests/t.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# test_tmpl links its own template table (the real templates plus tests/data/tmpl/), which
# defines every symbol of gen/assets.o, so the archive's copy is not pulled in.
$(B)/tests/test_tmpl: tests/unit/test_tmpl.c $(B)/gen/assets_test.o $(LIB) tests/t.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $< $(B)/gen/assets_test.o $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# Benchmark tools (bench/): not part of all.
.PHONY: bench-build
bench-build: $(B)/bench/fedpeer

$(B)/bench/fedpeer: bench/fedpeer.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# As root on a fresh machine, check first installs the Debian packages (as run does).
check:
	@sh tools/deps.sh $(DEB_PACKAGES)
	$(MAKE) VARIANT=$(VARIANT) all
	HEARTH_BUILD=$(B) VARIANT=$(VARIANT) sh tools/run-tests.sh

unit: all
	HEARTH_BUILD=$(B) VARIANT=$(VARIANT) UNIT_ONLY=1 sh tools/run-tests.sh

integ: all
	HEARTH_BUILD=$(B) VARIANT=$(VARIANT) INTEG_ONLY=1 sh tools/run-tests.sh

lint:
	sh tools/lint.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

deps:
	@sh tools/deps.sh $(DEB_PACKAGES)

# The browser tests (tests/integ/test_browser.py): Chromium from Debian, playwright-core and
# axe-core from npm at the versions of tests/browser/package-lock.json.
browser-deps:
	@sh tools/deps.sh chromium
	cd tests/browser && npm ci --no-audit --no-fund

run: deps
	$(MAKE) all
	sh tools/run.sh $(BIN)

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(GEN_OBJ:.o=.d) $(B)/gen/assets_test.d $(B)/src/main.d $(UNIT_BIN:=.d)

# Fuzzers: clang's libFuzzer with ASan and UBSan, each run on its corpus.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_B := build/fuzz
FUZZ_LIB_SRC := $(filter-out src/http/%,$(SRC))
FUZZ_FLAGS := -std=c17 -g -O1 -fno-sanitize-recover=all -Isrc -D_GNU_SOURCE $(PKG_CFLAGS)
FUZZ_CFLAGS := $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined
FUZZ_SECONDS ?= 60

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_B)/%)

FUZZ_GEN := $(B)/gen/migrations.c $(B)/gen/assets.c
# The library is compiled once for every fuzzer (instrumented, without libFuzzer's main).
FUZZ_OBJ := $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(FUZZ_LIB_SRC) $(FUZZ_GEN))

$(FUZZ_B)/obj/%.o: %.c
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) $< $(FUZZ_OBJ) $(PKG_LIBS) -lm -o $@

-include $(FUZZ_OBJ:.o=.d)

fuzz: fuzz-build
	@set -e; for f in $(FUZZ_SRC); do \
		name=$$(basename $$f .c); target=$${name#fuzz_}; \
		mkdir -p tests/fuzz/corpus/$$target $(FUZZ_B)/corpus-$$target; \
		echo "fuzz $$target for $(FUZZ_SECONDS) s"; \
		if ! $(FUZZ_B)/$$name -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-artifact_prefix=$(FUZZ_B)/crash-$$target- \
			$(FUZZ_B)/corpus-$$target tests/fuzz/corpus/$$target > $(FUZZ_B)/$$name.log 2>&1; then \
			tail -n 40 $(FUZZ_B)/$$name.log; echo "fuzz $$target: FAILED"; exit 1; \
		fi; \
		tail -n 2 $(FUZZ_B)/$$name.log; \
	done
