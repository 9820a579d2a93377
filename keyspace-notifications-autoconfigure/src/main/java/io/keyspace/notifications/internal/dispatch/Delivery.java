package io.keyspace.notifications.internal.dispatch;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyNotificationHandler;

/** A notification on its way to its handlers. */
record Delivery(KeyNotification notification, KeyNotificationHandler[] handlers) {
}
