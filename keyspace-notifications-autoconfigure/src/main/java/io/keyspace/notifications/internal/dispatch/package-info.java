/**
 * Step four: from reader threads to handler threads. A fixed set of lanes, one thread each,
 * chosen by key hash (per-key order, parallel across keys); bounded queues filled a burst at
 * a time; an overflow policy whose every drop is counted and reported; and the counters
 * ({@link io.keyspace.notifications.internal.dispatch.NotificationCounters}) behind the read-only
 * {@link io.keyspace.notifications.NotificationMetrics}. Every notification handed over is
 * settled exactly once, delivered or dropped, also when a handler outlives the shutdown.
 */
package io.keyspace.notifications.internal.dispatch;
