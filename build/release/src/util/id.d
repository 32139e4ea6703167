build/release/src/util/id.o: src/util/id.c src/util/id.h src/util/err.h
src/util/id.h:
src/util/err.h:
