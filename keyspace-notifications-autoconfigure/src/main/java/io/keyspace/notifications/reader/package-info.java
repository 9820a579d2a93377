/**
 * Step one of a notification's path: one subscriber connection and one reader thread per
 * Redis node. The reader only reads pub/sub frames and hands them on; it keeps the wanted
 * subscriptions, replays them after every reconnect (with backoff), checks idle connections
 * with PING, and says once, loudly, when a connection is lost.
 */
package io.keyspace.notifications.reader;
