/*
 * timer: the server's clock for work that falls due.
 *
 * One thread wakes every second and runs what is due in core: polls that
 * ended are closed and announced (poll_close_due), scheduled statuses
 * whose time came are published (scheduled_publish_due), and, once a
 * minute, old Idempotency-Keys are forgotten. Each task is idempotent, so
 * a run cut short by a stop or a failure is finished by the next one.
 * timer_start and timer_stop are called by main, once each, from the
 * same thread; the timer borrows the core until timer_stop returns.
 */
#ifndef HEARTH_JOBS_TIMER_H
#define HEARTH_JOBS_TIMER_H

struct core;

/* Starts the thread. 0, or E_INTERNAL when it cannot be created. */
int timer_start(const struct core *core);
/* Wakes the thread, waits for the task under way to finish and joins it. Safe if not started. */
void timer_stop(void);
/* Runs every due task once now (what one tick does); for tests and the thread. */
void timer_run_due(const struct core *core);

#endif
