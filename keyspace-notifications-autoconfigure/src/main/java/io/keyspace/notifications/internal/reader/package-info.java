/**
 * Step one of a notification's path: one subscriber connection and one reader thread per
 * Redis node. The reader connects, reads pub/sub frames and hands them on; it keeps the wanted
 * subscriptions as desired state and sends only what changed, replays everything after every
 * reconnect (with backoff), checks idle connections with PING, reports connected, lost and
 * confirmed on one {@code NodeListener}, and says once, loudly, when a connection is lost.
 */
package io.keyspace.notifications.internal.reader;
