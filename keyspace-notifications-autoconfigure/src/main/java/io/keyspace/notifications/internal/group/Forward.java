package io.keyspace.notifications.internal.group;

import io.keyspace.notifications.KeyNotification;

/** A notification on its way into the stream of its source (the source's hash tag). */
record Forward(String tag, KeyNotification notification) {
}
