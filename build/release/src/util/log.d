build/release/src/util/log.o: src/util/log.c src/util/log.h \
 src/util/err.h
src/util/log.h:
src/util/err.h:
