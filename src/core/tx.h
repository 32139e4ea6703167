/*
 * tx: the write transaction every changing core function runs in.
 *
 * core_tx_begin takes the write connection and begins; core_tx_end
 * commits when rc is 0 (rolls back otherwise), releases the connection,
 * publishes or discards the events recorded meanwhile (core/events.h) and
 * returns the final result.
 */
#ifndef HEARTH_CORE_TX_H
#define HEARTH_CORE_TX_H

struct core;
struct db_conn;

int core_tx_begin(const struct core *core, struct db_conn **c);
int core_tx_end(struct db_conn *c, int rc);

#endif
