# vessel — build, test, demo and benchmarks.
#   make         build/vessel and build/vessel-runtime (release)
#   make test    ASan+UBSan build, cmocka unit tests, bats integration tests
#   make demo    install deps, build, run a busybox container
#   make bench   benchmarks side by side with runc, crun, podman, skopeo+umoci

CC      ?= gcc
PKGS    := jansson libseccomp libcap
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
PKG_STATIC := $(shell pkg-config --static --libs $(PKGS) 2>/dev/null)
# The engine (build/vessel) also uses the image libraries; the runtime does not.
IMG_PKGS   := libarchive libcurl sqlite3 libcrypto libisal
IMG_CFLAGS := $(shell pkg-config --cflags $(IMG_PKGS) 2>/dev/null)
# libcurl, libarchive and libcrypto are dlopen'ed on first use (src/image/lazy-libs.h).
IMG_LIBS   := $(shell pkg-config --libs sqlite3 libisal 2>/dev/null) -ldl -lpthread
# The release CLI carries its small libraries inside (Debian's static archives):
# every `vessel` command is a new process, and loading and relocating five
# shared libraries cost it 0.4 ms of its 1.4 ms start.  libc, libm and libisal
# stay shared; libcurl, libarchive and libcrypto are dlopen'ed when needed.
VESSEL_LIBS := -Wl,-Bstatic -ljansson -lseccomp -lcap -lsqlite3 -Wl,-Bdynamic $(shell pkg-config --libs libisal 2>/dev/null) -lm -ldl -lpthread

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes -Wno-format-nonliteral -Wno-format-truncation
BASE_CFLAGS := -std=gnu17 -D_GNU_SOURCE $(WARN) -fstack-protector-strong -fno-strict-aliasing $(PKG_CFLAGS) $(IMG_CFLAGS)
# Release binaries carry no debug info (the runtime may have to copy itself
# into a sealed memfd on create/run, see src/runtime/selfexe.h).
REL_CFLAGS  := $(BASE_CFLAGS) -O2 -D_FORTIFY_SOURCE=2 -ffunction-sections -fdata-sections
REL_LDFLAGS := -Wl,-z,relro,-z,now -Wl,--gc-sections -Wl,--as-needed -s
# ASan and _FORTIFY_SOURCE do not mix well; the sanitizers check more.
SAN_FLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_CFLAGS  := $(BASE_CFLAGS) -O1 -g $(SAN_FLAGS)
# The runtime's entry point runs before libc starts (src/runtime/selfexe-early.c):
# no stack protector (no TLS yet), no fortify or builtins (no libc calls), no sanitizer.
EARLY_CFLAGS := -fno-stack-protector -U_FORTIFY_SOURCE -fno-builtin -fno-tree-loop-distribute-patterns -fno-sanitize=all
comma       := ,
X86_64      := $(filter x86_64%,$(shell $(CC) -dumpmachine))
RT_ENTRY    := $(if $(X86_64),-Wl$(comma)-e$(comma)vs_runtime_entry)
MON_ENTRY   := $(if $(X86_64),-Wl$(comma)-e$(comma)vs_monitor_entry)

BASIC_SRC   := $(wildcard src/basic/*.c)
RUNTIME_SRC := $(wildcard src/runtime/*.c)
RTCLI_SRC   := $(wildcard src/cli/runtime/*.c)
IMAGE_SRC   := $(wildcard src/image/*.c)
ENGINE_SRC  := $(wildcard src/engine/*.c)
VESSEL_SRC  := $(wildcard src/cli/vessel/*.c)
MONITOR_SRC := $(wildcard src/monitor/*.c)
# The parts of the monitor the unit tests link.
MONITOR_LIB := src/monitor/logfile.c
LIB_SRC     := $(BASIC_SRC) $(RUNTIME_SRC)
UNIT_SRC    := $(wildcard tests/unit/test-*.c)

REL := build/obj
SAN := build/asan/obj

all: build/vessel build/vessel-runtime build/vessel-monitor

$(REL)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(REL_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@
$(SAN)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(SAN_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@
$(REL)/src/runtime/selfexe-early.o $(SAN)/src/runtime/selfexe-early.o: EXTRA_CFLAGS := $(EARLY_CFLAGS)

# The runtime links statically (static-pie keeps ASLR): it is exec'd twice per
# container (once from its sealed copy), and no dynamic loading is cheapest.
build/vessel-runtime: $(patsubst %.c,$(REL)/%.o,$(LIB_SRC) $(RTCLI_SRC))
	@echo "  CC $@"; $(CC) $(REL_CFLAGS) $(REL_LDFLAGS) $(RT_ENTRY) -static-pie -o $@ $^ $(PKG_STATIC)
build/vessel: $(patsubst %.c,$(REL)/%.o,$(VESSEL_SRC) $(ENGINE_SRC) $(IMAGE_SRC) $(LIB_SRC))
	@echo "  CC $@"; $(CC) $(REL_CFLAGS) $(REL_LDFLAGS) -o $@ $^ $(VESSEL_LIBS)
# The per-container monitor, static too; the runtime's code is linked in
# (it starts containers in a forked child, src/monitor/main.c).
build/vessel-monitor: $(patsubst %.c,$(REL)/%.o,$(MONITOR_SRC) $(LIB_SRC))
	@echo "  CC $@"; $(CC) $(REL_CFLAGS) $(REL_LDFLAGS) $(MON_ENTRY) -static-pie -o $@ $^ $(PKG_STATIC)
build/asan/vessel-monitor: $(patsubst %.c,$(SAN)/%.o,$(MONITOR_SRC) $(LIB_SRC))
	@echo "  CC $@"; $(CC) $(SAN_CFLAGS) $(MON_ENTRY) -o $@ $^ $(PKG_LIBS)
build/asan/vessel-runtime: $(patsubst %.c,$(SAN)/%.o,$(LIB_SRC) $(RTCLI_SRC))
	@echo "  CC $@"; $(CC) $(SAN_CFLAGS) $(RT_ENTRY) -o $@ $^ $(PKG_LIBS)
build/asan/vessel: $(patsubst %.c,$(SAN)/%.o,$(VESSEL_SRC) $(ENGINE_SRC) $(IMAGE_SRC) $(LIB_SRC))
	@echo "  CC $@"; $(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS) $(IMG_LIBS)
# the unit tests check sha256 against libcrypto itself, linked directly
build/asan/tests/%: $(SAN)/tests/unit/%.o $(patsubst %.c,$(SAN)/%.o,$(LIB_SRC) $(IMAGE_SRC) $(ENGINE_SRC) $(MONITOR_LIB))
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS) $(IMG_LIBS) -lcrypto -lcmocka

UNIT_BINS := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))

test: build/asan/vessel-runtime build/asan/vessel build/asan/vessel-monitor build/vessel-monitor $(UNIT_BINS)
	@tests/run-all.sh $(UNIT_BINS)

demo:
	scripts/install-deps
	$(MAKE) all
	scripts/demo

bench: all
	bench/run.sh
	bench/images.sh
	bench/engine.sh

clean:
	rm -rf build

.PHONY: all test demo bench clean
.SECONDARY:
-include $(shell find build -name '*.d' 2>/dev/null)
