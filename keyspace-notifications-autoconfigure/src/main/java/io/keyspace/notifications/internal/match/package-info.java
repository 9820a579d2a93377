/**
 * Step three: which handlers want a message. The registry of wanted channels is the single
 * source of truth for every node connection; matching a message is one hash lookup on the
 * channel or pattern Redis says it matched, and each handler's optional
 * {@link io.keyspace.notifications.KeyNotificationFilter} then runs on the reader thread, so
 * unwanted notifications never reach a queue.
 */
package io.keyspace.notifications.internal.match;
