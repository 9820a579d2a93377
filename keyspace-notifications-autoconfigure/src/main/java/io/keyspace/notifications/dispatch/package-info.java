/**
 * Step four: from reader threads to handler threads. A fixed set of lanes, one thread each,
 * chosen by key hash (per-key order, parallel across keys); bounded queues filled a burst at
 * a time; an overflow policy whose every drop is counted and reported.
 */
package io.keyspace.notifications.dispatch;
