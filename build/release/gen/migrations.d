build/release/gen/migrations.o: build/release/gen/migrations.c \
 src/db/migrations.h
src/db/migrations.h:
