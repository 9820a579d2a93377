package io.keyspace.notifications.internal.dispatch;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

/**
 * A notification on its way to its handlers.
 *
 * @param readNanos {@link System#nanoTime()} at the start of its read burst, or 0 when
 * nobody observes the lag
 */
record Delivery(KeyNotification notification, KeyNotificationHandler[] handlers, long readNanos) {
}
