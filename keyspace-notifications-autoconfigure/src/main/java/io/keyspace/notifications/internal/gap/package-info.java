/**
 * Interruptions of delivery, reported as {@link io.keyspace.notifications.NotificationGap}s:
 * which node stopped delivering when, why, and when delivery was confirmed again. Fed by the
 * node readers' events, the cluster's topology changes and the dispatcher's overflow drops;
 * listeners are called on one gap thread, never on a reader thread.
 */
package io.keyspace.notifications.internal.gap;
